// CDL3WHITESOLDIERS (Three Advancing White Soldiers) as a streaming detector, bit-identical to
// TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_THREE_WHITE_SOLDIERS_H_
#define TICKSTOCK_PATTERNS_CDL_THREE_WHITE_SOLDIERS_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Three white candles with rising closes and very short upper shadows, each opening within or
// near the prior body, none far shorter than the previous, the last not short: +100.
class CdlThreeWhiteSoldiers {
 public:
  // TA_CDL3WHITESOLDIERS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.shadow_very_short.avg_period, s.body_short.avg_period),
                    std::max(s.far.avg_period, s.near.avg_period)) +
           2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlThreeWhiteSoldiers(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    for (int pos = 2; pos >= 0; --pos)
      svs_[pos].register_with(t, s.shadow_very_short, lookback_, pos);
    for (int pos = 2; pos >= 1; --pos) {
      far_[pos].register_with(t, s.far, lookback_, pos);
      near_[pos].register_with(t, s.near, lookback_, pos);
    }
    body_short_.register_with(t, s.body_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (color(c1) == 1 && upper_shadow(c1) < svs_[2].average(r, s.shadow_very_short, c1) &&
        color(c2) == 1 && upper_shadow(c2) < svs_[1].average(r, s.shadow_very_short, c2) &&
        color(c3) == 1 && upper_shadow(c3) < svs_[0].average(r, s.shadow_very_short, c3) &&
        c3.close > c2.close && c2.close > c1.close && c2.open > c1.open &&
        c2.open <= c1.close + near_[2].average(r, s.near, c1) && c3.open > c2.open &&
        c3.open <= c2.close + near_[1].average(r, s.near, c2) &&
        real_body(c2) > real_body(c1) - far_[2].average(r, s.far, c1) &&
        real_body(c3) > real_body(c2) - far_[1].average(r, s.far, c2) &&
        real_body(c3) > body_short_.average(r, s.body_short, c3))
      return 100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  std::array<CandleTotal, 3> svs_;   // ShadowVeryShort by candle position (0 = newest)
  std::array<CandleTotal, 3> near_;  // Near by candle position; [1] and [2] are used
  std::array<CandleTotal, 3> far_;   // Far by candle position; [1] and [2] are used
  CandleTotal body_short_;           // BodyShort of the 3rd candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_THREE_WHITE_SOLDIERS_H_
