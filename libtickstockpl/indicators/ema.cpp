// Ema: TA_EMA (classic SMA seed, default compatibility).
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

EmaStream::EmaStream(int period)
    : period_(clamp_period(period, 2)),
      k_(2.0 / static_cast<double>(period_ + 1)) {}  // TA-Lib's PER_TO_K

Result<void> EmaStream::validate(int period) { return check_period("EMA", period, 2); }

void EmaStream::update(BarStep s, double x) {
  save_or_restore(s.fresh, s_, saved_);
  if (s_.count < period_) {
    s_.sum += x;
    if (++s_.count == period_) s_.ema = s_.sum / period_;
  } else {
    s_.ema = ((x - s_.ema) * k_) + s_.ema;
  }
}

}  // namespace tickstock::detail
