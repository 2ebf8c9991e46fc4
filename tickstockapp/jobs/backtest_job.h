// A stored backtest request (jobs.params) as the library's BacktestOptions. The request is the
// form tickstock.jobs.backtest takes (jobs/job_request.h); its optional "params" object takes
// the CLI's long names with underscores: timeframes, horizons, entry, hit_threshold,
// commission, slippage, min_confidence, warmup_bars, session_bound, strategy.
#ifndef TICKSTOCKAPP_JOBS_BACKTEST_JOB_H_
#define TICKSTOCKAPP_JOBS_BACKTEST_JOB_H_

#include <string>
#include <string_view>

#include "tickstock/backtest.h"
#include "tickstock/result.h"

namespace tickstock::app {

// The options of the request `params`; a date-only start or end covers its whole New York day.
// The error names the field.
Result<BacktestOptions> backtest_options_from(std::string_view params, int threads);
// The request that gives `o` back (all but the scanner's settings and threads), as
// `backtest submit` queues it.
std::string backtest_request_json(const BacktestOptions& o, const std::string& request_id);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_BACKTEST_JOB_H_
