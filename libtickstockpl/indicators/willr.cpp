// WilliamsR: TA_WILLR.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

WilliamsR::WilliamsR(int period)
    : period_(detail::clamp_period(period, 2)), highest_(period_), lowest_(period_) {}

Result<void> WilliamsR::validate(int period) { return detail::check_period("WILLR", period, 2); }

void WilliamsR::update(double high, double low, double close) {
  any_ = true;
  saved_ = s_;
  highest_.checkpoint();
  lowest_.checkpoint();
  const double hh = highest_.push(high);
  const double ll = lowest_.push(low);
  if (s_.count < period_ - 1) {
    ++s_.count;
    return;
  }
  s_.count = period_;
  const double diff = (hh - ll) / (-100.0);
  s_.value = diff != 0.0 ? (hh - close) / diff : 0.0;
}

void WilliamsR::revise(double high, double low, double close) {
  if (any_) {
    s_ = saved_;
    highest_.rollback();
    lowest_.rollback();
  }
  update(high, low, close);
}

void WilliamsR::reset() {
  any_ = false;
  s_ = saved_ = State{};
  highest_.reset();
  lowest_.reset();
}

}  // namespace tickstock
