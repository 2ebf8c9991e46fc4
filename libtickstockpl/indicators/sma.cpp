// Sma: TA_SMA.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Sma::Sma(int period) : period_(detail::clamp_period(period, 2)), sma_(period_) {}

Result<void> Sma::validate(int period) { return detail::check_period("SMA", period, 2); }

void Sma::update(double x) {
  any_ = true;
  sma_.checkpoint();
  sma_.push(x);
}

void Sma::revise(double x) {
  if (any_) sma_.rollback();
  update(x);
}

void Sma::reset() {
  any_ = false;
  sma_.reset();
}

}  // namespace tickstock
