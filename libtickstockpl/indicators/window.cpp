// ValueRing, SmaCore and ExtremesCore: the building blocks the windowed indicators share.
#include <algorithm>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

namespace {
std::size_t power_of_two_at_least(int n) {
  std::size_t c = 1;
  while (c < static_cast<std::size_t>(n)) c <<= 1;
  return c;
}
}  // namespace

ValueRing::ValueRing(int min_size)
    : data_(new double[power_of_two_at_least(min_size)]()),
      mask_(power_of_two_at_least(min_size) - 1) {}

ValueRing::ValueRing(const ValueRing& o) : data_(new double[o.mask_ + 1]), mask_(o.mask_) {
  std::copy(o.data_.get(), o.data_.get() + mask_ + 1, data_.get());
}

ValueRing& ValueRing::operator=(const ValueRing& o) {
  if (this != &o) *this = ValueRing(o);
  return *this;
}

void ValueRing::clear() { std::fill(data_.get(), data_.get() + mask_ + 1, 0.0); }

void SmaCore::update(std::int64_t i, bool fresh, const SeriesView& x) {
  if (fresh) {
    saved_ = s_;
  } else {
    s_ = saved_;
  }
  // TA_INT_SMA: the first period−1 values only build the total; from then on add the newest,
  // output total/period, subtract the oldest of the window.
  s_.total += x[i];
  if (i >= period_ - 1) {
    s_.value = s_.total / period_;
    s_.total -= x[i - period_ + 1];
  }
}

void ExtremesCore::update(std::int64_t i, bool fresh, const SeriesView& high,
                          const SeriesView& low) {
  if (fresh) {
    saved_ = s_;
  } else {
    s_ = saved_;
  }
  // TA-Lib's STOCH/WILLR loop: an extreme that left the window is found again by a scan of
  // the window; otherwise only the newest bar can replace it (ties move it to the newest).
  const std::int64_t trailing = i - period_ + 1;
  if (s_.lowest_idx < trailing) {
    s_.lowest_idx = trailing;
    s_.lowest = low[trailing];
    for (std::int64_t j = trailing + 1; j <= i; ++j) {
      if (low[j] < s_.lowest) {
        s_.lowest_idx = j;
        s_.lowest = low[j];
      }
    }
  } else if (low[i] <= s_.lowest) {
    s_.lowest_idx = i;
    s_.lowest = low[i];
  }
  if (s_.highest_idx < trailing) {
    s_.highest_idx = trailing;
    s_.highest = high[trailing];
    for (std::int64_t j = trailing + 1; j <= i; ++j) {
      if (high[j] > s_.highest) {
        s_.highest_idx = j;
        s_.highest = high[j];
      }
    }
  } else if (high[i] >= s_.highest) {
    s_.highest_idx = i;
    s_.highest = high[i];
  }
}

}  // namespace tickstock::detail
