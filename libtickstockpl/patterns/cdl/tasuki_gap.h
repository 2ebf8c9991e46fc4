// CDLTASUKIGAP: a body gap, a candle in the gap direction, then an opposite candle of similar size
// that opens in its body and closes inside the gap without filling it.
#ifndef TICKSTOCK_PATTERNS_CDL_TASUKI_GAP_H_
#define TICKSTOCK_PATTERNS_CDL_TASUKI_GAP_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Tasuki Gap (CDLTASUKIGAP); the second candle's colour x 100, or 0.
class CdlTasukiGap {
 public:
  // TA_CDLTASUKIGAP_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return s.near.avg_period + 2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlTasukiGap(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    near_.register_with(t, s.near, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double near = near_.average(r, s.near, c1);
    const bool up = real_body_gap_up(c1, c2) && color(c1) == 1 && color(c0) == -1 &&
                    c0.open < c1.close && c0.open > c1.open && c0.close < c1.open &&
                    c0.close > std::max(c2.close, c2.open) &&
                    std::fabs(real_body(c1) - real_body(c0)) < near;
    const bool down = real_body_gap_down(c1, c2) && color(c1) == -1 && color(c0) == 1 &&
                      c0.open < c1.open && c0.open > c1.close && c0.close > c1.open &&
                      c0.close < std::min(c2.close, c2.open) &&
                      std::fabs(real_body(c1) - real_body(c0)) < near;
    return up || down ? color(c1) * 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal near_;  // Near of the second candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_TASUKI_GAP_H_
