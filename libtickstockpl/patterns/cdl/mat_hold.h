// CDLMATHOLD: a long white candle, a gap up, three small falling candles held within its body,
// then a white candle closing above them. p.penetration (default 0.5) bounds how far the
// reaction candles may sink into the first body.
#ifndef TICKSTOCK_PATTERNS_CDL_MAT_HOLD_H_
#define TICKSTOCK_PATTERNS_CDL_MAT_HOLD_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Mat Hold (CDLMATHOLD); +100 (bullish) or 0.
class CdlMatHold {
 public:
  // TA_CDLMATHOLD_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.body_short.avg_period, s.body_long.avg_period) + 4;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlMatHold(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long4_.register_with(t, s.body_long, lookback_, 4);
    body_short3_.register_with(t, s.body_short, lookback_, 3);
    body_short2_.register_with(t, s.body_short, lookback_, 2);
    body_short1_.register_with(t, s.body_short, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c4 = r[4];
    const Candle& c3 = r[3];
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double floor4 = c4.close - real_body(c4) * p.penetration;
    const bool hit = real_body(c4) > body_long4_.average(r, s.body_long, c4) &&
                     real_body(c3) < body_short3_.average(r, s.body_short, c3) &&
                     real_body(c2) < body_short2_.average(r, s.body_short, c2) &&
                     real_body(c1) < body_short1_.average(r, s.body_short, c1) && color(c4) == 1 &&
                     color(c3) == -1 && color(c0) == 1 && real_body_gap_up(c3, c4) &&
                     std::min(c2.open, c2.close) < c4.close &&
                     std::min(c1.open, c1.close) < c4.close &&
                     std::min(c2.open, c2.close) > floor4 && std::min(c1.open, c1.close) > floor4 &&
                     std::max(c2.close, c2.open) < c3.open &&
                     std::max(c1.close, c1.open) < std::max(c2.close, c2.open) &&
                     c0.open > c1.close && c0.close > std::max(std::max(c3.high, c2.high), c1.high);
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long4_;   // BodyLong of the first candle
  CandleTotal body_short3_;  // BodyShort of the second candle
  CandleTotal body_short2_;  // BodyShort of the third candle
  CandleTotal body_short1_;  // BodyShort of the fourth candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_MAT_HOLD_H_
