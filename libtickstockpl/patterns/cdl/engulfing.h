// CDLENGULFING (Engulfing Pattern) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_ENGULFING_H_
#define TICKSTOCK_PATTERNS_CDL_ENGULFING_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A body that engulfs the prior, opposite-coloured body: the 2nd candle's colour times 100, or
// times 80 when one end of the two bodies is equal.
class CdlEngulfing {
 public:
  // TA_CDLENGULFING_Lookback (uses no candle setting).
  static std::int64_t lookback_for(const PatternParams& /*p*/) { return 2; }
  // Fixes the lookback for the settings in `p`.
  explicit CdlEngulfing(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& /*p*/) const {
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c2 = r[0];
    if ((color(c2) == 1 && color(c1) == -1 &&
         ((c2.close >= c1.open && c2.open < c1.close) ||
          (c2.close > c1.open && c2.open <= c1.close))) ||
        (color(c2) == -1 && color(c1) == 1 &&
         ((c2.open >= c1.close && c2.close < c1.open) ||
          (c2.open > c1.close && c2.close <= c1.open)))) {
      // Equal ends make a weaker ("touching") engulfing, which TA-Lib reports as +-80.
      if (c2.open != c1.close && c2.close != c1.open) return color(c2) * 100;
      return color(c2) * 80;
    }
    return 0;
  }

 private:
  std::int32_t lookback_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_ENGULFING_H_
