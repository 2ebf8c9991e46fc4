// CDL3LINESTRIKE (Three-Line Strike) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_THREE_LINE_STRIKE_H_
#define TICKSTOCK_PATTERNS_CDL_THREE_LINE_STRIKE_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Three same-coloured candles each opening within/near the prior body with rising (white) or
// falling (black) closes, then an opposite candle that erases them all: the colour of the three
// times 100 (TA-Lib's sign: +100 after three white).
class CdlThreeLineStrike {
 public:
  // TA_CDL3LINESTRIKE_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) { return p.candles.near.avg_period + 3; }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlThreeLineStrike(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSetting& near = p.candles.near;
    for (int pos = 3; pos >= 2; --pos) near_[pos].register_with(t, near, lookback_, pos);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSetting& near = p.candles.near;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[3];
    const Candle& c2 = r[2];
    const Candle& c3 = r[1];
    const Candle& c4 = r[0];
    if (color(c1) == color(c2) && color(c2) == color(c3) && color(c4) == -color(c3) &&
        c2.open >= std::min(c1.open, c1.close) - near_[3].average(r, near, c1) &&
        c2.open <= std::max(c1.open, c1.close) + near_[3].average(r, near, c1) &&
        c3.open >= std::min(c2.open, c2.close) - near_[2].average(r, near, c2) &&
        c3.open <= std::max(c2.open, c2.close) + near_[2].average(r, near, c2) &&
        ((color(c3) == 1 && c3.close > c2.close && c2.close > c1.close && c4.open > c3.close &&
          c4.close < c1.open) ||
         (color(c3) == -1 && c3.close < c2.close && c2.close < c1.close && c4.open < c3.close &&
          c4.close > c1.open)))
      return color(c3) * 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  std::array<CandleTotal, 4> near_;  // Near by candle position; [2] and [3] are used
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_THREE_LINE_STRIKE_H_
