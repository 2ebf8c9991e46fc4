// All 61 CDL detectors of one series, evaluated together on each new or revised candle.
#ifndef TICKSTOCK_PATTERNS_CDL_SET_H_
#define TICKSTOCK_PATTERNS_CDL_SET_H_

#include <array>
#include <cstdint>

#include "tickstock/patterns.h"

#include "patterns/candle.h"
#include "patterns/cdl/abandoned_baby.h"
#include "patterns/cdl/advance_block.h"
#include "patterns/cdl/belt_hold.h"
#include "patterns/cdl/breakaway.h"
#include "patterns/cdl/closing_marubozu.h"
#include "patterns/cdl/conceal_baby_swallow.h"
#include "patterns/cdl/counterattack.h"
#include "patterns/cdl/dark_cloud_cover.h"
#include "patterns/cdl/doji.h"
#include "patterns/cdl/doji_star.h"
#include "patterns/cdl/dragonfly_doji.h"
#include "patterns/cdl/engulfing.h"
#include "patterns/cdl/evening_doji_star.h"
#include "patterns/cdl/evening_star.h"
#include "patterns/cdl/gap_side_side_white.h"
#include "patterns/cdl/gravestone_doji.h"
#include "patterns/cdl/hammer.h"
#include "patterns/cdl/hanging_man.h"
#include "patterns/cdl/harami.h"
#include "patterns/cdl/harami_cross.h"
#include "patterns/cdl/high_wave.h"
#include "patterns/cdl/hikkake.h"
#include "patterns/cdl/hikkake_mod.h"
#include "patterns/cdl/homing_pigeon.h"
#include "patterns/cdl/identical_three_crows.h"
#include "patterns/cdl/in_neck.h"
#include "patterns/cdl/inverted_hammer.h"
#include "patterns/cdl/kicking.h"
#include "patterns/cdl/kicking_by_length.h"
#include "patterns/cdl/ladder_bottom.h"
#include "patterns/cdl/long_legged_doji.h"
#include "patterns/cdl/long_line.h"
#include "patterns/cdl/marubozu.h"
#include "patterns/cdl/mat_hold.h"
#include "patterns/cdl/matching_low.h"
#include "patterns/cdl/morning_doji_star.h"
#include "patterns/cdl/morning_star.h"
#include "patterns/cdl/on_neck.h"
#include "patterns/cdl/piercing.h"
#include "patterns/cdl/rickshaw_man.h"
#include "patterns/cdl/rise_fall_three_methods.h"
#include "patterns/cdl/separating_lines.h"
#include "patterns/cdl/shooting_star.h"
#include "patterns/cdl/short_line.h"
#include "patterns/cdl/spinning_top.h"
#include "patterns/cdl/stalled_pattern.h"
#include "patterns/cdl/stick_sandwich.h"
#include "patterns/cdl/takuri.h"
#include "patterns/cdl/tasuki_gap.h"
#include "patterns/cdl/three_black_crows.h"
#include "patterns/cdl/three_inside.h"
#include "patterns/cdl/three_line_strike.h"
#include "patterns/cdl/three_outside.h"
#include "patterns/cdl/three_stars_in_south.h"
#include "patterns/cdl/three_white_soldiers.h"
#include "patterns/cdl/thrusting.h"
#include "patterns/cdl/tristar.h"
#include "patterns/cdl/two_crows.h"
#include "patterns/cdl/unique_three_river.h"
#include "patterns/cdl/upside_gap_two_crows.h"
#include "patterns/cdl/x_side_gap_three_methods.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// What every series of one engine shares: the parameters each detector is called with, which
// patterns run, and their lookbacks.
struct CdlConfig {
  PatternParams common;                                // candle settings, for all patterns
  std::array<PatternParams, kPatternCount> own;        // common + the pattern's penetration
  std::uint64_t enabled = 0;                           // bit i: PatternId i runs
  std::array<std::int16_t, kPatternCount> lookback{};  // TA_CDLxxx_Lookback per pattern
};

// TA-Lib output of each pattern for the newest candle (0 when not enabled or in lookback).
using CdlOutputs = std::array<std::int16_t, kPatternCount>;

// What one series carries for the detectors that keep state between bars.
struct CdlSeries {
  CdlHikkake::Series hikkake;
  CdlHikkakeMod::Series hikkake_mod;
};

// Adds the running totals detector `d` reads to `t` (detectors without settings read none).
template <class D>
void register_detector(D& d, const PatternParams& p, TotalsLayout& t) {
  if constexpr (requires { d.register_totals(p, t); }) d.register_totals(p, t);
}
// TA-Lib's output of detector `d` for the newest candle of `r`; fresh is false when that
// candle replaced (revised) the one evaluated before. `st` is the series' own state.
template <class D>
int evaluate_detector(const D& d, const CandleRing& r, const PatternParams& p, bool /*fresh*/,
                      CdlSeries& /*st*/) {
  return d.evaluate(r, p);
}
inline int evaluate_detector(const CdlHikkake& d, const CandleRing& r, const PatternParams& p,
                             bool fresh, CdlSeries& st) {
  return d.evaluate(r, p, fresh, st.hikkake);
}
inline int evaluate_detector(const CdlHikkakeMod& d, const CandleRing& r, const PatternParams& p,
                             bool fresh, CdlSeries& st) {
  return d.evaluate(r, p, fresh, st.hikkake_mod);
}

// The enabled detectors of one configuration and the running totals they read. Immutable once
// built, so every series of an engine shares one; what a series owns is its CandleRing and
// CdlSeries.
class CdlSet {
 public:
  // Detectors for the settings in `cfg`, their totals registered for the enabled patterns.
  explicit CdlSet(const CdlConfig& cfg)
      :
#define TICKSTOCK_CDL_INIT(e, name, display) e##_(cfg.common),
        TICKSTOCK_PATTERNS(TICKSTOCK_CDL_INIT)
#undef TICKSTOCK_CDL_INIT
            enabled_(cfg.enabled) {
#define TICKSTOCK_CDL_REGISTER(e, name, display)                                \
  {                                                                             \
    constexpr auto i = static_cast<std::size_t>(PatternId::e);                  \
    if ((enabled_ >> i) & 1u) register_detector(e##_, params(cfg, i), layout_); \
  }
    TICKSTOCK_PATTERNS(TICKSTOCK_CDL_REGISTER)
#undef TICKSTOCK_CDL_REGISTER
  }

  // The running totals the enabled detectors read; a series' CandleRing is built on it.
  const TotalsLayout& layout() const { return layout_; }

  // Evaluates the enabled patterns on the newest candle of `r` (built on layout()); `fresh`
  // is false when that candle replaced (revised) the one evaluated before.
  [[gnu::flatten]] void evaluate(const CandleRing& r, const CdlConfig& cfg, bool fresh,
                                 CdlSeries& st, CdlOutputs& out) const {
#define TICKSTOCK_CDL_EVAL(e, name, display)                                                   \
  {                                                                                            \
    constexpr auto i = static_cast<std::size_t>(PatternId::e);                                 \
    out[i] =                                                                                   \
        ((enabled_ >> i) & 1u)                                                                 \
            ? static_cast<std::int16_t>(evaluate_detector(e##_, r, params(cfg, i), fresh, st)) \
            : std::int16_t{0};                                                                 \
  }
    TICKSTOCK_PATTERNS(TICKSTOCK_CDL_EVAL)
#undef TICKSTOCK_CDL_EVAL
  }

  // TA_CDLxxx_Lookback of `id` for these parameters.
  static int lookback_for(PatternId id, const PatternParams& p) {
    switch (id) {
#define TICKSTOCK_CDL_LOOKBACK(e, name, display) \
  case PatternId::e:                             \
    return static_cast<int>(Cdl##e::lookback_for(p));
      TICKSTOCK_PATTERNS(TICKSTOCK_CDL_LOOKBACK)
#undef TICKSTOCK_CDL_LOOKBACK
    }
    return 0;
  }

  // Patterns with an optInPenetration input.
  static constexpr std::array<bool, kPatternCount> kPenetration = [] {
    std::array<bool, kPatternCount> a{};
    for (PatternId id : {PatternId::AbandonedBaby, PatternId::DarkCloudCover,
                         PatternId::EveningDojiStar, PatternId::EveningStar, PatternId::MatHold,
                         PatternId::MorningDojiStar, PatternId::MorningStar})
      a[static_cast<std::size_t>(id)] = true;
    return a;
  }();

 private:
  [[gnu::always_inline]] static const PatternParams& params(const CdlConfig& cfg, std::size_t i) {
    return kPenetration[i] ? cfg.own[i] : cfg.common;
  }

#define TICKSTOCK_CDL_MEMBER(e, name, display) Cdl##e e##_;
  TICKSTOCK_PATTERNS(TICKSTOCK_CDL_MEMBER)
#undef TICKSTOCK_CDL_MEMBER
  std::uint64_t enabled_;  // bit i: PatternId i runs
  TotalsLayout layout_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_SET_H_
