// CDLSTALLEDPATTERN: two long rising white candles, then a small white body riding on the second's
// shoulder.
#ifndef TICKSTOCK_PATTERNS_CDL_STALLED_PATTERN_H_
#define TICKSTOCK_PATTERNS_CDL_STALLED_PATTERN_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Stalled Pattern (CDLSTALLEDPATTERN); -100 (bearish) or 0.
class CdlStalledPattern {
 public:
  // TA_CDLSTALLEDPATTERN_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.body_long.avg_period, s.body_short.avg_period),
                    std::max(s.shadow_very_short.avg_period, s.near.avg_period)) +
           2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlStalledPattern(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long2_.register_with(t, s.body_long, lookback_, 2);
    body_long1_.register_with(t, s.body_long, lookback_, 1);
    body_short_.register_with(t, s.body_short, lookback_, 0);
    shadow_very_short_.register_with(t, s.shadow_very_short, lookback_, 1);
    near2_.register_with(t, s.near, lookback_, 2);
    near1_.register_with(t, s.near, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit = color(c2) == 1 && color(c1) == 1 && color(c0) == 1 && c0.close > c1.close &&
                     c1.close > c2.close &&
                     real_body(c2) > body_long2_.average(r, s.body_long, c2) &&
                     real_body(c1) > body_long1_.average(r, s.body_long, c1) &&
                     upper_shadow(c1) < shadow_very_short_.average(r, s.shadow_very_short, c1) &&
                     c1.open > c2.open && c1.open <= c2.close + near2_.average(r, s.near, c2) &&
                     real_body(c0) < body_short_.average(r, s.body_short, c0) &&
                     c0.open >= c1.close - real_body(c0) - near1_.average(r, s.near, c1);
    return hit ? -100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long2_;         // BodyLong of the first candle
  CandleTotal body_long1_;         // BodyLong of the second candle
  CandleTotal body_short_;         // BodyShort of the third candle
  CandleTotal shadow_very_short_;  // ShadowVeryShort of the second candle
  CandleTotal near2_;              // Near of the first candle
  CandleTotal near1_;              // Near of the second candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_STALLED_PATTERN_H_
