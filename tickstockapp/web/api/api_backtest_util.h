// What the /api/backtests handlers share: the caller's scope, the job a path names, the answer
// without a database, and the short form of a job's request for lists.
#ifndef TICKSTOCKAPP_WEB_API_API_BACKTEST_UTIL_H_
#define TICKSTOCKAPP_WEB_API_API_BACKTEST_UTIL_H_

#include <optional>
#include <string>
#include <string_view>

#include "web/api/api.h"
#include "web/store/backtest_jobs.h"

namespace tickstock::app {

// 503: serve runs without a database, where jobs are stored and run.
HttpResponse backtests_unavailable();
// The calling user's scope: their own jobs, or every job for an admin.
JobScope job_scope(const ApiCall& call);
// The job the path segment `id` names, if the caller may see it; else a 400 or 404 (or 500).
std::optional<HttpResponse> visible_job(ApiContext& ctx, const ApiCall& call, std::string_view id,
                                        BacktestJobRow& out);
// The request `params` cut to what a job list shows: request_id, type, symbols (the first 10
// and their count), timeframe(s), start, end, patterns (count). Unreadable: "{}".
std::string summary_params(const std::string& params);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_API_BACKTEST_UTIL_H_
