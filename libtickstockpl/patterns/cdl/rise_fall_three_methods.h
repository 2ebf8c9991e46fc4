// CDLRISEFALL3METHODS: a long candle, three small counter-trend candles within its range, then a
// long candle of the first colour closing beyond the first close.
#ifndef TICKSTOCK_PATTERNS_CDL_RISE_FALL_THREE_METHODS_H_
#define TICKSTOCK_PATTERNS_CDL_RISE_FALL_THREE_METHODS_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Rising/Falling Three Methods (CDLRISEFALL3METHODS); the first candle's colour x 100, or 0.
class CdlRiseFallThreeMethods {
 public:
  // TA_CDLRISEFALL3METHODS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.body_short.avg_period, s.body_long.avg_period) + 4;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlRiseFallThreeMethods(const PatternParams& p)
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
    body_long0_.register_with(t, s.body_long, lookback_, 0);
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
    // TA-Lib folds both directions into one test by multiplying prices by the first colour.
    const double k = color(c4);
    const bool hit =
        real_body(c4) > body_long4_.average(r, s.body_long, c4) &&
        real_body(c3) < body_short3_.average(r, s.body_short, c3) &&
        real_body(c2) < body_short2_.average(r, s.body_short, c2) &&
        real_body(c1) < body_short1_.average(r, s.body_short, c1) &&
        real_body(c0) > body_long0_.average(r, s.body_long, c0) && color(c4) == -color(c3) &&
        color(c3) == color(c2) && color(c2) == color(c1) && color(c1) == -color(c0) &&
        std::min(c3.open, c3.close) < c4.high && std::max(c3.open, c3.close) > c4.low &&
        std::min(c2.open, c2.close) < c4.high && std::max(c2.open, c2.close) > c4.low &&
        std::min(c1.open, c1.close) < c4.high && std::max(c1.open, c1.close) > c4.low &&
        c2.close * k < c3.close * k && c1.close * k < c2.close * k && c0.open * k > c1.close * k &&
        c0.close * k > c4.close * k;
    return hit ? 100 * color(c4) : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long4_;   // BodyLong of the first candle
  CandleTotal body_short3_;  // BodyShort of the second candle
  CandleTotal body_short2_;  // BodyShort of the third candle
  CandleTotal body_short1_;  // BodyShort of the fourth candle
  CandleTotal body_long0_;   // BodyLong of the fifth candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_RISE_FALL_THREE_METHODS_H_
