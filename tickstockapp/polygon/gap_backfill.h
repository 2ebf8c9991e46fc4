// Gap backfill at `serve` start: the 1-minute bars each symbol missed between its newest stored
// minute and the last complete minute, fetched from Polygon REST and handed to the engine, in
// time order, before the live trades. The engine treats them as a bars feed: it rebuilds the
// higher timeframes, scans and stores them, so a restart leaves no hole in any timeframe.
#ifndef TICKSTOCKAPP_POLYGON_GAP_BACKFILL_H_
#define TICKSTOCKAPP_POLYGON_GAP_BACKFILL_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

#include "base/log.h"
#include "engine/feed_queue.h"
#include "polygon/rest_client.h"

namespace tickstock::app {

struct GapBackfillOptions {
  std::string database_url;
  std::vector<std::string> symbols;        // the universe; {"*"}: active stored symbols
  Timestamp now = 0;                       // wall-clock time of the start
  Timestamp max_gap = 72 * kNanosPerHour;  // older minutes are left to `backfill`
};

struct GapBackfillReport {
  std::uint64_t symbols = 0;  // symbols with a stored minute to continue from
  std::uint64_t bars = 0;     // minute bars handed to the engine
  std::uint64_t failed = 0;   // symbols whose fetch failed (logged)
};

// Fetches and pushes (blocking push: the engine runs) the missing minutes. Per-symbol fetch
// failures are logged and counted; the error is for the database being unusable.
Result<GapBackfillReport> backfill_gaps(const GapBackfillOptions& o, PolygonRest& rest,
                                        SymbolTable& symbols, FeedQueue& out,
                                        const std::atomic<bool>& stop, Log& log);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_GAP_BACKFILL_H_
