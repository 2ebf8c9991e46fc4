// CDLADVANCEBLOCK (Advance Block) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_ADVANCE_BLOCK_H_
#define TICKSTOCK_PATTERNS_CDL_ADVANCE_BLOCK_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Three white candles with rising closes, each opening within/near the prior body, the 1st long
// with a short upper shadow, and the advance visibly weakening (shrinking bodies or growing upper
// shadows): -100.
class CdlAdvanceBlock {
 public:
  // TA_CDLADVANCEBLOCK_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(std::max(s.shadow_long.avg_period, s.shadow_short.avg_period),
                             std::max(s.far.avg_period, s.near.avg_period)),
                    s.body_long.avg_period) +
           2;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlAdvanceBlock(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    for (int pos = 2; pos >= 0; --pos) ss_[pos].register_with(t, s.shadow_short, lookback_, pos);
    shadow_long_.register_with(t, s.shadow_long, lookback_, 0);
    for (int pos = 2; pos >= 1; --pos) {
      far_[pos].register_with(t, s.far, lookback_, pos);
      near_[pos].register_with(t, s.near, lookback_, pos);
    }
    body_long_.register_with(t, s.body_long, lookback_, 2);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (color(c1) == 1 && color(c2) == 1 && color(c3) == 1 && c3.close > c2.close &&
        c2.close > c1.close && c2.open > c1.open &&
        c2.open <= c1.close + near_[2].average(r, s.near, c1) && c3.open > c2.open &&
        c3.open <= c2.close + near_[1].average(r, s.near, c2) &&
        real_body(c1) > body_long_.average(r, s.body_long, c1) &&
        upper_shadow(c1) < ss_[2].average(r, s.shadow_short, c1) &&
        (
            // 2nd far smaller than the 1st and the 3rd not longer than the 2nd.
            (real_body(c2) < real_body(c1) - far_[2].average(r, s.far, c1) &&
             real_body(c3) < real_body(c2) + near_[1].average(r, s.near, c2)) ||
            // 3rd far smaller than the 2nd.
            (real_body(c3) < real_body(c2) - far_[1].average(r, s.far, c2)) ||
            // Shrinking bodies with an upper shadow on the 2nd or 3rd.
            (real_body(c3) < real_body(c2) && real_body(c2) < real_body(c1) &&
             (upper_shadow(c3) > ss_[0].average(r, s.shadow_short, c3) ||
              upper_shadow(c2) > ss_[1].average(r, s.shadow_short, c2))) ||
            // Smaller 3rd body with a long upper shadow.
            (real_body(c3) < real_body(c2) &&
             upper_shadow(c3) > shadow_long_.average(r, s.shadow_long, c3))))
      return -100;
    return 0;
  }

 private:
  std::int32_t lookback_;
  std::array<CandleTotal, 3> ss_;    // ShadowShort by candle position (0 = newest)
  CandleTotal shadow_long_;          // ShadowLong of the 3rd candle (TA-Lib's 2nd one is unread)
  std::array<CandleTotal, 3> near_;  // Near by candle position; [1] and [2] are used
  std::array<CandleTotal, 3> far_;   // Far by candle position; [1] and [2] are used
  CandleTotal body_long_;            // BodyLong of the 1st candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_ADVANCE_BLOCK_H_
