// CDLKICKING: a marubozu, then a marubozu of the opposite colour across a price gap.
#ifndef TICKSTOCK_PATTERNS_CDL_KICKING_H_
#define TICKSTOCK_PATTERNS_CDL_KICKING_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Kicking (CDLKICKING); the second candle's colour x 100, or 0.
class CdlKicking {
 public:
  // TA_CDLKICKING_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.shadow_very_short.avg_period, s.body_long.avg_period) + 1;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlKicking(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    shadow_very_short1_.register_with(t, s.shadow_very_short, lookback_, 1);
    shadow_very_short0_.register_with(t, s.shadow_very_short, lookback_, 0);
    body_long1_.register_with(t, s.body_long, lookback_, 1);
    body_long0_.register_with(t, s.body_long, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double very_short1 = shadow_very_short1_.average(r, s.shadow_very_short, c1);
    const double very_short0 = shadow_very_short0_.average(r, s.shadow_very_short, c0);
    const bool hit =
        color(c1) == -color(c0) && real_body(c1) > body_long1_.average(r, s.body_long, c1) &&
        upper_shadow(c1) < very_short1 && lower_shadow(c1) < very_short1 &&
        real_body(c0) > body_long0_.average(r, s.body_long, c0) && upper_shadow(c0) < very_short0 &&
        lower_shadow(c0) < very_short0 &&
        ((color(c1) == -1 && candle_gap_up(c0, c1)) || (color(c1) == 1 && candle_gap_down(c0, c1)));
    return hit ? color(c0) * 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal shadow_very_short1_;  // ShadowVeryShort of the first candle
  CandleTotal shadow_very_short0_;  // ShadowVeryShort of the second candle
  CandleTotal body_long1_;          // BodyLong of the first candle
  CandleTotal body_long0_;          // BodyLong of the second candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_KICKING_H_
