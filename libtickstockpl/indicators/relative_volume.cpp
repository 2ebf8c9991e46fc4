// RelativeVolume: volume / SMA(volume) including the current bar.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

RelativeVolumeStream::RelativeVolumeStream(int period)
    : x_(clamp_period(period, 1)), sma_(clamp_period(period, 1)) {}

Result<void> RelativeVolumeStream::validate(int period) {
  return check_period("relative volume", period, 1);
}

void RelativeVolumeStream::update(BarStep s, double volume) {
  x_.set(s.i, volume);
  sma_.update(s.i, s.fresh, x_.view());
  newest_ = s.i;
}

double RelativeVolumeStream::value() const { return relative_volume(x_[newest_], sma_.value()); }

void RelativeVolumeStream::reset() {
  x_.clear();
  sma_.reset();
  newest_ = 0;
}

}  // namespace tickstock::detail
