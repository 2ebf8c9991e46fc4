// A stored data-load request (jobs.params, the form tickstock.jobs.data_load takes) as what the
// runner does: Polygon's aggregates of the symbols over the range into ohlcv_1min or
// ohlcv_daily (what `backfill` does), or a bars CSV from the data-load directory into them
// (what `import` does).
//   {"request_id":"r-43","symbols":["SPY"],"timeframe":"1min","start":"2024-01-02",
//    "end":"2024-01-05","source":"polygon"}
//   {"symbols":["SPY"],"timeframe":"daily","start":"2024-01-02","end":"2024-01-05",
//    "source":"file:spy_daily.csv.gz"}
#ifndef TICKSTOCKAPP_JOBS_DATA_LOAD_JOB_H_
#define TICKSTOCKAPP_JOBS_DATA_LOAD_JOB_H_

#include <string>
#include <string_view>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::app {

struct DataLoadRequest {
  enum class Source { kPolygon, kFile } source = Source::kPolygon;
  std::string file;                     // kFile: a name inside the data-load directory
  std::vector<std::string> symbols;     // kFile: the file's symbol when it has no symbol column
  Timeframe timeframe = Timeframe::M1;  // M1 or D1
  Timestamp from = 0, to = 0;           // bar starts, inclusive (dates: whole New York days)
};

// The request `params`; the error names the field. "source" defaults to polygon; a file name
// has no '/' and does not start with '.'.
Result<DataLoadRequest> data_load_request_from(std::string_view params);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_DATA_LOAD_JOB_H_
