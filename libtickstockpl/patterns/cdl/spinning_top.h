// CDLSPINNINGTOP: a small body with both shadows longer than the body.
#ifndef TICKSTOCK_PATTERNS_CDL_SPINNING_TOP_H_
#define TICKSTOCK_PATTERNS_CDL_SPINNING_TOP_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Spinning Top (CDLSPINNINGTOP); the candle's colour x 100, or 0.
class CdlSpinningTop {
 public:
  // TA_CDLSPINNINGTOP_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return s.body_short.avg_period;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlSpinningTop(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_short_.register_with(t, s.body_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c0 = r[0];
    const double body = real_body(c0);
    const bool hit = body < body_short_.average(r, s.body_short, c0) && upper_shadow(c0) > body &&
                     lower_shadow(c0) > body;
    return hit ? color(c0) * 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_short_;  // BodyShort of the first candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_SPINNING_TOP_H_
