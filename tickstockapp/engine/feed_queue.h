// The bounded hand-off between a feed thread and the engine thread. Items travel in batches so
// that the lock is taken once per batch, not once per tick.
#ifndef TICKSTOCKAPP_ENGINE_FEED_QUEUE_H_
#define TICKSTOCKAPP_ENGINE_FEED_QUEUE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "tickstock/types.h"

namespace tickstock::app {

// One thing a feed produces.
struct FeedItem {
  // VendorBar: a vendor's own bar (Polygon's AM), for cross-checking ours only.
  enum class Kind : std::uint8_t { Tick, MinuteBar, Clock, VendorBar };
  Kind kind = Kind::Tick;
  Tick tick;          // Kind::Tick
  Bar bar;            // Kind::MinuteBar, Kind::VendorBar
  Timestamp now = 0;  // the feed's time when the item was produced (event time for replays)
};

using FeedBatch = std::vector<FeedItem>;

// Multi-producer, single-consumer, bounded by batches. Thread-safe.
class FeedQueue {
 public:
  explicit FeedQueue(std::size_t max_batches) : max_(max_batches) {}

  // Blocks while full (replay back-pressure). Returns false if the queue was closed.
  bool push(FeedBatch&& batch) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || q_.size() < max_; });
    if (closed_) return false;
    q_.push_back(std::move(batch));
    high_water_ = std::max(high_water_, q_.size());
    not_empty_.notify_one();
    return true;
  }
  // Never blocks: drops the batch and counts it when full (live feeds must not stall).
  bool try_push(FeedBatch&& batch) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (q_.size() >= max_) {
      dropped_items_ += batch.size();
      return false;
    }
    q_.push_back(std::move(batch));
    high_water_ = std::max(high_water_, q_.size());
    not_empty_.notify_one();
    return true;
  }
  // Waits up to `timeout_ms` for a batch. Returns false on timeout or when closed and empty.
  bool pop(FeedBatch& out, int timeout_ms) {
    std::unique_lock lock(mu_);
    not_empty_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return closed_ || !q_.empty(); });
    if (q_.empty()) return false;
    out = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  // No more pushes; pending batches can still be popped.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }
  bool closed_and_empty() {
    std::lock_guard lock(mu_);
    return closed_ && q_.empty();
  }
  std::size_t depth() {
    std::lock_guard lock(mu_);
    return q_.size();
  }
  std::uint64_t dropped_items() {
    std::lock_guard lock(mu_);
    return dropped_items_;
  }
  std::size_t high_water() {
    std::lock_guard lock(mu_);
    return high_water_;
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<FeedBatch> q_;
  std::size_t max_;
  bool closed_ = false;
  std::uint64_t dropped_items_ = 0;
  std::size_t high_water_ = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_ENGINE_FEED_QUEUE_H_
