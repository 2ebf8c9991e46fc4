// CDLHARAMI (Harami Pattern) as a streaming detector, bit-identical to TA-Lib 0.6, and the
// detector template it shares with CDLHARAMICROSS (harami_cross.h).
#ifndef TICKSTOCK_PATTERNS_CDL_HARAMI_H_
#define TICKSTOCK_PATTERNS_CDL_HARAMI_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// A long candle followed by a small body inside its body: -100 after white, +100 after black;
// +-80 when the small body shares one end with the long one. TA-Lib's HARAMI and HARAMICROSS
// differ only in the setting that decides "small": BodyShort for the harami, BodyDoji for the
// cross, given here as `Second`.
template <CandleSetting CandleSettings::*Second>
class HaramiDetector {
 public:
  // TA_CDLHARAMI_Lookback / TA_CDLHARAMICROSS_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max((p.candles.*Second).avg_period, p.candles.body_long.avg_period) + 1;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit HaramiDetector(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    const CandleSetting& second = s.*Second;
    body_long_.register_with(t, s.body_long, lookback_, 1);
    second_.register_with(t, second, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    const CandleSetting& second = s.*Second;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c1 = r[1];
    const Candle& c2 = r[0];
    if (!(real_body(c1) > body_long_.average(r, s.body_long, c1) &&
          real_body(c2) <= second_.average(r, second, c2)))
      return 0;
    const double top1 = std::max(c1.close, c1.open);
    const double bottom1 = std::min(c1.close, c1.open);
    const double top2 = std::max(c2.close, c2.open);
    const double bottom2 = std::min(c2.close, c2.open);
    if (top2 < top1 && bottom2 > bottom1) return -color(c1) * 100;
    // One shared end is still a harami for TA-Lib, a weaker one (+-80).
    if (top2 <= top1 && bottom2 >= bottom1) return -color(c1) * 80;
    return 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;  // BodyLong of the 1st candle
  CandleTotal second_;     // `Second` (BodyShort or BodyDoji) of the 2nd candle
};

// CDLHARAMI: the second body is short (BodyShort).
using CdlHarami = HaramiDetector<&CandleSettings::body_short>;

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_HARAMI_H_
