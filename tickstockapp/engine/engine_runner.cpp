#include "engine/engine_runner.h"

namespace tickstock::app {

void EngineRunner::run(const std::atomic<bool>& stop) {
  FeedBatch batch;
  while (!stop.load(std::memory_order_relaxed)) {
    if (!queue_.pop(batch, 100)) {
      if (queue_.closed_and_empty()) break;
      continue;
    }
    std::uint64_t not_data = 0;  // clock readings and vendor bars
    for (const FeedItem& it : batch) {
      if (it.now > clock_.now()) clock_.set(it.now);
      switch (it.kind) {
        case FeedItem::Kind::Tick:
          agg_.on_tick(it.tick);
          break;
        case FeedItem::Kind::MinuteBar:
          agg_.on_minute_bar(it.bar);
          break;
        case FeedItem::Kind::Clock:
          agg_.on_clock();
          ++not_data;
          break;
        case FeedItem::Kind::VendorBar:
          if (vendor_bars_ != nullptr) vendor_bars_->on_bar(it.bar);
          ++not_data;  // a cross-check, not data the engine takes
          break;
      }
    }
    items_.fetch_add(batch.size(), std::memory_order_relaxed);
    data_items_.fetch_add(batch.size() - not_data, std::memory_order_relaxed);
    agg_.on_clock();
    if (lag_ != nullptr && !batch.empty() && batch.front().kind == FeedItem::Kind::Tick &&
        batch.front().tick.ts_recv > 0)
      lag_->record(wall_->now() - batch.front().tick.ts_recv);
    if (batch_done_) batch_done_();
  }
  agg_.flush();
  if (batch_done_) batch_done_();
}

}  // namespace tickstock::app
