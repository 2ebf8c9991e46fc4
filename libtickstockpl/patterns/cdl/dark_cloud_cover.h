// CDLDARKCLOUDCOVER (Dark Cloud Cover) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_DARK_CLOUD_COVER_H_
#define TICKSTOCK_PATTERNS_CDL_DARK_CLOUD_COVER_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A long white candle, then a black candle opening above its high and closing inside its body,
// more than `penetration` of the body below its close: -100.
class CdlDarkCloudCover {
 public:
  // TA_CDLDARKCLOUDCOVER_Lookback with these settings (penetration does not change it).
  static std::int64_t lookback_for(const PatternParams& p) {
    return p.candles.body_long.avg_period + 1;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlDarkCloudCover(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c2 = r[0];
    if (color(c1) == 1 && real_body(c1) > body_long_.average(r, s.body_long, c1) &&
        color(c2) == -1 && c2.open > c1.high && c2.close > c1.open &&
        c2.close < c1.close - real_body(c1) * p.penetration)
      return -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;  // BodyLong of the 1st candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_DARK_CLOUD_COVER_H_
