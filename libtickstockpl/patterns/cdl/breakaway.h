// CDLBREAKAWAY (Breakaway) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_BREAKAWAY_H_
#define TICKSTOCK_PATTERNS_CDL_BREAKAWAY_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Five candles: a long one, a same-coloured one gapping away, two more extending the move, then
// an opposite candle closing inside the gap: +100 after a decline, -100 after an advance.
class CdlBreakaway {
 public:
  // TA_CDLBREAKAWAY_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return p.candles.body_long.avg_period + 4;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlBreakaway(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 4);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[4];
    const Candle& c2 = r[3];
    const Candle& c3 = r[2];
    const Candle& c4 = r[1];
    const Candle& c5 = r[0];
    if (real_body(c1) > body_long_.average(r, s.body_long, c1) && color(c1) == color(c2) &&
        color(c2) == color(c4) && color(c4) == -color(c5) &&
        ((color(c1) == -1 && real_body_gap_down(c2, c1) && c3.high < c2.high && c3.low < c2.low &&
          c4.high < c3.high && c4.low < c3.low && c5.close > c2.open && c5.close < c1.close) ||
         (color(c1) == 1 && real_body_gap_up(c2, c1) && c3.high > c2.high && c3.low > c2.low &&
          c4.high > c3.high && c4.low > c3.low && c5.close < c2.open && c5.close > c1.close)))
      return color(c5) * 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;  // BodyLong of the 1st candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_BREAKAWAY_H_
