// End-of-day processing: daily bars derived from the stored 1-minute bars.
#ifndef TICKSTOCKAPP_DB_DAILY_ROLLUP_H_
#define TICKSTOCKAPP_DB_DAILY_ROLLUP_H_

#include <cstdint>
#include <string>

#include "tickstock/calendar.h"
#include "tickstock/result.h"

namespace tickstock::app {

struct RollupOptions {
  std::string url;
  Date from{}, to{};          // New York trading dates, inclusive
  bool all_sessions = false;  // false: regular session only (09:30-16:00 New York)
  std::string symbol;         // empty: every symbol
};

// Writes ohlcv_daily rows for each (symbol, New York date) with 1-minute bars in the range:
// open of the first bar, highest high, lowest low, close of the last, summed volume and
// trades, volume-weighted vwap; replaces rows already there. Returns the rows written.
Result<std::uint64_t> rollup_daily(const RollupOptions& o);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_DAILY_ROLLUP_H_
