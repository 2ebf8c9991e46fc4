// CDLDRAGONFLYDOJI (Dragonfly Doji) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_DRAGONFLY_DOJI_H_
#define TICKSTOCK_PATTERNS_CDL_DRAGONFLY_DOJI_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A doji with a very short upper shadow and a lower shadow that is not very short: +100.
class CdlDragonflyDoji {
 public:
  // TA_CDLDRAGONFLYDOJI_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max(p.candles.body_doji.avg_period, p.candles.shadow_very_short.avg_period);
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlDragonflyDoji(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_doji_.register_with(t, s.body_doji, lookback_, 0);
    svs_.register_with(t, s.shadow_very_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c = r[0];
    if (real_body(c) <= body_doji_.average(r, s.body_doji, c) &&
        upper_shadow(c) < svs_.average(r, s.shadow_very_short, c) &&
        lower_shadow(c) > svs_.average(r, s.shadow_very_short, c))
      return 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_doji_;  // BodyDoji of the candle
  CandleTotal svs_;        // ShadowVeryShort of the candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_DRAGONFLY_DOJI_H_
