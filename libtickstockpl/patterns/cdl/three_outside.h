// CDL3OUTSIDE (Three Outside Up/Down) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_THREE_OUTSIDE_H_
#define TICKSTOCK_PATTERNS_CDL_THREE_OUTSIDE_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// An engulfing pair confirmed by a third candle closing beyond the engulfing candle's close:
// +100 (white engulfs black, then higher) or -100 (black engulfs white, then lower).
class CdlThreeOutside {
 public:
  // TA_CDL3OUTSIDE_Lookback (uses no candle setting).
  static std::int64_t lookback_for(const PatternParams& /*p*/) { return 3; }
  // Fixes the lookback for the settings in `p`.
  explicit CdlThreeOutside(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& /*p*/) const {
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if ((color(c2) == 1 && color(c1) == -1 && c2.close > c1.open && c2.open < c1.close &&
         c3.close > c2.close) ||
        (color(c2) == -1 && color(c1) == 1 && c2.open > c1.close && c2.close < c1.open &&
         c3.close < c2.close))
      return color(c2) * 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_THREE_OUTSIDE_H_
