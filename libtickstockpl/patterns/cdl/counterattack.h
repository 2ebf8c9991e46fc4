// CDLCOUNTERATTACK (Counterattack) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_COUNTERATTACK_H_
#define TICKSTOCK_PATTERNS_CDL_COUNTERATTACK_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Two long candles of opposite colour with (almost) equal closes: the 2nd candle's colour
// times 100.
class CdlCounterattack {
 public:
  // TA_CDLCOUNTERATTACK_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max(p.candles.equal.avg_period, p.candles.body_long.avg_period) + 1;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlCounterattack(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    equal_.register_with(t, s.equal, lookback_, 1);
    for (int pos = 1; pos >= 0; --pos)
      body_long_[pos].register_with(t, s.body_long, lookback_, pos);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c2 = r[0];
    if (color(c1) == -color(c2) && real_body(c1) > body_long_[1].average(r, s.body_long, c1) &&
        real_body(c2) > body_long_[0].average(r, s.body_long, c2) &&
        c2.close <= c1.close + equal_.average(r, s.equal, c1) &&
        c2.close >= c1.close - equal_.average(r, s.equal, c1))
      return color(c2) * 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal equal_;                     // Equal of the 1st candle
  std::array<CandleTotal, 2> body_long_;  // BodyLong by candle position (0 = newest)
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_COUNTERATTACK_H_
