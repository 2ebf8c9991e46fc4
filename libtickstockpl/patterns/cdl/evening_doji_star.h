// CDLEVENINGDOJISTAR (Evening Doji Star) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_EVENING_DOJI_STAR_H_
#define TICKSTOCK_PATTERNS_CDL_EVENING_DOJI_STAR_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A long white candle, a doji whose body gaps up, then a black candle that is not short and
// closes more than `penetration` into the 1st body: -100.
class CdlEveningDojiStar {
 public:
  // TA_CDLEVENINGDOJISTAR_Lookback with these settings (penetration does not change it).
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.body_doji.avg_period, s.body_long.avg_period),
                    s.body_short.avg_period) +
           2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlEveningDojiStar(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
    body_doji_.register_with(t, s.body_doji, lookback_, 1);
    body_short_.register_with(t, s.body_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (real_body(c1) > body_long_.average(r, s.body_long, c1) && color(c1) == 1 &&
        real_body(c2) <= body_doji_.average(r, s.body_doji, c2) && real_body_gap_up(c2, c1) &&
        real_body(c3) > body_short_.average(r, s.body_short, c3) && color(c3) == -1 &&
        c3.close < c1.close - real_body(c1) * p.penetration)
      return -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;   // BodyLong of the 1st candle
  CandleTotal body_doji_;   // BodyDoji of the 2nd candle
  CandleTotal body_short_;  // BodyShort of the 3rd candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_EVENING_DOJI_STAR_H_
