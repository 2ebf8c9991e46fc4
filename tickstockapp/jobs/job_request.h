// Job requests that arrive on tickstock.jobs.backtest and tickstock.jobs.data_load
// (docs/redis-events.md), validated before they are stored and acknowledged:
//   {"request_id":"r-1","symbols":["AAPL","MSFT"],"timeframe":"daily",
//    "start":"2023-01-01","end":"2023-12-31","patterns":["CDLENGULFING"],"params":{...}}
// "patterns" and "params" belong to backtests, "source" to data loads; both are optional, as is
// "request_id" (echoed in the acknowledgement). Other fields are kept with the request.
// A backtest may also come in the original application's form:
//   {"type":"backtest_job","job_id":7,"user_id":1,"symbols":[...],"start_date":"2023-01-01",
//    "end_date":"2023-12-31","patterns":[...],"parameters":{...}}
// whose job_id is the request_id and whose timeframes are the defaults (1d and 1m).
#ifndef TICKSTOCKAPP_JOBS_JOB_REQUEST_H_
#define TICKSTOCKAPP_JOBS_JOB_REQUEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

#include "base/json_object_reader.h"

namespace tickstock::app {

// Requests longer than this are refused unread.
inline constexpr std::size_t kMaxJobRequestBytes = 256 * 1024;

struct JobRequest {
  std::string job_type;  // backtest | data_load
  std::string request_id;
  std::vector<std::string> symbols;
  Timeframe timeframe = Timeframe::D1;
  Timestamp start = 0;
  Timestamp end = 0;
  std::string params;  // the request as received (a JSON object), stored as jobs.params
};

// The request's [start, end] as bar starts: a date-only start is the start of its New York day,
// a date-only end the last nanosecond of its New York day.
std::pair<Timestamp, Timestamp> request_range(const JobRequest& r);

// Not thread-safe: one per listener thread.
class JobRequestParser {
 public:
  JobRequestParser() : reader_(kMaxJobRequestBytes) {}
  // Validates `message` as a request of `job_type` ("backtest" or "data_load"). `request_id`
  // receives the request's id whenever the message is an object with one, valid or not, so
  // that a rejection can name it. The error names the field, e.g. "field 'symbols': expected a
  // non-empty array of symbols".
  Result<JobRequest> parse(std::string_view job_type, std::string_view message,
                           std::string& request_id);

 private:
  JsonObjectReader reader_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_JOB_REQUEST_H_
