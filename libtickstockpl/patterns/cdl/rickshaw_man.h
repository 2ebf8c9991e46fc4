// CDLRICKSHAWMAN: a doji with two long shadows and its body near the middle of the range.
#ifndef TICKSTOCK_PATTERNS_CDL_RICKSHAW_MAN_H_
#define TICKSTOCK_PATTERNS_CDL_RICKSHAW_MAN_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Rickshaw Man (CDLRICKSHAWMAN); +100 (present) or 0.
class CdlRickshawMan {
 public:
  // TA_CDLRICKSHAWMAN_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.body_doji.avg_period, s.shadow_long.avg_period), s.near.avg_period);
  }
  // Fixes the lookback for the settings in p.
  explicit CdlRickshawMan(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_doji_.register_with(t, s.body_doji, lookback_, 0);
    shadow_long_.register_with(t, s.shadow_long, lookback_, 0);
    near_.register_with(t, s.near, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c0 = r[0];
    const double shadow_long = shadow_long_.average(r, s.shadow_long, c0);
    const double near = near_.average(r, s.near, c0);
    const double mid = c0.low + high_low(c0) / 2;
    const bool hit = real_body(c0) <= body_doji_.average(r, s.body_doji, c0) &&
                     lower_shadow(c0) > shadow_long && upper_shadow(c0) > shadow_long &&
                     std::min(c0.open, c0.close) <= mid + near &&
                     std::max(c0.open, c0.close) >= mid - near;
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_doji_;    // BodyDoji of the first candle
  CandleTotal shadow_long_;  // ShadowLong of the first candle
  CandleTotal near_;         // Near of the first candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_RICKSHAW_MAN_H_
