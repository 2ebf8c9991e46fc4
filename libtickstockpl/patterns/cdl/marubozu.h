// CDLMARUBOZU: a long body with very short shadows on both ends.
#ifndef TICKSTOCK_PATTERNS_CDL_MARUBOZU_H_
#define TICKSTOCK_PATTERNS_CDL_MARUBOZU_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Marubozu (CDLMARUBOZU); the candle's colour x 100, or 0.
class CdlMarubozu {
 public:
  // TA_CDLMARUBOZU_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.body_long.avg_period, s.shadow_very_short.avg_period);
  }
  // Fixes the lookback for the settings in p.
  explicit CdlMarubozu(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 0);
    shadow_very_short_.register_with(t, s.shadow_very_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c0 = r[0];
    const double very_short = shadow_very_short_.average(r, s.shadow_very_short, c0);
    const bool hit = real_body(c0) > body_long_.average(r, s.body_long, c0) &&
                     upper_shadow(c0) < very_short && lower_shadow(c0) < very_short;
    return hit ? color(c0) * 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;          // BodyLong of the first candle
  CandleTotal shadow_very_short_;  // ShadowVeryShort of the first candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_MARUBOZU_H_
