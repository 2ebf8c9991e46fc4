// CDLHIKKAKE (Hikkake Pattern) as a streaming detector, bit-identical to TA-Lib 0.6.
#ifndef TICKSTOCK_PATTERNS_CDL_HIKKAKE_H_
#define TICKSTOCK_PATTERNS_CDL_HIKKAKE_H_

#include <cstdint>

#include "patterns/candle.h"
#include "patterns/pattern_params.h"

namespace tickstock::detail {

// An inside bar followed by a false breakout (lower high and lower low: +100, higher high and
// higher low: -100); a close beyond the inside bar's high (low) within 3 bars confirms it with
// +200 (-200). A new pattern on the confirming bar takes precedence.
class CdlHikkake {
 public:
  // TA_CDLHIKKAKE_Lookback (uses no candle setting).
  static std::int64_t lookback_for(const PatternParams& /*p*/) { return 5; }
  // Fixes the lookback for the settings in `p`.
  explicit CdlHikkake(const PatternParams& p)
      : lookback_(static_cast<std::int32_t>(lookback_for(p))) {}
  // Bars without output at the start of the series.
  std::int64_t lookback() const { return lookback_; }
  // The pending pattern, as TA-Lib's patternIdx / patternResult plus the inside bar's extremes.
  struct State {
    std::int64_t pattern_idx = 0;  // bar of the breakout candle; 0 once confirmed
    int pattern_result = 0;        // +-100 of the last pattern
    double inside_high = 0;        // high of the inside (2nd) candle
    double inside_low = 0;         // low of the inside (2nd) candle
  };
  // What one series carries from bar to bar.
  struct Series {
    State now;    // after the last evaluation
    State saved;  // before the newest candle, restored on a revision
  };
  // TA-Lib's output for the newest candle of `r`; fresh is false when it revises the last one.
  // REQUIRES: called with `st` for every candle of the series from the first one.
  int evaluate(const CandleRing& r, const PatternParams& /*p*/, bool fresh, Series& st) const {
    // A revision re-runs the step from the state the replaced candle started from.
    if (fresh) {
      st.saved = st.now;
    } else {
      st.now = st.saved;
    }
    const std::int64_t i = r.newest_index();
    // TA-Lib scans the 3 bars before its first output for a pending pattern, and no earlier.
    if (i < lookback_ - 3) return 0;
    const int out = step(r, i, st.now);
    return i < lookback_ ? 0 : out;
  }

 private:
  static int step(const CandleRing& r, std::int64_t i, State& st) {
    const Candle& c1 = r[2];
    const Candle& c2 = r[1];
    const Candle& c3 = r[0];
    if (c2.high < c1.high && c2.low > c1.low &&
        ((c3.high < c2.high && c3.low < c2.low) || (c3.high > c2.high && c3.low > c2.low))) {
      st.pattern_result = 100 * (c3.high < c2.high ? 1 : -1);
      st.pattern_idx = i;
      st.inside_high = c2.high;
      st.inside_low = c2.low;
      return st.pattern_result;
    }
    if (i <= st.pattern_idx + 3 && ((st.pattern_result > 0 && c3.close > st.inside_high) ||
                                    (st.pattern_result < 0 && c3.close < st.inside_low))) {
      st.pattern_idx = 0;
      return st.pattern_result + 100 * (st.pattern_result > 0 ? 1 : -1);
    }
    return 0;
  }

  std::int32_t lookback_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_HIKKAKE_H_
