// Sma: TA_SMA.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Sma::Sma(int period) : period_(detail::clamp_period(period, 2)), x_(period_), sma_(period_) {}

Result<void> Sma::validate(int period) { return detail::check_period("SMA", period, 2); }

void Sma::update(double x) { apply(detail::next_step(n_, false), x); }

void Sma::apply(detail::BarStep s, double x) {
  x_.set(s.i, x);
  sma_.update(s.i, s.fresh, x_.view());
}

void Sma::revise(double x) { apply(detail::next_step(n_, true), x); }

void Sma::reset() {
  n_ = 0;
  x_.clear();
  sma_.reset();
}

}  // namespace tickstock
