// RelativeVolume: volume / SMA(volume) including the current bar.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

RelativeVolume::RelativeVolume(int period)
    : period_(detail::clamp_period(period, 1)), x_(period_), sma_(period_) {}

Result<void> RelativeVolume::validate(int period) {
  return detail::check_period("relative volume", period, 1);
}

void RelativeVolume::update(double volume) { apply(detail::next_step(n_, false), volume); }

void RelativeVolume::apply(detail::BarStep s, double volume) {
  x_.set(s.i, volume);
  sma_.update(s.i, s.fresh, x_.view());
}

double RelativeVolume::value() const { return detail::relative_volume(x_[n_ - 1], sma_.value()); }

void RelativeVolume::revise(double volume) { apply(detail::next_step(n_, true), volume); }

void RelativeVolume::reset() {
  n_ = 0;
  x_.clear();
  sma_.reset();
}

}  // namespace tickstock
