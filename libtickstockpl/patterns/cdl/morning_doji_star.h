// CDLMORNINGDOJISTAR: a long black candle, a doji gapping down, then a white candle closing well
// into the first body. p.penetration (default 0.3) is the fraction of the first body the close must
// reach.
#ifndef TICKSTOCK_PATTERNS_CDL_MORNING_DOJI_STAR_H_
#define TICKSTOCK_PATTERNS_CDL_MORNING_DOJI_STAR_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Morning Doji Star (CDLMORNINGDOJISTAR); +100 (bullish) or 0.
class CdlMorningDojiStar {
 public:
  // TA_CDLMORNINGDOJISTAR_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    const CandleSettings& s = p.candles;
    return std::max(std::max(s.body_doji.avg_period, s.body_long.avg_period),
                    s.body_short.avg_period) +
           2;
  }
  // Fixes the lookback for the settings in p.
  explicit CdlMorningDojiStar(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars before the first output (TA-Lib's lookback).
  std::int64_t lookback() const { return lookback_; }
  // Adds the running totals it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    const CandleSettings& s = p.candles;
    body_long_.register_with(t, s.body_long, lookback_, 2);
    body_doji_.register_with(t, s.body_doji, lookback_, 1);
    body_short_.register_with(t, s.body_short, lookback_, 0);
  }
  // TA-Lib's output for the newest candle of `r`.
  int evaluate(const CandleRing& r, const PatternParams& p) const {
    const CandleSettings& s = p.candles;
    if (r.newest_index() < lookback_) return 0;
    const Candle& c2 = r[2];
    const Candle& c1 = r[1];
    const Candle& c0 = r[0];
    const bool hit = real_body(c2) > body_long_.average(r, s.body_long, c2) && color(c2) == -1 &&
                     real_body(c1) <= body_doji_.average(r, s.body_doji, c1) &&
                     real_body_gap_down(c1, c2) &&
                     real_body(c0) > body_short_.average(r, s.body_short, c0) && color(c0) == 1 &&
                     c0.close > c2.close + real_body(c2) * p.penetration;
    return hit ? 100 : 0;
  }

 private:
  std::int32_t lookback_;
  CandleTotal body_long_;   // BodyLong of the first candle
  CandleTotal body_doji_;   // BodyDoji of the second candle
  CandleTotal body_short_;  // BodyShort of the third candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_MORNING_DOJI_STAR_H_
