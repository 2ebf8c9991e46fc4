// CDLIDENTICAL3CROWS: three declining black candles with very short lower shadows, each opening at
// the prior close.
#ifndef TICKSTOCK_PATTERNS_CDL_IDENTICAL_THREE_CROWS_H_
#define TICKSTOCK_PATTERNS_CDL_IDENTICAL_THREE_CROWS_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Identical Three Crows (CDLIDENTICAL3CROWS); -100 (bearish) or 0.
class CdlIdenticalThreeCrows {
 public:
  // TA_CDLIDENTICAL3CROWS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.shadow_very_short.avg_period, s.equal.avg_period) + 2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlIdenticalThreeCrows(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    shadow_very_short2_.register_with(t, s.shadow_very_short, lookback_, 2);
    shadow_very_short1_.register_with(t, s.shadow_very_short, lookback_, 1);
    shadow_very_short0_.register_with(t, s.shadow_very_short, lookback_, 0);
    equal2_.register_with(t, s.equal, lookback_, 2);
    equal1_.register_with(t, s.equal, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double equal2 = equal2_.average(r, s.equal, c2);
    const double equal1 = equal1_.average(r, s.equal, c1);
    const bool hit = color(c2) == -1 &&
                     lower_shadow(c2) < shadow_very_short2_.average(r, s.shadow_very_short, c2) &&
                     color(c1) == -1 &&
                     lower_shadow(c1) < shadow_very_short1_.average(r, s.shadow_very_short, c1) &&
                     color(c0) == -1 &&
                     lower_shadow(c0) < shadow_very_short0_.average(r, s.shadow_very_short, c0) &&
                     c2.close > c1.close && c1.close > c0.close && c1.open <= c2.close + equal2 &&
                     c1.open >= c2.close - equal2 && c0.open <= c1.close + equal1 &&
                     c0.open >= c1.close - equal1;
    return hit ? -100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal shadow_very_short2_;  // ShadowVeryShort of the first candle
  CandleTotal shadow_very_short1_;  // ShadowVeryShort of the second candle
  CandleTotal shadow_very_short0_;  // ShadowVeryShort of the third candle
  CandleTotal equal2_;              // Equal of the first candle
  CandleTotal equal1_;              // Equal of the second candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_IDENTICAL_THREE_CROWS_H_
