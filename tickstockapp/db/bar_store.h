// Stores bars from a vendor (Polygon REST backfill) into ohlcv_1min or ohlcv_daily: COPY into a
// staging table and one upsert, in one transaction, registering the bars' symbols. A stored row
// that differs is replaced and its revision goes up; an equal one is left alone.
#ifndef TICKSTOCKAPP_DB_BAR_STORE_H_
#define TICKSTOCKAPP_DB_BAR_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::app {

// Upserts `bars` (all of `tf`, M1 or D1); returns the rows inserted or changed.
Result<std::uint64_t> store_bars(PGconn* c, Timeframe tf, const std::vector<Bar>& bars);
// The start of the newest stored 1-minute bar of each of `symbols` that has one ({"*"}: every
// active symbol).
Result<std::map<std::string, Timestamp>> newest_minutes(PGconn* c,
                                                        const std::vector<std::string>& symbols);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_BAR_STORE_H_
