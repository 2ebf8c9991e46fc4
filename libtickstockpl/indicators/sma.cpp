// Sma: TA_SMA.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

SmaStream::SmaStream(int period) : x_(clamp_period(period, 2)), sma_(clamp_period(period, 2)) {}

Result<void> SmaStream::validate(int period) { return check_period("SMA", period, 2); }

void SmaStream::update(BarStep s, double x) {
  x_.set(s.i, x);
  sma_.update(s.i, s.fresh, x_.view());
}

void SmaStream::reset() {
  x_.clear();
  sma_.reset();
}

}  // namespace tickstock::detail
