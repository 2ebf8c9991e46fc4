// ValueRing, SmaCore and ExtremesCore: the building blocks the windowed indicators share.
#include <algorithm>
#include <functional>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

namespace {

// TA-Lib's STOCH/WILLR loop for one extreme (`better` is < for the lowest, > for the highest):
// an extreme that left the window is found again by a scan of the window; otherwise only the
// newest value can replace it, and a tie moves it to the newest.
template <class Better>
void track(std::int64_t i, std::int64_t trailing, const SeriesView& x, double& best,
           std::int64_t& best_idx, Better better) {
  if (best_idx < trailing) {
    best_idx = trailing;
    best = x[trailing];
    for (std::int64_t j = trailing + 1; j <= i; ++j) {
      if (better(x[j], best)) {
        best_idx = j;
        best = x[j];
      }
    }
  } else if (!better(best, x[i])) {
    best_idx = i;
    best = x[i];
  }
}

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
  save_or_restore(fresh, s_, saved_);
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
  save_or_restore(fresh, s_, saved_);
  const std::int64_t trailing = i - period_ + 1;
  track(i, trailing, low, s_.lowest, s_.lowest_idx, std::less<>());
  track(i, trailing, high, s_.highest, s_.highest_idx, std::greater<>());
}

}  // namespace tickstock::detail
