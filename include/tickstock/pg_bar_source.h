// The backtester's bars from PostgreSQL: a BarSource over the schema's ohlcv_* tables (sql/),
// in the pg library (TickStock::pg, libpq) so that backtest.h stays in the zlib-only core.
#ifndef TICKSTOCK_PG_BAR_SOURCE_H_
#define TICKSTOCK_PG_BAR_SOURCE_H_

#include <memory>
#include <string>

#include "tickstock/backtest.h"
#include "tickstock/result.h"

namespace tickstock {

// Bars stored at `database_url`; a timeframe without rows in range rolls up from ohlcv_1min.
Result<std::unique_ptr<BarSource>> make_pg_bar_source(std::string database_url);

}  // namespace tickstock

#endif  // TICKSTOCK_PG_BAR_SOURCE_H_
