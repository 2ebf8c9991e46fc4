// A finished job's statistics into the backtest_stats table (sql/007_backtest_stats.sql): one
// row per cell, by COPY, replacing what an earlier run of the same job stored.
#ifndef TICKSTOCKAPP_JOBS_BACKTEST_STATS_ROWS_H_
#define TICKSTOCKAPP_JOBS_BACKTEST_STATS_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/backtest.h"
#include "tickstock/result.h"

namespace tickstock::app {

// The COPY text rows of `cells` for job `job_id` (NaN as \N).
std::string backtest_stats_rows(std::int64_t job_id, const std::vector<StatCell>& cells);

// Replaces job `job_id`'s rows with `cells`, in one transaction; returns the rows stored.
Result<std::uint64_t> store_backtest_stats(PGconn* c, std::int64_t job_id,
                                           const std::vector<StatCell>& cells);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_BACKTEST_STATS_ROWS_H_
