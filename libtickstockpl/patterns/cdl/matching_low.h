// CDLMATCHINGLOW: two black candles closing at (nearly) the same price.
#ifndef TICKSTOCK_PATTERNS_CDL_MATCHING_LOW_H_
#define TICKSTOCK_PATTERNS_CDL_MATCHING_LOW_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Matching Low (CDLMATCHINGLOW); +100 (bullish) or 0.
class CdlMatchingLow {
 public:
  // TA_CDLMATCHINGLOW_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return s.equal.avg_period + 1;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlMatchingLow(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    equal_.register_with(t, s.equal, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double equal = equal_.average(r, s.equal, c1);
    const bool hit = color(c1) == -1 && color(c0) == -1 && c0.close <= c1.close + equal &&
                     c0.close >= c1.close - equal;
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal equal_;  // Equal of the first candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_MATCHING_LOW_H_
