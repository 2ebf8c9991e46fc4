#include "jobs/backtest_stats_rows.h"

#include <cmath>

#include "tickstock/json.h"
#include "tickstock/patterns.h"
#include "tickstock/pg_query.h"

#include "db/pg_util.h"

namespace tickstock::app {
namespace {

void field(std::string& out, double v) {
  out += '\t';
  if (std::isnan(v)) {
    out += "\\N";
    return;
  }
  append_json_number(out, v);  // shortest round-trip, as stats.csv writes it
}

void field(std::string& out, std::uint64_t v) {
  out += '\t';
  out += std::to_string(v);
}

void field(std::string& out, std::string_view v) {
  out += '\t';
  append_copy_text(out, v);
}

Result<std::uint64_t> copy(PGconn* c, std::int64_t job_id, const std::vector<StatCell>& cells) {
  const std::string id = std::to_string(job_id);
  if (auto r = pg_exec_params(c, "DELETE FROM backtest_stats WHERE job_id = $1", {id.c_str()},
                              "backtests: stats of job " + id);
      !r) {
    return r.error();
  }
  if (auto r = pg_exec(c, "COPY backtest_stats FROM STDIN", "backtests: stats"); !r)
    return r.error();
  const std::string rows = backtest_stats_rows(job_id, cells);
  if (PQputCopyData(c, rows.data(), static_cast<int>(rows.size())) != 1 ||
      PQputCopyEnd(c, nullptr) != 1) {
    return Error{"backtests: stats of job " + id + ": COPY: " + pg_error(c)};
  }
  PgResult copied(PQgetResult(c), &PQclear);
  const bool ok = PQresultStatus(copied.get()) == PGRES_COMMAND_OK;
  const std::string why = ok ? "" : pg_error(c);
  while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  if (!ok) return Error{"backtests: stats of job " + id + ": COPY: " + why};
  return static_cast<std::uint64_t>(cells.size());
}

}  // namespace

std::string backtest_stats_rows(std::int64_t job_id, const std::vector<StatCell>& cells) {
  std::string out;
  out.reserve(cells.size() * 320);
  for (const StatCell& s : cells) {
    out += std::to_string(job_id);
    field(out, pattern_info(s.pattern).talib_name);
    field(out, s.symbol);
    field(out, timeframe_name(s.timeframe));
    field(out, signal_side_name(s.side));
    field(out, static_cast<std::uint64_t>(s.horizon));
    for (const std::uint64_t v : {s.n, s.n_eff, s.censored, s.hits}) field(out, v);
    for (const double v : {s.hit_rate, s.hit_lo, s.hit_hi, s.mean, s.median, s.std, s.mfe, s.mae,
                           s.baseline_mean, s.baseline_p0, s.excess, s.welch_t, s.p, s.q})
      field(out, v);
    out += "\t\\N\t";  // p_mc: the random baseline is not run yet
    out += s.significant ? "t\n" : "f\n";
  }
  return out;
}

Result<std::uint64_t> store_backtest_stats(PGconn* c, std::int64_t job_id,
                                           const std::vector<StatCell>& cells) {
  if (auto r = pg_exec_params(c, "BEGIN", {}, "backtests: stats"); !r) return r.error();
  auto stored = copy(c, job_id, cells);
  const char* end = stored ? "COMMIT" : "ROLLBACK";
  if (auto r = pg_exec_params(c, end, {}, "backtests: stats"); !r && stored) return r.error();
  return stored;
}

}  // namespace tickstock::app
