// CDLGAPSIDESIDEWHITE (Up/Down-gap side-by-side white lines) as a streaming detector,
// bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_GAP_SIDE_SIDE_WHITE_H_
#define TICKSTOCK_PATTERNS_CDL_GAP_SIDE_SIDE_WHITE_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Two white candles of about the same size and open, both with bodies gapping away from the
// candle before them: +100 for an upside gap, -100 for a downside gap.
class CdlGapSideSideWhite {
 public:
  // TA_CDLGAPSIDESIDEWHITE_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max(p.candles.near.avg_period, p.candles.equal.avg_period) + 2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlGapSideSideWhite(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    near_.register_with(t, s.near, lookback_, 1);
    equal_.register_with(t, s.equal, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (((real_body_gap_up(c2, c1) && real_body_gap_up(c3, c1)) ||
         (real_body_gap_down(c2, c1) && real_body_gap_down(c3, c1))) &&
        color(c2) == 1 && color(c3) == 1 &&
        real_body(c3) >= real_body(c2) - near_.average(r, s.near, c2) &&
        real_body(c3) <= real_body(c2) + near_.average(r, s.near, c2) &&
        c3.open >= c2.open - equal_.average(r, s.equal, c2) &&
        c3.open <= c2.open + equal_.average(r, s.equal, c2))
      return real_body_gap_up(c2, c1) ? 100 : -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal near_;   // Near of the 2nd candle
  CandleTotal equal_;  // Equal of the 2nd candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_GAP_SIDE_SIDE_WHITE_H_
