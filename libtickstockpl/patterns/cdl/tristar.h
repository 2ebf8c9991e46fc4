// CDLTRISTAR: three dojis, the middle one gapping away from the other two.
// TA-Lib measures all three bodies against the BodyDoji average of the first candle.
#ifndef TICKSTOCK_PATTERNS_CDL_TRISTAR_H_
#define TICKSTOCK_PATTERNS_CDL_TRISTAR_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Tristar Pattern (CDLTRISTAR); +100 (bottom), -100 (top) or 0.
class CdlTristar {
 public:
  // TA_CDLTRISTAR_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return s.body_doji.avg_period + 2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlTristar(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_doji_.register_with(t, s.body_doji, lookback_, 2);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const double doji = body_doji_.average(r, s.body_doji, c2);
    if (!(real_body(c2) <= doji && real_body(c1) <= doji && real_body(c0) <= doji)) return 0;
    int out = 0;
    if (real_body_gap_up(c1, c2) && std::max(c0.open, c0.close) < std::max(c1.open, c1.close)) {
      out = -100;
    }
    if (real_body_gap_down(c1, c2) && std::min(c0.open, c0.close) > std::min(c1.open, c1.close)) {
      out = 100;
    }
    return out;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_doji_;  // BodyDoji of the first candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_TRISTAR_H_
