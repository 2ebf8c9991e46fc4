// Ema: TA_EMA (classic SMA seed, default compatibility).
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Ema::Ema(int period)
    : period_(detail::clamp_period(period, 2)),
      k_(2.0 / static_cast<double>(period_ + 1)) {}  // TA-Lib's PER_TO_K

Result<void> Ema::validate(int period) { return detail::check_period("EMA", period, 2); }

void Ema::update(double x) {
  any_ = true;
  saved_ = s_;
  if (s_.count < period_) {
    s_.sum += x;
    if (++s_.count == period_) s_.ema = s_.sum / period_;
  } else {
    s_.ema = ((x - s_.ema) * k_) + s_.ema;
  }
}

void Ema::revise(double x) {
  if (any_) s_ = saved_;
  update(x);
}

void Ema::reset() {
  any_ = false;
  s_ = saved_ = State{};
}

}  // namespace tickstock
