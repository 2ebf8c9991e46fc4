// The monitor's view (engine/monitor_source.h) of a feed and, when there is a database, the
// PostgreSQL sink.
#ifndef TICKSTOCKAPP_FEEDS_FEED_MONITOR_SOURCE_H_
#define TICKSTOCKAPP_FEEDS_FEED_MONITOR_SOURCE_H_

#include <cstdint>
#include <optional>

#include "tickstock/pg_sink.h"

#include "engine/monitor_source.h"
#include "feeds/feed.h"

namespace tickstock::app {

class FeedMonitorSource final : public MonitorSource {
 public:
  // REQUIRES: `feed` and `pg` (may be null: no database) outlive this.
  FeedMonitorSource(Feed& feed, const PgSink* pg) : feed_(feed), pg_(pg) {}

  std::uint64_t feed_items() const override {
    return feed_.stats().items.load(std::memory_order_relaxed);
  }
  std::uint64_t feed_bad_records() const override {
    return feed_.stats().bad_records.load(std::memory_order_relaxed);
  }
  std::optional<PgSinkStats> pg_stats() const override {
    if (pg_ == nullptr) return std::nullopt;
    return pg_->stats();
  }

 private:
  Feed& feed_;
  const PgSink* pg_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_FEED_MONITOR_SOURCE_H_
