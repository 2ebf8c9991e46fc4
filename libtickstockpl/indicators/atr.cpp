// Atr: TA_ATR (Wilder smoothing of the true range, unstable period 0).
#include <cmath>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

AtrStream::AtrStream(int period) : period_(clamp_period(period, 1)) {}

Result<void> AtrStream::validate(int period) { return check_period("ATR", period, 1); }

void AtrStream::update(BarStep s, double high, double low, double close) {
  save_or_restore(s.fresh, s_, saved_);
  if (s_.count == 0) {
    s_.prev_close = close;
    s_.count = 1;
    return;
  }
  // TA_TRANGE: H−L, then |C₋₁−H| and |C₋₁−L| if greater.
  double tr = high - low;
  const double a = std::fabs(s_.prev_close - high);
  if (a > tr) tr = a;
  const double b = std::fabs(s_.prev_close - low);
  if (b > tr) tr = b;
  s_.prev_close = close;
  if (period_ == 1) {
    s_.atr = tr;  // TA-Lib returns the true range itself
    s_.count = 2;
  } else if (s_.count <= period_) {
    s_.sum += tr;  // TA_INT_SMA over TR of bars 1..period
    if (s_.count++ == period_) s_.atr = s_.sum / period_;
  } else {
    s_.atr *= period_ - 1;
    s_.atr += tr;
    s_.atr /= period_;
  }
}

}  // namespace tickstock::detail
