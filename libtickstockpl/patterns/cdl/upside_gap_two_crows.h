// CDLUPSIDEGAP2CROWS: a long white candle, a short black body gapping up, then a black candle
// engulfing it and closing above the first close.
#ifndef TICKSTOCK_PATTERNS_CDL_UPSIDE_GAP_TWO_CROWS_H_
#define TICKSTOCK_PATTERNS_CDL_UPSIDE_GAP_TWO_CROWS_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Upside Gap Two Crows (CDLUPSIDEGAP2CROWS); -100 (bearish) or 0.
class CdlUpsideGapTwoCrows {
 public:
  // TA_CDLUPSIDEGAP2CROWS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.body_short.avg_period, s.body_long.avg_period) + 2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlUpsideGapTwoCrows(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
    body_short_.register_with(t, s.body_short, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit = color(c2) == 1 && real_body(c2) > body_long_.average(r, s.body_long, c2) &&
                     color(c1) == -1 && real_body(c1) <= body_short_.average(r, s.body_short, c1) &&
                     real_body_gap_up(c1, c2) && color(c0) == -1 && c0.open > c1.open &&
                     c0.close < c1.close && c0.close > c2.close;
    return hit ? -100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;   // BodyLong of the first candle
  CandleTotal body_short_;  // BodyShort of the second candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_UPSIDE_GAP_TWO_CROWS_H_
