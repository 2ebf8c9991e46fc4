// CDL3STARSINSOUTH (Three Stars In The South) as a streaming detector, bit-identical to
// TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_THREE_STARS_IN_SOUTH_H_
#define TICKSTOCK_PATTERNS_CDL_THREE_STARS_IN_SOUTH_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Three black candles: a long one with a long lower shadow, a smaller one opening higher and
// holding above the 1st low, then a small marubozu inside the 2nd range: +100.
class CdlThreeStarsInSouth {
 public:
  // TA_CDL3STARSINSOUTH_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.shadow_very_short.avg_period, s.shadow_long.avg_period),
                    std::max(s.body_long.avg_period, s.body_short.avg_period)) +
           2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlThreeStarsInSouth(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
    shadow_long_.register_with(t, s.shadow_long, lookback_, 2);
    for (int pos = 1; pos >= 0; --pos)
      svs_[pos].register_with(t, s.shadow_very_short, lookback_, pos);
    body_short_.register_with(t, s.body_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (color(c1) == -1 && color(c2) == -1 && color(c3) == -1 &&
        real_body(c1) > body_long_.average(r, s.body_long, c1) &&
        lower_shadow(c1) > shadow_long_.average(r, s.shadow_long, c1) &&
        real_body(c2) < real_body(c1) && c2.open > c1.close && c2.open <= c1.high &&
        c2.low < c1.close && c2.low >= c1.low &&
        lower_shadow(c2) > svs_[1].average(r, s.shadow_very_short, c2) &&
        real_body(c3) < body_short_.average(r, s.body_short, c3) &&
        lower_shadow(c3) < svs_[0].average(r, s.shadow_very_short, c3) &&
        upper_shadow(c3) < svs_[0].average(r, s.shadow_very_short, c3) && c3.low > c2.low &&
        c3.high < c2.high)
      return 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;           // BodyLong of the 1st candle
  CandleTotal shadow_long_;         // ShadowLong of the 1st candle
  std::array<CandleTotal, 2> svs_;  // ShadowVeryShort of the 2nd ([1]) and 3rd ([0]) candles
  CandleTotal body_short_;          // BodyShort of the 3rd candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_THREE_STARS_IN_SOUTH_H_
