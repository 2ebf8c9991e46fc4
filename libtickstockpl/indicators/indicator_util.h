// Private helpers shared by the indicator implementations.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_INDICATORS_INDICATOR_UTIL_H_
#define TICKSTOCK_LIBTICKSTOCKPL_INDICATORS_INDICATOR_UTIL_H_

#include <algorithm>
#include <string>

#include "tickstock/indicators.h"
#include "tickstock/result.h"

namespace tickstock::detail {

// TA-Lib's TA_EPSILON: values within it of zero count as zero in its divisions.
inline constexpr double kTaEpsilon = 0.00000000000001;

// TA_IS_ZERO.
inline bool ta_is_zero(double v) { return -kTaEpsilon < v && v < kTaEpsilon; }

// A period clamped into [lo, kMaxIndicatorPeriod].
inline int clamp_period(int period, int lo) { return std::clamp(period, lo, kMaxIndicatorPeriod); }

// Ok when lo <= period <= kMaxIndicatorPeriod.
inline Result<void> check_period(const char* what, int period, int lo) {
  if (period < lo || period > kMaxIndicatorPeriod)
    return fail(what, ": period ", std::to_string(period), " is outside ", std::to_string(lo), "..",
                std::to_string(kMaxIndicatorPeriod));
  return {};
}

// volume / average volume, 0 when the average is 0 (relative volume).
inline double relative_volume(double volume, double average) {
  return average != 0.0 ? volume / average : 0.0;
}

// A core's state before bar i: a new bar saves the current state, a revision of it goes back
// to what was saved.
template <class State>
void save_or_restore(bool fresh, State& state, State& saved) {
  if (fresh) {
    saved = state;
  } else {
    state = saved;
  }
}

// TA-Lib's typical price (H + L + C)/3 of bar j (CCI, MFI).
inline double typical_price(const SeriesView& high, const SeriesView& low, const SeriesView& close,
                            std::int64_t j) {
  return (high[j] + low[j] + close[j]) / 3.0;
}

}  // namespace tickstock::detail

#endif  // TICKSTOCK_LIBTICKSTOCKPL_INDICATORS_INDICATOR_UTIL_H_
