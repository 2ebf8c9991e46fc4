// Feed lag: from a live frame's arrival (Tick::ts_recv, wall clock) to the moment the engine
// has applied its trades to the bars. Recorded once per batch (a live feed hands over one
// batch per frame), on the engine thread.
#ifndef TICKSTOCKAPP_ENGINE_FEED_LAG_H_
#define TICKSTOCKAPP_ENGINE_FEED_LAG_H_

#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "tickstock/types.h"

namespace tickstock::app {

// Receives one lag per batch. Engine thread.
class LagRecorder {
 public:
  virtual ~LagRecorder() = default;
  virtual void record(Timestamp lag_ns) = 0;
};

// A histogram of lags in power-of-two microsecond buckets; quantiles are bucket upper bounds
// (within 2x). record() on the engine thread; the readers may run on any thread.
class FeedLag final : public LagRecorder {
 public:
  void record(Timestamp lag_ns) override {
    const auto us = static_cast<std::uint64_t>(lag_ns > 0 ? lag_ns / 1000 : 0);
    const auto bucket = std::min<std::size_t>(std::bit_width(us), kBuckets - 1);
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    Timestamp m = max_.load(std::memory_order_relaxed);
    while (lag_ns > m && !max_.compare_exchange_weak(m, lag_ns, std::memory_order_relaxed)) {
    }
  }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  Timestamp max_ns() const { return max_.load(std::memory_order_relaxed); }
  // An upper bound of the q-quantile (0 < q <= 1), in microseconds; 0 when nothing recorded.
  std::uint64_t quantile_us(double q) const {
    const std::uint64_t n = count();
    if (n == 0) return 0;
    const auto want = static_cast<std::uint64_t>(std::llround(q * static_cast<double>(n)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      seen += buckets_[b].load(std::memory_order_relaxed);
      if (seen >= want) return b == 0 ? 1 : (std::uint64_t{1} << b);
    }
    return std::uint64_t{1} << (kBuckets - 1);
  }
  // serve's exit summary line.
  std::string summary() const {
    return "feed lag (frame received -> bars updated): p50 <= " + std::to_string(quantile_us(0.5)) +
           " us, p99 <= " + std::to_string(quantile_us(0.99)) + " us, max " +
           std::to_string(max_ns() / 1000) + " us over " + std::to_string(count()) + " frames";
  }

 private:
  static constexpr std::size_t kBuckets = 40;
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<Timestamp> max_{0};
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_ENGINE_FEED_LAG_H_
