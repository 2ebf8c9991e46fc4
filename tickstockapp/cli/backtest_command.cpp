// tickstockapp backtest run: which patterns worked on stored bars (tickstock/backtest.h).
// Exit codes: 0 done, 1 failure (source, files), 2 bad arguments (naming the flag), 3 data
// missing (naming the symbols and range), 4 cancelled (SIGINT or SIGTERM).
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/pg_bar_source.h"

#include "backtest/report_files.h"
#include "base/progress.h"
#include "cli/backtest_flags.h"
#include "cli/backtest_jobs.h"
#include "cli/commands.h"
#include "settings/scanner_settings.h"
#include "settings/settings.h"

namespace tickstock::app {
namespace {

std::atomic<bool> g_cancel{false};
extern "C" void on_cancel_signal(int /*sig*/) { g_cancel.store(true); }

constexpr const char* kUsage =
    "usage: tickstockapp backtest run --symbols A,B | --symbols-file FILE | --universe GROUP\n"
    "         --from DATE --to DATE --source csv:PATH [options]\n\n"
    "Replays stored bars through the streaming scanner (the engine of `serve`), warmed up on the\n"
    "bars before --from, and measures every detection's forward returns against the all-bars\n"
    "baseline: per pattern, symbol (and ALL), timeframe, direction and horizon, n, hit rate with\n"
    "its Wilson interval, mean, median, std, MFE/MAE, excess, the overlap-thinned n_eff with a\n"
    "Welch t test, and Benjamini-Hochberg q over every cell with n_eff >= 30 (docs/backtest.md).\n"
    "Writes results.json, stats.csv, calibration.csv and report.html (events.csv with --events)\n"
    "into --out. With --strategy it also trades the signals with the original application's\n"
    "money management (trades.csv, equity.csv, equity_daily.csv, equity.png; an equal-weight\n"
    "buy-and-hold benchmark).\n"
    "Exit: 0 done, 1 failure, 2 bad arguments, 3 data missing, 4 cancelled.\n\n";

// The flags of `run` alone: where bars come from, how many threads, what is written.
void declare_run_flags(Settings& s) {
  declare_backtest_flags(s);
  s.add("--source", "", "", "pg, or csv:PATH: a directory of SYMBOL[.TF].csv[.gz] or one CSV file");
  s.show_default("--source", "pg when a database URL is set");
  s.add("--threads", "", "0", "worker threads (0: all cores)");
  s.add("--out", "", "", "output directory");
  s.show_default("--out", "backtest-<UTC yyyymmddThhmmss>");
  s.add_switch("--events", "", "also write events.csv: every signal with its returns");
}

std::string default_out_dir() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "backtest-%Y%m%dT%H%M%S", &utc);
  return buf;
}

// --source: csv:PATH, or pg (the default when --database-url / DATABASE_URL is set).
Result<std::unique_ptr<BarSource>> open_source(const Settings& s) {
  const std::string& source = s.get("--source");
  if (source.rfind("csv:", 0) == 0 && source.size() > 4)
    return make_csv_bar_source(source.substr(4));
  if (source == "pg" || (source.empty() && !s.get("--database-url").empty())) {
    if (s.get("--database-url").empty()) return Error{"--source pg: set --database-url"};
    return make_pg_bar_source(s.get("--database-url"));
  }
  return Error{
      "--source: give csv:PATH (a directory of SYMBOL.csv[.gz] files or one CSV file) "
      "or pg (the database of --database-url)"};
}

int write_outputs(const BacktestReport& r, const std::string& dir, bool events, Log& log) {
  if (auto ok = write_backtest_csv(r, dir, events); !ok) {
    log.error("backtest: " + ok.error().message);
    return 1;
  }
  const std::string path = dir + "/results.json";
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << results_json(r);
  if (!f) {
    log.error("backtest: " + path + ": write failed");
    return 1;
  }
  if (auto ok = write_report_files(r, dir); !ok) {
    log.error("backtest: " + ok.error().message);
    return 1;
  }
  return 0;
}

std::string summary(const BacktestReport& r) {
  std::size_t significant = 0;
  for (const StatCell& c : r.stats) significant += c.significant ? 1 : 0;
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %.2f M bars per second", r.wall_s,
                r.wall_s > 0 ? static_cast<double>(r.bars_read) / r.wall_s / 1e6 : 0.0);
  std::string out = "backtest: " + std::to_string(r.events) + " signals, " +
                    std::to_string(r.stats.size()) + " cells, " + std::to_string(significant) +
                    " with q <= 0.10 (of " + std::to_string(r.tests) + " tested), " +
                    std::to_string(r.bars_read) + " bars, " + rate;
  if (r.strategy) {
    char line[160];
    std::snprintf(line, sizeof line,
                  "; strategy: %llu trades, return %.2f %%, max drawdown %.2f %% (buy and hold "
                  "%.2f %%)",
                  static_cast<unsigned long long>(r.strategy->trades),
                  r.strategy->metrics.total_return * 100, r.strategy->metrics.max_drawdown * 100,
                  r.strategy->benchmark.total_return * 100);
    out += line;
  }
  return out;
}

int run_backtest_run(int argc, char** argv, Log& log) {
  auto sets = take_sets(argc, argv);
  if (!sets) {
    log.error("backtest: " + sets.error().message);
    return 2;
  }
  Settings s;
  declare_run_flags(s);
  if (auto r = s.parse(argc, argv); !r) {
    log.error("backtest: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf("%s%s\n%s", kUsage, s.help().c_str(), kSetHelp);
    return 0;
  }
  auto options = options_from_flags(s, *sets);
  auto threads = s.get_int("--threads", 0, 256);
  if (!options || !threads) {
    log.error("backtest: " + (options ? threads.error() : options.error()).message);
    return 2;
  }
  options->threads = static_cast<int>(*threads);
  options->keep_signals = s.on("--events");  // only events.csv reads them
  auto source = open_source(s);
  if (!source) {
    log.error("backtest: " + source.error().message);
    return source.error().message.rfind("--source", 0) == 0 ? 2 : 1;
  }
  auto plan = plan_backtest(*options, **source);
  if (!plan) {
    log.error("backtest: " + plan.error().message);
    return 1;
  }
  for (const std::string& w : plan->warnings) log.warn("backtest: " + w);
  if (!plan->missing.empty()) {
    std::string list;
    for (const std::string& m : plan->missing) list += (list.empty() ? "" : ",") + m;
    log.error("backtest: no bars for " + list + " from " + s.get("--from") + " to " +
              s.get("--to") + " in " + s.get("--source"));
    return 3;
  }
  std::signal(SIGINT, on_cancel_signal);
  std::signal(SIGTERM, on_cancel_signal);
  ProgressBar bar("backtest");
  auto report = tickstock::run_backtest(
      *plan, *options, **source,
      [&](const BacktestRunProgress& p) {
        bar.step(static_cast<std::int64_t>(p.bars_done), static_cast<std::int64_t>(p.bars_total),
                 p.series_done);
      },
      &g_cancel);
  bar.finish();
  if (!report) {
    log.error("backtest: " + report.error().message);
    return 1;
  }
  if (report->status == BacktestReport::Status::Cancelled) {
    log.warn("backtest: cancelled; nothing written");
    return 4;
  }
  const std::string dir = s.get("--out").empty() ? default_out_dir() : s.get("--out");
  if (const int rc = write_outputs(*report, dir, s.on("--events"), log); rc != 0) return rc;
  log.info(summary(*report) + "; wrote " + dir);
  return 0;
}

}  // namespace

int run_backtest_command(int argc, char** argv, Log& log) {
  if (argc < 1) {
    std::fputs(
        "usage: tickstockapp backtest run|submit [options] | status JOB | cancel JOB | list\n"
        "       (backtest run --help lists the options)\n",
        stderr);
    return 2;
  }
  const std::string sub = argv[0];
  if (sub == "--help" || sub == "-h") return run_backtest_run(argc, argv, log);  // run's help
  if (sub == "run") return run_backtest_run(argc - 1, argv + 1, log);
  if (sub == "submit") return run_backtest_submit(argc - 1, argv + 1, log);
  if (sub == "status") return run_backtest_status(argc - 1, argv + 1, log);
  if (sub == "cancel") return run_backtest_cancel(argc - 1, argv + 1, log);
  if (sub == "list") return run_backtest_list(argc - 1, argv + 1, log);
  log.error("backtest: unknown subcommand '" + std::string(argv[0]) +
            "' (run, submit, status, cancel, list)");
  return 2;
}

}  // namespace tickstock::app
