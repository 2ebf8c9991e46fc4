// Bulk load of a bars CSV into the bar tables: COPY into a staging table, then one upsert, all
// in one transaction (a bad line imports nothing).
#ifndef TICKSTOCKAPP_DB_BAR_IMPORT_H_
#define TICKSTOCKAPP_DB_BAR_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::app {

struct ImportOptions {
  std::string url;                      // PostgreSQL
  std::string path;                     // bars CSV (.gz ok, - = stdin)
  Timeframe timeframe = Timeframe::M1;  // M1 or D1
  std::string symbol;                   // the symbol of a file without a symbol column
  bool sparse_minutes = false;  // M1: the bars are 1-minute bars even if no two are adjacent
};

struct ImportReport {
  std::uint64_t rows = 0;         // bars read and sent
  std::uint64_t stored = 0;       // rows inserted or changed
  std::uint64_t new_symbols = 0;  // symbols registered by this import
};

// Imports the file. `progress(bytes_read, bytes_total, rows)` is called as it goes. A bad line
// fails the whole import with its file:line error, leaving the database as it was; so does a
// file without a symbol column when no symbol is given (or a symbol given for a file with
// one), and a file whose bars are not of the timeframe: for M1 starts off the minute, or every
// start on a 5-minute boundary with no two bars of a symbol less than 5 minutes apart (unless
// sparse_minutes); for D1 two bars of a symbol on one day.
Result<ImportReport> import_bars(
    const ImportOptions& o,
    const std::function<void(std::int64_t, std::int64_t, std::uint64_t)>& progress);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_BAR_IMPORT_H_
