#include "jobs/backtest_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "tickstock/json.h"
#include "tickstock/pg_bar_source.h"

#include "backtest/report_files.h"
#include "jobs/backtest_job.h"
#include "jobs/backtest_stats_rows.h"
#include "redis/reports.h"

namespace tickstock::app {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kTopCells = 5;

// The result's summary (jobs.result and the Redis event's `results`): counts and the 5 cells
// with the smallest q (then the largest excess).
std::string results_summary(const BacktestReport& r) {
  std::vector<const StatCell*> tested;
  std::size_t significant = 0;
  for (const StatCell& c : r.stats) {
    if (!std::isnan(c.q)) tested.push_back(&c);
    significant += c.significant ? 1 : 0;
  }
  std::stable_sort(tested.begin(), tested.end(), [](const StatCell* a, const StatCell* b) {
    return a->q != b->q ? a->q < b->q : a->excess > b->excess;
  });
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.uinteger("signals", r.events);
  w.uinteger("cells", r.stats.size());
  w.uinteger("significant", significant);
  w.uinteger("tested", r.tests);
  w.uinteger("bars", r.bars_read);
  w.begin_array("warnings");
  for (const std::string& warning : r.warnings) w.element(warning);
  w.end_array();
  w.begin_array("top");
  for (std::size_t i = 0; i < std::min(kTopCells, tested.size()); ++i) {
    const StatCell& c = *tested[i];
    w.begin_object();
    w.str("pattern", pattern_info(c.pattern).talib_name);
    w.str("symbol", c.symbol);
    w.str("timeframe", timeframe_name(c.timeframe));
    w.str("direction", signal_side_name(c.side));
    w.integer("horizon", c.horizon);
    w.uinteger("n_eff", c.n_eff);
    w.num("mean", c.mean);
    w.num("excess", c.excess);
    w.num("q", c.q);
    w.end_object();
  }
  w.end_array();
  if (r.strategy) {
    const StrategyReport& s = *r.strategy;
    w.key("strategy");
    w.begin_object();
    w.num("final_equity", s.metrics.final_equity);
    w.num("total_return", s.metrics.total_return);
    w.num("max_drawdown", s.metrics.max_drawdown);
    w.num("sharpe", s.metrics.sharpe);
    w.uinteger("trades", s.trades);
    w.num("win_rate", s.win_rate);
    w.num("benchmark_return", s.benchmark.total_return);
    w.end_object();
  } else {
    w.key("strategy");
    out += "null";
  }
  w.end_object();
  return out;
}

// Writes the job's files into DIR.tmp, then renames it to DIR, so a directory is whole or absent.
Result<void> write_files(const BacktestReport& r, const std::string& dir) {
  const std::string tmp = dir + ".tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (auto ok = write_backtest_csv(r, tmp, true); !ok) return ok;
  {
    std::ofstream f(tmp + "/results.json", std::ios::binary | std::ios::trunc);
    f << results_json(r);
    if (!f) return Error{tmp + "/results.json: write failed"};
  }
  if (auto ok = write_report_files(r, tmp); !ok) return ok;
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir, ec);
  if (ec) return Error{dir + ": " + ec.message()};
  return {};
}

}  // namespace

BacktestRunner::BacktestRunner(BacktestRunnerOptions options, RedisSink* events, Log& log)
    : JobRunner("backtest", options.database_url, options.poll, options.heartbeat, events, log),
      options_(std::move(options)) {}

BacktestRunner::~BacktestRunner() { stop(); }

void BacktestRunner::run_job(const Job& job) {
  const std::string dir = options_.dir + "/" + std::to_string(job.id);
  auto options = backtest_options_from(job.params, options_.threads);
  if (!options) return end(job, "failed", options.error().message, nullptr, dir);
  auto source = make_pg_bar_source(options_.database_url);
  if (!source) return end(job, "failed", source.error().message, nullptr, dir);
  auto plan = plan_backtest(*options, **source);
  if (!plan) return end(job, "failed", plan.error().message, nullptr, dir);
  if (!plan->missing.empty()) {
    std::string list;
    for (const std::string& m : plan->missing) list += (list.empty() ? "" : ",") + m;
    return end(job, "failed", "data missing: no bars for " + list + " in the range", nullptr, dir);
  }
  on_progress(job, BacktestRunProgress{0, plan->bars_total, 0,
                                       static_cast<std::uint32_t>(plan->series.size()), "", 0, -1});
  auto report = run_backtest(
      *plan, *options, **source, [&](const BacktestRunProgress& p) { on_progress(job, p); },
      &cancel());
  if (!report) return end(job, "failed", report.error().message, nullptr, dir);
  if (report->status == BacktestReport::Status::Cancelled) {
    return end(job, stopping() ? "queued" : "cancelled", "", nullptr, dir);
  }
  if (auto ok = write_files(*report, dir); !ok) {
    return end(job, "failed", ok.error().message, nullptr, dir);
  }
  if (auto stored = store_backtest_stats(connection(), job.id, report->stats); !stored) {
    return end(job, "failed", stored.error().message, nullptr, dir);
  }
  end(job, "done", "", &*report, dir);
}

// Publishes the run's progress (JobRunner::progress paces it).
void BacktestRunner::on_progress(const Job& job, const BacktestRunProgress& p) {
  const double share =
      p.bars_total > 0 ? static_cast<double>(p.bars_done) / static_cast<double>(p.bars_total) : 0;
  const auto now = progress(job, share, p.bars_done == 0 || p.bars_done >= p.bars_total);
  if (!now) return;
  BacktestProgress e;
  e.job_id = job.id;
  e.request_id = job.request_id;
  e.progress = *now;
  e.current_symbol = p.current_symbol;
  e.elapsed_s = p.elapsed_s;
  e.eta_s = p.eta_s;
  e.bars_done = p.bars_done;
  e.bars_total = p.bars_total;
  e.series_done = p.series_done;
  e.series_total = p.series_total;
  e.message = (p.current_symbol.empty() ? "" : p.current_symbol + ": ") +
              std::to_string(p.bars_done) + " of " + std::to_string(p.bars_total) + " bars";
  emit(job, e);
}

void BacktestRunner::end(const Job& job, const std::string& status, const std::string& error,
                         const BacktestReport* report, const std::string& dir) {
  const std::string results = report != nullptr ? results_summary(*report) : "null";
  finish(job, status, error, report != nullptr ? results : "", report != nullptr ? dir : "",
         report != nullptr ? report->fingerprint : "");
  if (status == "queued") return;
  BacktestResult e;
  e.job_id = job.id;
  e.request_id = job.request_id;
  e.status = status;
  e.error = error;
  e.results = results;
  e.data_fingerprint = report != nullptr ? report->fingerprint : "";
  if (report != nullptr) {
    std::size_t significant = 0;
    for (const StatCell& c : report->stats) significant += c.significant ? 1 : 0;
    e.metrics = {{"signals", static_cast<double>(report->events)},
                 {"cells", static_cast<double>(report->stats.size())},
                 {"significant", static_cast<double>(significant)},
                 {"bars", static_cast<double>(report->bars_read)}};
    if (report->strategy) {
      const StrategyReport& s = *report->strategy;
      e.metrics.insert(e.metrics.end(), {{"trades", static_cast<double>(s.trades)},
                                         {"win_rate", s.win_rate},
                                         {"total_return", s.metrics.total_return},
                                         {"max_drawdown", s.metrics.max_drawdown},
                                         {"sharpe", s.metrics.sharpe},
                                         {"final_equity", s.metrics.final_equity}});
    }
  }
  emit(job, e);
}

}  // namespace tickstock::app
