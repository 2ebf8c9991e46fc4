// RelativeVolume: volume / SMA(volume) including the current bar.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

RelativeVolume::RelativeVolume(int period)
    : period_(detail::clamp_period(period, 1)), sma_(period_) {}

Result<void> RelativeVolume::validate(int period) {
  return detail::check_period("relative volume", period, 1);
}

void RelativeVolume::update(double volume) {
  any_ = true;
  saved_volume_ = volume_;
  sma_.checkpoint();
  volume_ = volume;
  sma_.push(volume);
}

double RelativeVolume::value() const {
  const double avg = sma_.value();
  return avg != 0.0 ? volume_ / avg : 0.0;
}

void RelativeVolume::revise(double volume) {
  if (any_) {
    volume_ = saved_volume_;
    sma_.rollback();
  }
  update(volume);
}

void RelativeVolume::reset() {
  any_ = false;
  volume_ = saved_volume_ = 0;
  sma_.reset();
}

}  // namespace tickstock
