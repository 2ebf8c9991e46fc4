// CDLSEPARATINGLINES: opposite-coloured candles with the same open, the second a long belt hold.
#ifndef TICKSTOCK_PATTERNS_CDL_SEPARATING_LINES_H_
#define TICKSTOCK_PATTERNS_CDL_SEPARATING_LINES_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Separating Lines (CDLSEPARATINGLINES); the second candle's colour x 100, or 0.
class CdlSeparatingLines {
 public:
  // TA_CDLSEPARATINGLINES_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.shadow_very_short.avg_period, s.body_long.avg_period),
                    s.equal.avg_period) +
           1;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlSeparatingLines(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    shadow_very_short_.register_with(t, s.shadow_very_short, lookback_, 0);
    body_long_.register_with(t, s.body_long, lookback_, 0);
    equal_.register_with(t, s.equal, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double equal = equal_.average(r, s.equal, c1);
    const double very_short = shadow_very_short_.average(r, s.shadow_very_short, c0);
    const bool hit = color(c1) == -color(c0) && c0.open <= c1.open + equal &&
                     c0.open >= c1.open - equal &&
                     real_body(c0) > body_long_.average(r, s.body_long, c0) &&
                     ((color(c0) == 1 && lower_shadow(c0) < very_short) ||
                      (color(c0) == -1 && upper_shadow(c0) < very_short));
    return hit ? color(c0) * 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal shadow_very_short_;  // ShadowVeryShort of the second candle
  CandleTotal body_long_;          // BodyLong of the second candle
  CandleTotal equal_;              // Equal of the first candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_SEPARATING_LINES_H_
