// CDLUNIQUE3RIVER: a long black candle, a black harami with a lower low, then a small white candle
// opening above that low.
#ifndef TICKSTOCK_PATTERNS_CDL_UNIQUE_THREE_RIVER_H_
#define TICKSTOCK_PATTERNS_CDL_UNIQUE_THREE_RIVER_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Unique 3 River (CDLUNIQUE3RIVER); +100 (bullish) or 0.
class CdlUniqueThreeRiver {
 public:
  // TA_CDLUNIQUE3RIVER_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(s.body_short.avg_period, s.body_long.avg_period) + 2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlUniqueThreeRiver(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
    body_short_.register_with(t, s.body_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit = real_body(c2) > body_long_.average(r, s.body_long, c2) && color(c2) == -1 &&
                     color(c1) == -1 && c1.close > c2.close && c1.open <= c2.open &&
                     c1.low < c2.low && real_body(c0) < body_short_.average(r, s.body_short, c0) &&
                     color(c0) == 1 && c0.open > c1.low;
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;   // BodyLong of the first candle
  CandleTotal body_short_;  // BodyShort of the third candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_UNIQUE_THREE_RIVER_H_
