// CDLCONCEALBABYSWALL (Concealing Baby Swallow) as a streaming detector, bit-identical to
// TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_CONCEAL_BABY_SWALLOW_H_
#define TICKSTOCK_PATTERNS_CDL_CONCEAL_BABY_SWALLOW_H_

#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Four black candles: two marubozu, a 3rd gapping down whose upper shadow reaches into the 2nd
// body, and a 4th engulfing the 3rd including its shadows: +100.
class CdlConcealBabySwallow {
 public:
  // TA_CDLCONCEALBABYSWALL_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return p.candles.shadow_very_short.avg_period + 3;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlConcealBabySwallow(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSetting& svs = p.candles.shadow_very_short;
    for (int pos = 3; pos >= 1; --pos) svs_[pos].register_with(t, svs, lookback_, pos);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSetting& svs = p.candles.shadow_very_short;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[3];
    const Candle& c2 = r[2];
    const Candle& c3 = r[1];
    const Candle& c4 = r[0];
    if (color(c1) == -1 && color(c2) == -1 && color(c3) == -1 && color(c4) == -1 &&
        lower_shadow(c1) < svs_[3].average(r, svs, c1) &&
        upper_shadow(c1) < svs_[3].average(r, svs, c1) &&
        lower_shadow(c2) < svs_[2].average(r, svs, c2) &&
        upper_shadow(c2) < svs_[2].average(r, svs, c2) && real_body_gap_down(c3, c2) &&
        upper_shadow(c3) > svs_[1].average(r, svs, c3) && c3.high > c2.close && c4.high > c3.high &&
        c4.low < c3.low)
      return 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  std::array<CandleTotal, 4> svs_;  // ShadowVeryShort by candle position; [1]..[3] are used
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_CONCEAL_BABY_SWALLOW_H_
