// The feed serve runs, made from its checked config: synthetic, replay, Redis or Polygon's
// (with its trade condition rules and, when the run stores, the gap backfill before live).
#ifndef TICKSTOCKAPP_RUNTIME_SERVE_FEED_H_
#define TICKSTOCKAPP_RUNTIME_SERVE_FEED_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "tickstock/clock.h"
#include "tickstock/types.h"

#include "base/error_reporter.h"
#include "base/log.h"
#include "feeds/feed.h"
#include "feeds/feed_control.h"
#include "polygon/conditions.h"
#include "polygon/polygon_feed.h"
#include "runtime/serve_config.h"

namespace tickstock::app {

struct MadeFeed {
  std::unique_ptr<Feed> feed;
  PolygonFeed* polygon = nullptr;  // the feed, when it is Polygon's (its summary, AM bars)
  FeedControl* control = nullptr;  // its run-time controls, when it has any
};

// What the feeds share with the rest of the run. REQUIRES: all outlive the feed.
struct FeedDeps {
  SymbolTable& symbols;
  const Clock& wall;
  ErrorReporter& errors;
  Log& log;
  std::atomic<std::uint64_t>& connection_errors;  // redis feed (and the job listener)
  ConditionTable& conditions;  // Polygon's trade conditions, filled from its reference
};

// The feed config.feed names. Polygon's fetches its condition reference now (logged) and
// backfills the missed minutes before live trades once set_gap_fill(true) says the run stores.
MadeFeed make_serve_feed(const ServeConfig& config, const FeedDeps& deps);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_RUNTIME_SERVE_FEED_H_
