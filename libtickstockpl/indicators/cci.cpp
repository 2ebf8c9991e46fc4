// Cci: TA_CCI.
#include <cmath>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Cci::Cci(int period) : period_(detail::clamp_period(period, 2)), ring_(period_) {}

Result<void> Cci::validate(int period) { return detail::check_period("CCI", period, 2); }

void Cci::update(double high, double low, double close) {
  any_ = true;
  saved_ = s_;
  ring_.checkpoint();
  const double tp = (high + low + close) / 3;
  ring_.set(s_.pos, tp);
  s_.pos = detail::ring_next(s_.pos, period_);
  if (s_.count < period_ - 1) {
    ++s_.count;
    return;
  }
  s_.count = period_;
  // TA-Lib sums its circular buffer from slot 0 (which held bar 0) upward, not oldest-first;
  // the slot of bar i is i mod period, so the same order gives the same rounding.
  const double* buf = ring_.data();
  double mean = 0;
  for (int j = 0; j < period_; ++j) mean += buf[j];
  mean /= period_;
  double dev = 0;
  for (int j = 0; j < period_; ++j) dev += std::fabs(buf[j] - mean);
  const double num = tp - mean;
  s_.value = (num != 0.0 && dev != 0.0) ? num / (0.015 * (dev / period_)) : 0.0;
}

void Cci::revise(double high, double low, double close) {
  if (any_) {
    s_ = saved_;
    ring_.rollback();
  }
  update(high, low, close);
}

void Cci::reset() {
  any_ = false;
  s_ = saved_ = State{};
  ring_.clear();
}

}  // namespace tickstock
