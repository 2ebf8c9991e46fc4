// The bars a SeriesRequest selects from a sorted series, shared by every BarSource so that
// they all agree on warm-up and range (count() must equal what open() delivers).
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_RANGE_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_RANGE_H_

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "tickstock/backtest.h"

namespace tickstock::backtest {

// [from, to) of `bars` (sorted by start, starts unique): up to r.warmup_bars bars before
// r.start (all of them when negative), then every bar starting in [r.start, r.end].
inline std::pair<std::size_t, std::size_t> request_range(const std::vector<Bar>& bars,
                                                         const SeriesRequest& r) {
  const auto first = static_cast<std::size_t>(
      std::partition_point(bars.begin(), bars.end(),
                           [&](const Bar& b) { return b.start < r.start; }) -
      bars.begin());
  const auto last = static_cast<std::size_t>(
      std::partition_point(bars.begin(), bars.end(),
                           [&](const Bar& b) { return b.start <= r.end; }) -
      bars.begin());
  const std::size_t warm =
      r.warmup_bars < 0 ? first : std::min(first, static_cast<std::size_t>(r.warmup_bars));
  return {first - warm, std::max(first, last)};
}

// Hands out [from, to) of a sorted series. `Holder` points at the bars (a plain pointer when the
// source owns them, a shared_ptr when the cursor must keep them alive).
template <class Holder>
class RangeCursor final : public BarCursor {
 public:
  RangeCursor(Holder bars, std::size_t from, std::size_t to)
      : bars_(std::move(bars)), at_(from), to_(to) {}
  Result<std::size_t> next_chunk(std::span<Bar> out) override {
    const std::size_t n = std::min(out.size(), to_ - at_);
    std::copy_n(bars_->begin() + static_cast<std::ptrdiff_t>(at_), n, out.begin());
    at_ += n;
    return n;
  }

 private:
  Holder bars_;
  std::size_t at_, to_;
};

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_RANGE_H_
