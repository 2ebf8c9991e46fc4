// CDLXSIDEGAP3METHODS: two same-coloured candles with a body gap between them, then an opposite
// candle opening in the second body and closing in the first (the gap is closed).
#ifndef TICKSTOCK_PATTERNS_CDL_X_SIDE_GAP_THREE_METHODS_H_
#define TICKSTOCK_PATTERNS_CDL_X_SIDE_GAP_THREE_METHODS_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Upside/Downside Gap Three Methods (CDLXSIDEGAP3METHODS); the first candle's colour x 100, or 0.
class CdlXSideGapThreeMethods {
 public:
  // TA_CDLXSIDEGAP3METHODS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& /*p*/) { return 2; }
  // Fixes the lookback for the settings in p.
  explicit CdlXSideGapThreeMethods(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& /*p*/) const {
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit =
        color(c2) == color(c1) && color(c1) == -color(c0) &&
        c0.open < std::max(c1.close, c1.open) && c0.open > std::min(c1.close, c1.open) &&
        c0.close < std::max(c2.close, c2.open) && c0.close > std::min(c2.close, c2.open) &&
        ((color(c2) == 1 && real_body_gap_up(c1, c2)) ||
         (color(c2) == -1 && real_body_gap_down(c1, c2)));
    return hit ? color(c2) * 100 : 0;
  }

 private:
  std::int32_t lookback_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_X_SIDE_GAP_THREE_METHODS_H_
