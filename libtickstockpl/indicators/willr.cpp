// WilliamsR: TA_WILLR.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

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

WillrStream::WillrStream(int period)
    : period_(clamp_period(period, 2)), high_(period_), low_(period_), close_(1), core_(period_) {}

Result<void> WillrStream::validate(int period) { return check_period("WILLR", period, 2); }

void WillrStream::update(BarStep s, double high, double low, double close) {
  high_.set(s.i, high);
  low_.set(s.i, low);
  close_.set(s.i, close);
  core_.update(s.i, s.fresh, high_.view(), low_.view(), close_.view());
}

void WillrStream::reset() {
  high_.clear();
  low_.clear();
  close_.clear();
  core_.reset();
}

}  // namespace tickstock::detail
