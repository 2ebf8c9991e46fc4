// Bollinger: TA_BBANDS with an SMA middle band.
#include <cmath>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Bollinger::Bollinger(int period, double nb_dev_up, double nb_dev_dn)
    : period_(detail::clamp_period(period, 2)), up_(nb_dev_up), dn_(nb_dev_dn), ring_(period_) {}

Result<void> Bollinger::validate(int period) { return detail::check_period("BBANDS", period, 2); }

void Bollinger::update(double x) {
  any_ = true;
  saved_ = s_;
  ring_.checkpoint();
  ring_.set(s_.pos, x);
  // TA_INT_SMA for the middle band and TA_INT_stddev_using_precalc_ma for σ: both totals add
  // the newest value, are read, then lose the oldest value of the window.
  const double sq = x * x;
  s_.total += x;
  s_.total2 += sq;
  if (s_.count < period_ - 1) {
    ++s_.count;
  } else {
    const int oldest = detail::ring_next(s_.pos, period_);
    const double old = ring_[oldest];
    s_.middle = s_.total / period_;
    s_.total -= old;
    double mean2 = s_.total2 / period_;
    s_.total2 -= old * old;
    mean2 -= s_.middle * s_.middle;
    s_.sd = mean2 < detail::kTaEpsilon ? 0.0 : std::sqrt(mean2);  // !TA_IS_ZERO_OR_NEG
    s_.count = period_;
  }
  s_.pos = detail::ring_next(s_.pos, period_);
}

BollingerValue Bollinger::value() const {
  // TA-Lib skips the multiply when a factor is 1.0; x·1.0 == x, so one formula covers all.
  return {s_.middle + s_.sd * up_, s_.middle, s_.middle - s_.sd * dn_};
}

void Bollinger::revise(double x) {
  if (any_) {
    s_ = saved_;
    ring_.rollback();
  }
  update(x);
}

void Bollinger::reset() {
  any_ = false;
  s_ = saved_ = State{};
  ring_.clear();
}

}  // namespace tickstock
