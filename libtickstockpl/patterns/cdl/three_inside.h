// CDL3INSIDE (Three Inside Up/Down) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_THREE_INSIDE_H_
#define TICKSTOCK_PATTERNS_CDL_THREE_INSIDE_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A harami (long candle, short body strictly inside it) confirmed by a third candle of the
// opposite colour closing beyond the first candle's open: +100 up, -100 down.
class CdlThreeInside {
 public:
  // TA_CDL3INSIDE_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max(p.candles.body_short.avg_period, p.candles.body_long.avg_period) + 2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlThreeInside(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
    body_short_.register_with(t, s.body_short, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (real_body(c1) > body_long_.average(r, s.body_long, c1) &&
        real_body(c2) <= body_short_.average(r, s.body_short, c2) &&
        std::max(c2.close, c2.open) < std::max(c1.close, c1.open) &&
        std::min(c2.close, c2.open) > std::min(c1.close, c1.open) &&
        ((color(c1) == 1 && color(c3) == -1 && c3.close < c1.open) ||
         (color(c1) == -1 && color(c3) == 1 && c3.close > c1.open)))
      return -color(c1) * 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;   // BodyLong of the 1st candle
  CandleTotal body_short_;  // BodyShort of the 2nd candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_THREE_INSIDE_H_
