// CDLINVERTEDHAMMER: a small body gapping down, with a long upper and a very short lower shadow.
#ifndef TICKSTOCK_PATTERNS_CDL_INVERTED_HAMMER_H_
#define TICKSTOCK_PATTERNS_CDL_INVERTED_HAMMER_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Inverted Hammer (CDLINVERTEDHAMMER); +100 (bullish) or 0.
class CdlInvertedHammer {
 public:
  // TA_CDLINVERTEDHAMMER_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.body_short.avg_period, s.shadow_long.avg_period),
                    s.shadow_very_short.avg_period) +
           1;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlInvertedHammer(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_short_.register_with(t, s.body_short, lookback_, 0);
    shadow_long_.register_with(t, s.shadow_long, lookback_, 0);
    shadow_very_short_.register_with(t, s.shadow_very_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit = real_body(c0) < body_short_.average(r, s.body_short, c0) &&
                     upper_shadow(c0) > shadow_long_.average(r, s.shadow_long, c0) &&
                     lower_shadow(c0) < shadow_very_short_.average(r, s.shadow_very_short, c0) &&
                     real_body_gap_down(c0, c1);
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_short_;         // BodyShort of the second candle
  CandleTotal shadow_long_;        // ShadowLong of the second candle
  CandleTotal shadow_very_short_;  // ShadowVeryShort of the second candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_INVERTED_HAMMER_H_
