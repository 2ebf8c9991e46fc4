// CDL3BLACKCROWS (Three Black Crows) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_THREE_BLACK_CROWS_H_
#define TICKSTOCK_PATTERNS_CDL_THREE_BLACK_CROWS_H_

#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A white candle, then three declining black candles with very short lower shadows, each opening
// inside the prior black body, the first closing under the white candle's high: -100.
class CdlThreeBlackCrows {
 public:
  // TA_CDL3BLACKCROWS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return p.candles.shadow_very_short.avg_period + 3;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlThreeBlackCrows(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSetting& svs = p.candles.shadow_very_short;
    for (int pos = 2; pos >= 0; --pos) svs_[pos].register_with(t, svs, lookback_, pos);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSetting& svs = p.candles.shadow_very_short;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c0 = r[3];  // the white candle before the crows
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (color(c0) == 1 &&  //
        color(c1) == -1 && lower_shadow(c1) < svs_[2].average(r, svs, c1) && color(c2) == -1 &&
        lower_shadow(c2) < svs_[1].average(r, svs, c2) && color(c3) == -1 &&
        lower_shadow(c3) < svs_[0].average(r, svs, c3) && c2.open < c1.open && c2.open > c1.close &&
        c3.open < c2.open && c3.open > c2.close && c0.high > c1.close && c1.close > c2.close &&
        c2.close > c3.close)
      return -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  std::array<CandleTotal, 3> svs_;  // ShadowVeryShort by candle position (0 = newest)
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_THREE_BLACK_CROWS_H_
