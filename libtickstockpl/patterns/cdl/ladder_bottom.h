// CDLLADDERBOTTOM: three falling black candles, a black candle with an upper shadow, then a white
// candle breaking out.
#ifndef TICKSTOCK_PATTERNS_CDL_LADDER_BOTTOM_H_
#define TICKSTOCK_PATTERNS_CDL_LADDER_BOTTOM_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Ladder Bottom (CDLLADDERBOTTOM); +100 (bullish) or 0.
class CdlLadderBottom {
 public:
  // TA_CDLLADDERBOTTOM_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return s.shadow_very_short.avg_period + 4;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlLadderBottom(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    shadow_very_short_.register_with(t, s.shadow_very_short, lookback_, 1);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c4 = r[4];
    const Candle& c3 = r[3];
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit = color(c4) == -1 && color(c3) == -1 && color(c2) == -1 && c4.open > c3.open &&
                     c3.open > c2.open && c4.close > c3.close && c3.close > c2.close &&
                     color(c1) == -1 &&
                     upper_shadow(c1) > shadow_very_short_.average(r, s.shadow_very_short, c1) &&
                     color(c0) == 1 && c0.open > c1.open && c0.close > c1.high;
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal shadow_very_short_;  // ShadowVeryShort of the fourth candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_LADDER_BOTTOM_H_
