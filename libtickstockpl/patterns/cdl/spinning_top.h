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
  // TA-Lib's output for the newest candle of r; fresh = false re-evaluates a revised newest
  // candle (the totals only cover older candles, so they are kept).
  int update(const CandleRing& r, const PatternParams& p, bool fresh) {
    const CandleSettings& s = p.candles;
    if (fresh) {
      body_short_.advance(s.body_short, r, lookback_, 0);
    }
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
