// Polygon's aggregates of a list of symbols over a date range into the bar tables, symbol by
// symbol: what `backfill` and the data-load jobs run. A symbol that fails is counted and named;
// the others go on.
#ifndef TICKSTOCKAPP_POLYGON_HISTORY_BACKFILL_H_
#define TICKSTOCKAPP_POLYGON_HISTORY_BACKFILL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/types.h"

#include "polygon/rest_client.h"

namespace tickstock::app {

struct HistoryRequest {
  std::vector<std::string> symbols;
  Timeframe timeframe = Timeframe::M1;  // M1 (ohlcv_1min) or D1 (ohlcv_daily)
  Timestamp from = 0, to = 0;           // bar starts, inclusive
};

struct HistoryReport {
  std::uint64_t symbols_done = 0, failed = 0;
  std::uint64_t bars = 0, stored = 0;  // received; inserted or changed
  std::vector<std::string> errors;     // one per failed symbol (the first 20)
  bool cancelled = false;
};

// Loads `r` into `c`. After each symbol, `progress(done, total, bars, symbol)`; `cancel`, read
// before each symbol, stops it early (cancelled).
HistoryReport backfill_history(PolygonRest& rest, PGconn* c, const HistoryRequest& r,
                               const std::function<void(std::size_t, std::size_t, std::uint64_t,
                                                        const std::string&)>& progress,
                               const std::atomic<bool>* cancel = nullptr);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_HISTORY_BACKFILL_H_
