// WilliamsR: TA_WILLR.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {
namespace detail {

void WillrCore::update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
                       const SeriesView& close) {
  if (i < extremes_.period() - 1) return;
  extremes_.update(i, fresh, high, low);
  const double hh = extremes_.highest();
  const double ll = extremes_.lowest();
  const double diff = (hh - ll) / (-100.0);
  value_ = diff != 0.0 ? (hh - close[i]) / diff : 0.0;
}

void WillrCore::reset() {
  extremes_.reset();
  value_ = 0;
}

}  // namespace detail

WilliamsR::WilliamsR(int period)
    : period_(detail::clamp_period(period, 2)),
      high_(period_),
      low_(period_),
      close_(1),
      core_(period_) {}

Result<void> WilliamsR::validate(int period) { return detail::check_period("WILLR", period, 2); }

void WilliamsR::update(double high, double low, double close) {
  apply(detail::next_step(n_, false), high, low, close);
}

void WilliamsR::apply(detail::BarStep s, double high, double low, double close) {
  high_.set(s.i, high);
  low_.set(s.i, low);
  close_.set(s.i, close);
  core_.update(s.i, s.fresh, high_.view(), low_.view(), close_.view());
}

void WilliamsR::revise(double high, double low, double close) {
  apply(detail::next_step(n_, true), high, low, close);
}

void WilliamsR::reset() {
  n_ = 0;
  high_.clear();
  low_.clear();
  close_.clear();
  core_.reset();
}

}  // namespace tickstock
