// Bollinger: TA_BBANDS with an SMA middle band.
#include <cmath>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

void BollingerCore::update(std::int64_t i, bool fresh, const SeriesView& x) {
  save_or_restore(fresh, s_, saved_);
  // TA_INT_SMA for the middle band and TA_INT_stddev_using_precalc_ma for σ: both totals add
  // the newest value, are read, then lose the oldest value of the window.
  const double v = x[i];
  const double sq = v * v;
  s_.total += v;
  s_.total2 += sq;
  if (i < period_ - 1) return;
  const double old = x[i - period_ + 1];
  s_.middle = s_.total / period_;
  s_.total -= old;
  double mean2 = s_.total2 / period_;
  s_.total2 -= old * old;
  mean2 -= s_.middle * s_.middle;
  s_.sd = mean2 < kTaEpsilon ? 0.0 : std::sqrt(mean2);  // !TA_IS_ZERO_OR_NEG
}

void BollingerCore::bands(double& upper, double& middle, double& lower) const {
  // TA-Lib skips the multiply when a factor is 1.0; x·1.0 == x, so one formula covers all.
  upper = s_.middle + s_.sd * up_;
  middle = s_.middle;
  lower = s_.middle - s_.sd * dn_;
}

BollingerStream::BollingerStream(int period, double nb_dev_up, double nb_dev_dn)
    : period_(clamp_period(period, 2)), x_(period_), core_(period_, nb_dev_up, nb_dev_dn) {}

Result<void> BollingerStream::validate(int period) { return check_period("BBANDS", period, 2); }

void BollingerStream::update(BarStep s, double x) {
  x_.set(s.i, x);
  core_.update(s.i, s.fresh, x_.view());
}

BollingerValue BollingerStream::value() const {
  BollingerValue b;
  core_.bands(b.upper, b.middle, b.lower);
  return b;
}

void BollingerStream::reset() {
  x_.clear();
  core_.reset();
}

}  // namespace tickstock::detail
