// Adx: TA_ADX with TA_PLUS_DI / TA_MINUS_DI (Wilder sums, unstable period 0).
#include <cmath>
#include <limits>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

AdxStream::AdxStream(int period) : period_(clamp_period(period, 2)) {}

Result<void> AdxStream::validate(int period) { return check_period("ADX", period, 2); }

void AdxStream::update(BarStep s, double high, double low, double close) {
  save_or_restore(s.fresh, s_, saved_);
  if (s_.count == 0) {
    s_.prev_high = high;
    s_.prev_low = low;
    s_.prev_close = close;
    s_.count = 1;
    return;
  }
  const double diff_p = high - s_.prev_high;  // plus delta
  const double diff_m = s_.prev_low - low;    // minus delta
  // True range as TA-Lib's TRUE_RANGE macro: H−L, then |H−C₋₁|, |L−C₋₁| if greater.
  double tr = high - low;
  const double a = std::fabs(high - s_.prev_close);
  if (a > tr) tr = a;
  const double b = std::fabs(low - s_.prev_close);
  if (b > tr) tr = b;
  s_.prev_high = high;
  s_.prev_low = low;
  s_.prev_close = close;

  if (s_.count < period_) {
    // Initial sums over bars 1..period−1.
    if (diff_m > 0 && diff_p < diff_m)
      s_.minus_dm += diff_m;
    else if (diff_p > 0 && diff_p > diff_m)
      s_.plus_dm += diff_p;
    s_.tr += tr;
    ++s_.count;
    return;
  }
  // Wilder: s = s − s/period (+ today's value).
  s_.minus_dm -= s_.minus_dm / period_;
  s_.plus_dm -= s_.plus_dm / period_;
  if (diff_m > 0 && diff_p < diff_m)
    s_.minus_dm += diff_m;
  else if (diff_p > 0 && diff_p > diff_m)
    s_.plus_dm += diff_p;
  s_.tr = s_.tr - (s_.tr / period_) + tr;

  bool have_dx = false;
  double dx = 0;
  if (!ta_is_zero(s_.tr)) {
    s_.minus_di = 100.0 * (s_.minus_dm / s_.tr);
    s_.plus_di = 100.0 * (s_.plus_dm / s_.tr);
    const double sum = s_.minus_di + s_.plus_di;
    if (!ta_is_zero(sum)) {
      dx = 100.0 * (std::fabs(s_.minus_di - s_.plus_di) / sum);
      have_dx = true;
    }
  } else {
    s_.minus_di = s_.plus_di = 0.0;  // TA_PLUS_DI / TA_MINUS_DI output 0 here
  }

  if (s_.count < 2 * period_) {
    // First `period` DX are summed; the first ADX is their mean.
    if (have_dx) s_.sum_dx += dx;
    if (++s_.count == 2 * period_) s_.adx = s_.sum_dx / period_;
  } else if (have_dx) {
    s_.adx = ((s_.adx * (period_ - 1)) + dx) / period_;
  }
}

AdxValue AdxStream::value() const {
  const bool ready = s_.count >= 2 * period_;  // past lookback()
  return {ready ? s_.adx : std::numeric_limits<double>::quiet_NaN(), s_.plus_di, s_.minus_di};
}

}  // namespace tickstock::detail
