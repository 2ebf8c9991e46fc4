// CDLDOJI (Doji) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_DOJI_H_
#define TICKSTOCK_PATTERNS_CDL_DOJI_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A candle whose body is at most the BodyDoji reference (10% of the mean range): +100.
class CdlDoji {
 public:
  // TA_CDLDOJI_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return p.candles.body_doji.avg_period;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlDoji(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_doji_.register_with(t, s.body_doji, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c = r[0];
    return real_body(c) <= body_doji_.average(r, s.body_doji, c) ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_doji_;  // BodyDoji of the candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_DOJI_H_
