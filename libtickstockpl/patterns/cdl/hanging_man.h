// CDLHANGINGMAN (Hanging Man) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_HANGING_MAN_H_
#define TICKSTOCK_PATTERNS_CDL_HANGING_MAN_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A small body with a long lower shadow and a very short upper shadow, the body at or above
// (near) the prior candle's high: -100.
class CdlHangingMan {
 public:
  // TA_CDLHANGINGMAN_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(std::max(s.body_short.avg_period, s.shadow_long.avg_period),
                             s.shadow_very_short.avg_period),
                    s.near.avg_period) +
           1;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlHangingMan(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_short_.register_with(t, s.body_short, lookback_, 0);
    shadow_long_.register_with(t, s.shadow_long, lookback_, 0);
    svs_.register_with(t, s.shadow_very_short, lookback_, 0);
    near_.register_with(t, s.near, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c2 = r[0];
    if (real_body(c2) < body_short_.average(r, s.body_short, c2) &&
        lower_shadow(c2) > shadow_long_.average(r, s.shadow_long, c2) &&
        upper_shadow(c2) < svs_.average(r, s.shadow_very_short, c2) &&
        std::min(c2.close, c2.open) >= c1.high - near_.average(r, s.near, c1))
      return -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_short_;   // BodyShort of the candle
  CandleTotal shadow_long_;  // ShadowLong of the candle
  CandleTotal svs_;          // ShadowVeryShort of the candle
  CandleTotal near_;         // Near of the prior candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_HANGING_MAN_H_
