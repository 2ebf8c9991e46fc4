// The figures of serve's feed and database writer that the monitor reads. An interface, so that
// engine/ sits below feeds/ and needs no feed or sink of its own: whoever makes the monitor
// adapts its parts (feeds/feed_monitor_source.h).
#ifndef TICKSTOCKAPP_ENGINE_MONITOR_SOURCE_H_
#define TICKSTOCKAPP_ENGINE_MONITOR_SOURCE_H_

#include <cstdint>
#include <optional>

#include "tickstock/pg_sink.h"

namespace tickstock::app {

class MonitorSource {
 public:
  virtual ~MonitorSource() = default;
  // Ticks or bars the feed produced, and input records it refused (any thread).
  virtual std::uint64_t feed_items() const = 0;
  virtual std::uint64_t feed_bad_records() const = 0;
  // The database writer's figures; nullopt without a database (any thread).
  virtual std::optional<PgSinkStats> pg_stats() const = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_ENGINE_MONITOR_SOURCE_H_
