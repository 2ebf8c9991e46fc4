// CDLHIKKAKEMOD (Modified Hikkake Pattern) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_HIKKAKE_MOD_H_
#define TICKSTOCK_PATTERNS_CDL_HIKKAKE_MOD_H_

#include <algorithm>
#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// Two nested inside bars, the 2nd candle closing near its low (high), then a false breakout with
// a lower high and lower low (+100) or higher high and higher low (-100); a close beyond the 3rd
// candle's high (low) within 3 bars confirms it with +200 (-200). A new pattern on the
// confirming bar takes precedence.
class CdlHikkakeMod {
 public:
  // TA_CDLHIKKAKEMOD_Lookback with these settings.
  static std::int64_t lookback_for(const PatternParams& p) {
    return std::max(1, p.candles.near.avg_period) + 5;
  }
  // Fixes the lookback for the settings in `p` (settings must not change afterwards).
  explicit CdlHikkakeMod(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // The pending pattern, as TA-Lib's patternIdx / patternResult plus the 3rd candle's extremes.
  struct State {
    std::int64_t pattern_idx = 0;  // bar of the breakout candle; 0 once confirmed
    int pattern_result = 0;        // +-100 of the last pattern
    double inside_high = 0;        // high of the 3rd (innermost) candle
    double inside_low = 0;         // low of the 3rd (innermost) candle
  };
  // What one series carries from bar to bar.
  struct Series {
    State now;    // after the last evaluation
    State saved;  // before the newest candle, restored on a revision
  };
  // Adds the running total it reads to `t`.
  void register_totals(const PatternParams& p, TotalsLayout& t) {
    // TA-Lib's Near total is started and rolled from the pre-scan's first bar, 3 bars early.
    near_.register_with(t, p.candles.near, lookback_ - 3, 2);
  }
  // TA-Lib's output for the newest candle of `r`; fresh is false when it revises the last one.
  // REQUIRES: called with `st` for every candle of the series from the first one.
  int evaluate(const CandleRing& r, const PatternParams& p, bool fresh, Series& st) const {
    // A revision re-runs the step from the state the replaced candle started from.
    if (fresh) {
      st.saved = st.now;
    } else {
      st.now = st.saved;
    }
    const std::int64_t i = r.newest_index();
    if (i < lookback_ - 3) return 0;
    const int out = step(r, p.candles, i, st.now);
    return i < lookback_ ? 0 : out;
  }

 private:
  int step(const CandleRing& r, const CandleSettings& s, std::int64_t i, State& st) const {
    const Candle& c1 = r[3];
    const Candle& c2 = r[2];
    const Candle& c3 = r[1];
    const Candle& c4 = r[0];
    if (c2.high < c1.high && c2.low > c1.low && c3.high < c2.high && c3.low > c2.low &&
        ((c4.high < c3.high && c4.low < c3.low &&
          c2.close <= c2.low + near_.average(r, s.near, c2)) ||
         (c4.high > c3.high && c4.low > c3.low &&
          c2.close >= c2.high - near_.average(r, s.near, c2)))) {
      st.pattern_result = 100 * (c4.high < c3.high ? 1 : -1);
      st.pattern_idx = i;
      st.inside_high = c3.high;
      st.inside_low = c3.low;
      return st.pattern_result;
    }
    if (i <= st.pattern_idx + 3 && ((st.pattern_result > 0 && c4.close > st.inside_high) ||
                                    (st.pattern_result < 0 && c4.close < st.inside_low))) {
      st.pattern_idx = 0;
      return st.pattern_result + 100 * (st.pattern_result > 0 ? 1 : -1);
    }
    return 0;
  }

  std::int32_t lookback_;
  CandleTotal near_;  // Near of the 2nd candle
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_HIKKAKE_MOD_H_
