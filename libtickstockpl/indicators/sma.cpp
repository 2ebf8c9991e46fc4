// Sma: TA_SMA.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Sma::Sma(int period) : period_(detail::clamp_period(period, 2)), x_(period_), sma_(period_) {}

Result<void> Sma::validate(int period) { return detail::check_period("SMA", period, 2); }

void Sma::update(double x) {
  x_.set(n_, x);
  sma_.update(n_, true, x_.view());
  ++n_;
}

void Sma::revise(double x) {
  if (n_ == 0) return update(x);
  x_.set(n_ - 1, x);
  sma_.update(n_ - 1, false, x_.view());
}

void Sma::reset() {
  n_ = 0;
  x_.clear();
  sma_.reset();
}

}  // namespace tickstock
