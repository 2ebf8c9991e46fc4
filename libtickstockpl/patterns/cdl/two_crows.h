// CDL2CROWS (Two Crows) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_TWO_CROWS_H_
#define TICKSTOCK_PATTERNS_CDL_TWO_CROWS_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Long white candle, a black candle whose body gaps up, then a black candle opening inside the
// 2nd body and closing inside the 1st body: -100.
class CdlTwoCrows {
 public:
  // TA_CDL2CROWS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return p.candles.body_long.avg_period + 2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlTwoCrows(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (color(c1) == 1 && real_body(c1) > body_long_.average(r, s.body_long, c1) &&
        color(c2) == -1 && real_body_gap_up(c2, c1) &&  //
        color(c3) == -1 && c3.open < c2.open && c3.open > c2.close && c3.close > c1.open &&
        c3.close < c1.close)
      return -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;  // BodyLong of the 1st candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_TWO_CROWS_H_
