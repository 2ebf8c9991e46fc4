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
#include <string>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/pg_bar_source.h"

#include "base/progress.h"
#include "cli/commands.h"
#include "polygon/universe.h"
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
    "Writes results.json and stats.csv (and events.csv with --events) into --out.\n"
    "Exit: 0 done, 1 failure, 2 bad arguments, 3 data missing, 4 cancelled.\n\n";

void declare(Settings& s) {
  s.add("--symbols", "", "", "comma-separated symbols (at most 50)");
  s.add("--symbols-file", "", "", "a file of symbols, one per line or comma-separated, # comments");
  s.add("--universe", "", "", "a symbol group in the database (`symbols --groups`)");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL: bars for --source pg, --universe");
  s.add("--from", "", "", "first trading date (YYYY-MM-DD, New York)");
  s.add("--to", "", "", "last trading date, inclusive (at most 5 years after --from)");
  s.add("--source", "", "", "pg, or csv:PATH: a directory of SYMBOL[.TF].csv[.gz] or one CSV file");
  s.show_default("--source", "pg when a database URL is set");
  s.add("--timeframes", "", "1d,1m", "timeframes to test (1m 5m 15m 30m 1h 4h 1d)");
  s.add("--patterns", "", "all", "`all` or comma-separated TA-Lib names (CDLENGULFING,...)");
  s.add("--horizons", "", "1,5,10,20", "forward horizons in bars (1..500, at most 8)");
  s.add("--entry", "", "next-open", "entry price of a signal: next-open or close");
  s.add("--hit-threshold", "", "zero", "a hit is r > 0 (zero) or > 2(commission+slippage) (cost)");
  s.add("--commission", "", "0.001", "per side, a fraction of the notional (for cost)");
  s.add("--slippage", "", "0.0005", "a fraction of the price, adverse (for cost)");
  s.add("--min-confidence", "", "0", "drop detections below this confidence (0..1)");
  s.add("--warmup-bars", "", "1000", "bars scanned before --from and not reported, or `all`");
  s.add_switch("--no-session-bound", "", "let intraday windows cross sessions and dates");
  s.add("--threads", "", "0", "worker threads (0: all cores)");
  s.add("--out", "", "", "output directory");
  s.show_default("--out", "backtest-<UTC yyyymmddThhmmss>");
  s.add_switch("--events", "", "also write events.csv: every signal with its returns");
  s.add("--set", "", "", "NAME.param=value, repeatable: scanner settings as for scan and serve");
}

Result<std::vector<int>> parse_horizons(const std::string& text) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    char* endp = nullptr;
    const long v = std::strtol(item.c_str(), &endp, 10);
    if (item.empty() || *endp != '\0' || v < 1 || v > 500) {
      return Error{"--horizons: '" + item + "' is not a horizon (1..500 bars)"};
    }
    out.push_back(static_cast<int>(v));
    at = comma + 1;
  }
  return out;
}

Result<std::vector<Timeframe>> parse_timeframes(const std::string& text) {
  std::vector<Timeframe> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    const auto tf = parse_timeframe(item);
    if (!tf)
      return Error{"--timeframes: '" + item + "' is not a timeframe (1m 5m 15m 30m 1h 4h 1d)"};
    out.push_back(*tf);
    at = comma + 1;
  }
  return out;
}

Result<double> parse_fraction(const Settings& s, const std::string& flag) {
  const std::string& text = s.get(flag);
  char* endp = nullptr;
  const double v = std::strtod(text.c_str(), &endp);
  if (text.empty() || *endp != '\0' || !std::isfinite(v)) {
    return Error{flag + ": '" + text + "' is not a number"};
  }
  return v;
}

Result<Timestamp> parse_day(const Settings& s, const std::string& flag, int add_days) {
  const auto d = parse_date(s.get(flag));
  if (!d) return Error{flag + ": '" + s.get(flag) + "' is not a date (YYYY-MM-DD)"};
  return new_york_midnight(civil_from_days(days_from_civil(*d) + add_days));
}

// The library's error ("field: why") with the field named as its flag.
std::string flag_error(const std::string& message) {
  static const std::pair<const char*, const char*> kFlags[] = {
      {"symbols", "--symbols"},
      {"start", "--from"},
      {"end", "--to"},
      {"timeframes", "--timeframes"},
      {"patterns", "--patterns"},
      {"horizons", "--horizons"},
      {"min_confidence", "--min-confidence"},
      {"commission", "--commission"},
      {"slippage", "--slippage"},
      {"warmup_bars", "--warmup-bars"},
      {"threads", "--threads"},
      {"scanner", "--set"}};
  const std::string field = message.substr(0, message.find(':'));
  for (const auto& [name, flag] : kFlags) {
    if (field == name) return flag + message.substr(field.size());
  }
  return message;
}

// The options from the settings; the error names the flag.
Result<BacktestOptions> options_from(const Settings& s, const std::vector<std::string>& sets) {
  BacktestOptions o;
  auto symbols = resolve_universe(
      {s.get("--symbols"), s.get("--symbols-file"), s.get("--universe"), s.get("--database-url")});
  if (!symbols) return symbols.error();
  if (symbols->empty()) return Error{"--symbols: give --symbols, --symbols-file or --universe"};
  if (symbols->size() == 1 && (*symbols)[0] == "*") return Error{"--symbols: `*` is not allowed"};
  o.symbols = *symbols;
  auto from = parse_day(s, "--from", 0);
  if (!from) return from.error();
  auto to = parse_day(s, "--to", 1);
  if (!to) return to.error();
  o.start = *from;
  o.end = *to - 1;  // the last nanosecond of --to's New York day
  auto tfs = parse_timeframes(s.get("--timeframes"));
  if (!tfs) return tfs.error();
  o.timeframes = *tfs;
  if (s.get("--patterns") != "all") {
    auto list = parse_pattern_list(s.get("--patterns"));
    if (!list) return Error{"--patterns: " + list.error().message};
    for (const PatternInfo& p : pattern_catalogue()) {
      if (list->test(static_cast<std::size_t>(p.id))) o.patterns.emplace_back(p.talib_name);
    }
  }
  auto horizons = parse_horizons(s.get("--horizons"));
  if (!horizons) return horizons.error();
  o.horizons = *horizons;
  const std::string& entry = s.get("--entry");
  if (entry != "next-open" && entry != "close") return Error{"--entry: next-open or close"};
  o.entry = entry == "close" ? EntryPrice::SignalClose : EntryPrice::NextOpen;
  const std::string& hit = s.get("--hit-threshold");
  if (hit != "zero" && hit != "cost") return Error{"--hit-threshold: zero or cost"};
  o.hit_threshold = hit == "cost" ? HitThreshold::Cost : HitThreshold::Zero;
  for (const auto& [flag, field] :
       {std::pair{"--commission", &o.commission}, std::pair{"--slippage", &o.slippage},
        std::pair{"--min-confidence", &o.min_confidence}}) {
    auto v = parse_fraction(s, flag);
    if (!v) return v.error();
    *field = *v;
  }
  if (s.get("--warmup-bars") == "all") {
    o.warmup_bars = -1;
  } else {
    auto w = s.get_int("--warmup-bars", 0, 1'000'000);
    if (!w) return w.error();
    o.warmup_bars = static_cast<int>(*w);
  }
  o.session_bound = !s.on("--no-session-bound");
  auto threads = s.get_int("--threads", 0, 256);
  if (!threads) return threads.error();
  o.threads = static_cast<int>(*threads);
  if (auto r = apply_sets(sets, o.scanner); !r) return Error{"--set: " + r.error().message};
  if (auto r = validate(o); !r) return Error{flag_error(r.error().message)};
  return o;
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
  return 0;
}

std::string summary(const BacktestReport& r) {
  std::size_t significant = 0;
  for (const StatCell& c : r.stats) significant += c.significant ? 1 : 0;
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %.2f M bars per second", r.wall_s,
                r.wall_s > 0 ? static_cast<double>(r.bars_read) / r.wall_s / 1e6 : 0.0);
  return "backtest: " + std::to_string(r.events) + " signals, " + std::to_string(r.stats.size()) +
         " cells, " + std::to_string(significant) + " with q <= 0.10 (of " +
         std::to_string(r.tests) + " tested), " + std::to_string(r.bars_read) + " bars, " + rate;
}

int run_backtest_run(int argc, char** argv, Log& log) {
  auto sets = take_sets(argc, argv);
  if (!sets) {
    log.error("backtest: " + sets.error().message);
    return 2;
  }
  Settings s;
  declare(s);
  if (auto r = s.parse(argc, argv); !r) {
    log.error("backtest: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf("%s%s\n%s", kUsage, s.help().c_str(), kSetHelp);
    return 0;
  }
  auto options = options_from(s, *sets);
  if (!options) {
    log.error("backtest: " + options.error().message);
    return 2;
  }
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
    std::fputs("usage: tickstockapp backtest run [options]   (backtest --help lists them)\n",
               stderr);
    return 2;
  }
  const std::string sub = argv[0];
  if (sub == "--help" || sub == "-h") return run_backtest_run(argc, argv, log);  // run's help
  if (sub == "run") return run_backtest_run(argc - 1, argv + 1, log);
  log.error("backtest: unknown subcommand '" + std::string(argv[0]) + "' (run)");
  return 2;
}

}  // namespace tickstock::app
