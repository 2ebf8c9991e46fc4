// Cci: TA_CCI.
#include <cmath>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

void CciCore::update(std::int64_t i, bool /*fresh*/, const SeriesView& high, const SeriesView& low,
                     const SeriesView& close) {
  // Everything is recomputed from the window, so a revision needs no saved state.
  if (i < period_ - 1) return;
  const auto tp = [&](std::int64_t j) { return typical_price(high, low, close, j); };
  // TA-Lib sums its circular buffer from slot 0 upward, not oldest-first. The slot of bar j is
  // j mod period: slots 0..s0-1 hold the newest s0 bars, slots s0..period-1 the older ones.
  const auto s0 = static_cast<std::int64_t>((i + 1) % period_);
  const std::int64_t first = i - period_ + 1;
  // The typical prices in slot order, computed once (a stack buffer for common periods).
  constexpr int kStack = 64;
  double stack[kStack];
  const bool buffered = period_ <= kStack;
  double mean = 0;
  int k = 0;
  for (std::int64_t j = i - s0 + 1; j <= i; ++j, ++k) {
    const double t = tp(j);
    if (buffered) stack[k] = t;
    mean += t;
  }
  for (std::int64_t j = first; j <= i - s0; ++j, ++k) {
    const double t = tp(j);
    if (buffered) stack[k] = t;
    mean += t;
  }
  mean /= period_;
  double dev = 0;
  if (buffered) {
    for (int j = 0; j < period_; ++j) dev += std::fabs(stack[j] - mean);
  } else {
    for (std::int64_t j = i - s0 + 1; j <= i; ++j) dev += std::fabs(tp(j) - mean);
    for (std::int64_t j = first; j <= i - s0; ++j) dev += std::fabs(tp(j) - mean);
  }
  const double num = tp(i) - mean;
  value_ = (num != 0.0 && dev != 0.0) ? num / (0.015 * (dev / period_)) : 0.0;
}

CciStream::CciStream(int period)
    : period_(clamp_period(period, 2)),
      high_(period_),
      low_(period_),
      close_(period_),
      core_(period_) {}

Result<void> CciStream::validate(int period) { return check_period("CCI", period, 2); }

void CciStream::update(BarStep s, double high, double low, double close) {
  high_.set(s.i, high);
  low_.set(s.i, low);
  close_.set(s.i, close);
  core_.update(s.i, s.fresh, high_.view(), low_.view(), close_.view());
}

void CciStream::reset() {
  high_.clear();
  low_.clear();
  close_.clear();
  core_.reset();
}

}  // namespace tickstock::detail
