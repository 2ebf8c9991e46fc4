// One engine shard: drains the feed queue on its own thread and drives the aggregator (and,
// through its sink, everything downstream). The only writer of engine state.
#ifndef TICKSTOCKAPP_ENGINE_ENGINE_RUNNER_H_
#define TICKSTOCKAPP_ENGINE_ENGINE_RUNNER_H_

#include <atomic>
#include <functional>

#include "tickstock/bar_aggregator.h"
#include "tickstock/clock.h"

#include "engine/feed_lag.h"
#include "engine/feed_queue.h"

namespace tickstock::app {

class EngineRunner {
 public:
  // `clock` is the engine's clock, advanced to each item's time. REQUIRES: all outlive this.
  EngineRunner(FeedQueue& queue, ManualClock& clock, BarAggregator& aggregator)
      : queue_(queue), clock_(clock), agg_(aggregator) {}
  // Runs until the queue is closed and drained, then flushes (closing every open bar).
  // With `stop` set it stops after the current batch and still flushes.
  void run(const std::atomic<bool>& stop);
  // Called on the engine thread after each batch of feed items has gone through the engine
  // (consumers that wake on it see the whole burst of events a batch produced at once).
  void on_batch_done(std::function<void()> f) { batch_done_ = std::move(f); }
  // Items processed so far (ticks, bars and clock readings); any thread.
  std::uint64_t items() const { return items_.load(std::memory_order_relaxed); }
  // Of those, ticks and bars; any thread.
  std::uint64_t data_items() const { return data_items_.load(std::memory_order_relaxed); }
  // Where vendor bars (FeedItem::Kind::VendorBar) go; dropped without one. Call before run().
  void set_vendor_bars(BarSink* sink) { vendor_bars_ = sink; }
  // Records, per batch whose first item is a trade with a receive time, `wall`'s now minus that
  // time once the batch is applied (the feed lag). Call before run(); both must outlive run().
  void set_lag_recorder(const Clock* wall, LagRecorder* lag) {
    wall_ = wall;
    lag_ = lag;
  }

 private:
  FeedQueue& queue_;
  ManualClock& clock_;
  BarAggregator& agg_;
  std::function<void()> batch_done_;
  BarSink* vendor_bars_ = nullptr;
  const Clock* wall_ = nullptr;
  LagRecorder* lag_ = nullptr;
  std::atomic<std::uint64_t> items_{0};
  std::atomic<std::uint64_t> data_items_{0};
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_ENGINE_ENGINE_RUNNER_H_
