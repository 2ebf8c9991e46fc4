// CDLHIGHWAVE (High-Wave Candle) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_HIGH_WAVE_H_
#define TICKSTOCK_PATTERNS_CDL_HIGH_WAVE_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A short body with very long upper and lower shadows: the candle's colour times 100.
class CdlHighWave {
 public:
  // TA_CDLHIGHWAVE_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max(p.candles.body_short.avg_period, p.candles.shadow_very_long.avg_period);
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlHighWave(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_short_.register_with(t, s.body_short, lookback_, 0);
    svl_.register_with(t, s.shadow_very_long, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c = r[0];
    if (real_body(c) < body_short_.average(r, s.body_short, c) &&
        upper_shadow(c) > svl_.average(r, s.shadow_very_long, c) &&
        lower_shadow(c) > svl_.average(r, s.shadow_very_long, c))
      return color(c) * 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_short_;  // BodyShort of the candle
  CandleTotal svl_;         // ShadowVeryLong of the candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_HIGH_WAVE_H_
