// RelativeVolume: volume / SMA(volume) including the current bar.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

RelativeVolume::RelativeVolume(int period)
    : period_(detail::clamp_period(period, 1)), x_(period_), sma_(period_) {}

Result<void> RelativeVolume::validate(int period) {
  return detail::check_period("relative volume", period, 1);
}

void RelativeVolume::update(double volume) {
  x_.set(n_, volume);
  sma_.update(n_, true, x_.view());
  ++n_;
}

double RelativeVolume::value() const { return detail::relative_volume(x_[n_ - 1], sma_.value()); }

void RelativeVolume::revise(double volume) {
  if (n_ == 0) return update(volume);
  x_.set(n_ - 1, volume);
  sma_.update(n_ - 1, false, x_.view());
}

void RelativeVolume::reset() {
  n_ = 0;
  x_.clear();
  sma_.reset();
}

}  // namespace tickstock
