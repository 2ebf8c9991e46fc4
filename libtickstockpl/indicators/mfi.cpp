// Mfi: TA_MFI (unstable period 0).
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Mfi::Mfi(int period) : period_(detail::clamp_period(period, 2)), ring_(period_) {}

Result<void> Mfi::validate(int period) { return detail::check_period("MFI", period, 2); }

void Mfi::update(double high, double low, double close, double volume) {
  any_ = true;
  saved_ = s_;
  ring_.checkpoint();
  const double tp = (high + low + close) / 3.0;
  if (s_.count == 0) {
    s_.prev_tp = tp;
    s_.count = 1;
    return;
  }
  if (s_.count > period_) {
    // The slot about to be reused holds the flow leaving the window.
    const Flow& old = ring_[s_.pos];
    s_.pos_sum -= old.positive;
    s_.neg_sum -= old.negative;
  }
  const double diff = tp - s_.prev_tp;
  s_.prev_tp = tp;
  const double flow = tp * volume;
  Flow f;
  if (diff < 0) {
    f.negative = flow;
    s_.neg_sum += flow;
  } else if (diff > 0) {
    f.positive = flow;
    s_.pos_sum += flow;
  }
  ring_.set(s_.pos, f);
  s_.pos = detail::ring_next(s_.pos, period_);
  if (s_.count < period_) {
    ++s_.count;
    return;
  }
  s_.count = period_ + 1;
  const double total = s_.pos_sum + s_.neg_sum;
  s_.value = total < 1.0 ? 0.0 : 100.0 * (s_.pos_sum / total);
}

void Mfi::revise(double high, double low, double close, double volume) {
  if (any_) {
    s_ = saved_;
    ring_.rollback();
  }
  update(high, low, close, volume);
}

void Mfi::reset() {
  any_ = false;
  s_ = saved_ = State{};
  ring_.clear();
}

}  // namespace tickstock
