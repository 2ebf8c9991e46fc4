#include "runtime/serve_config.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "polygon/universe.h"
#include "settings/aggregator_settings.h"
#include "settings/pg_settings.h"
#include "settings/polygon_settings.h"
#include "settings/scanner_settings.h"

namespace tickstock::app {

void declare_serve_settings(Settings& s) {
  s.add("--feed", "TICKSTOCK_FEED", "synthetic", "synthetic | replay:FILE | polygon | redis");
  s.add("--speed", "TICKSTOCK_SPEED", "1", "max or N (x real time) for replay and synthetic");
  s.add_switch("--exit-on-eof", "TICKSTOCK_EXIT_ON_EOF",
               "when a replay ends: close open bars, flush every sink, exit 0");
  declare_web_settings(s);
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL; empty = in memory");
  s.add_switch("--no-backtests", "TICKSTOCK_NO_BACKTESTS",
               "do not run the queued backtest jobs (another instance does)");
  s.add("--backtest-dir", "TICKSTOCK_BACKTEST_DIR", "var/backtests",
        "backtest jobs' files: DIR/<job id>/results.json, stats.csv, events.csv");
  s.add("--backtest-threads", "TICKSTOCK_BACKTEST_THREADS", "0",
        "threads of a backtest job (0: cores - 1, at least 1)");
  s.add_switch("--no-data-loads", "TICKSTOCK_NO_DATA_LOADS",
               "do not run the queued data-load jobs (another instance does)");
  s.add("--data-load-dir", "TICKSTOCK_DATA_LOAD_DIR", "var/imports",
        "where a data-load job's source file:NAME is read from");
  declare_pg_settings(s);
  declare_redis_settings(s);
  s.add("--synthetic-symbols", "TICKSTOCK_SYNTHETIC_SYMBOLS", "10", "synthetic: number of symbols");
  s.add("--seed", "TICKSTOCK_SEED", "42", "synthetic: random seed");
  s.add("--scenario", "TICKSTOCK_SCENARIO", "normal",
        "synthetic: normal | volatile | crash | rally | opening-bell");
  s.add_switch("--no-inject", "TICKSTOCK_NO_INJECT", "synthetic: no injected candlestick shapes");
  s.add("--synthetic-minutes", "TICKSTOCK_SYNTHETIC_MINUTES", "0",
        "synthetic: stop after this many minutes (0 = run until stopped)");
  declare_polygon_settings(s);
  s.add("--polygon-conditions", "POLYGON_CONDITIONS", "reference",
        "trade condition rules: reference (Polygon's, fetched at start; built-in if that "
        "fails) or builtin");
  s.add("--gap-backfill-max-hours", "TICKSTOCK_GAP_BACKFILL_MAX_HOURS", "72",
        "polygon + database: fetch the minutes missed since the newest stored one, at most "
        "this far back, before live trades (0 = off)");
  declare_universe_settings(s);
  declare_aggregator_settings(s);
  s.add("--queue-batches", "TICKSTOCK_QUEUE_BATCHES", "1024", "feed -> engine queue capacity");
  s.add("--max-symbols", "TICKSTOCK_MAX_SYMBOLS", "20000",
        "most distinct symbols this run takes (the whole US market fits); records with a new "
        "symbol beyond it are refused, counted and reported, known symbols flow on");
  s.add("--max-future-ms", "TICKSTOCK_MAX_FUTURE_MS", "5000",
        "redis, polygon: refuse records whose event time is more than this far ahead of the "
        "wall clock (they would move the engine clock forward for good)");
  s.add("--patterns", "TICKSTOCK_PATTERNS", "all",
        "patterns to run: all or TA-Lib names, e.g. CDLDOJI,CDLENGULFING");
  s.add("--confidence-calibration", "TICKSTOCK_CONFIDENCE_CALIBRATION", "",
        "a file of `tickstockapp calibrate`: events report their kind's backtest hit rate as "
        "confidence (empty: the formula)");
  // Listed for --help only: take_sets() removes every --set before Settings sees it.
  s.add("--set", "", "", "NAME.param=value, repeatable: the names are listed below");
  s.add_switch("--indicator-events", "TICKSTOCK_INDICATOR_EVENTS",
               "also print an indicators line for every scanned bar");
  s.add_switch("--no-bar-events", "TICKSTOCK_NO_BAR_EVENTS",
               "do not print bar lines, only pattern/alert (and indicator) events");
}

namespace {

// The scanner's options from --patterns and the --set assignments, validated.
Result<ScannerOptions> scanner_options(const Settings& s, const std::vector<std::string>& sets) {
  ScannerOptions o;
  auto patterns = parse_pattern_list(s.get("--patterns"));
  if (!patterns) return patterns.error();
  o.patterns = *patterns;
  if (auto r = apply_sets(sets, o); !r) return r.error();
  if (auto r = o.validate(); !r) return r.error();
  if (const std::string& file = s.get("--confidence-calibration"); !file.empty()) {
    auto table = read_confidence_calibration(file);
    if (!table) return Error{"--confidence-calibration: " + table.error().message};
    o.calibration = std::make_shared<const ConfidenceCalibration>(std::move(*table));
  }
  return o;
}

Result<double> parse_speed(const std::string& v) {
  if (v == "max") return 0.0;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d >= 0.001 && d <= 1e6))
    return fail("--speed '", v, "': expected max or a number from 0.001 to 1000000");
  return d;
}

// --feed polygon's settings; the universe may be a symbol group read from the database.
Result<PolygonServeConfig> polygon_config(const Settings& s) {
  PolygonServeConfig c;
  auto po = polygon_feed_options(s);
  if (!po) return fail(po.error().message);
  auto universe = resolve_universe(s, s.get("--database-url"));
  if (!universe) return fail(universe.error().message);
  po->symbols = std::move(*universe);
  if (po->symbols.empty()) {
    return fail(
        "--feed polygon: no symbols to subscribe: give --symbols (TICKSTOCK_SYMBOLS; * for "
        "all), --symbols-file or --universe");
  }
  if (po->api_key.empty()) {
    return fail("--feed polygon: ", kPolygonKeyEnv,
                " is not set (it is read from the environment only)");
  }
  auto ro = polygon_rest_options(s);
  if (!ro) return fail(ro.error().message);
  auto max_hours = s.get_int("--gap-backfill-max-hours", 0, 24 * 366);
  if (!max_hours) return fail(max_hours.error().message);
  const std::string& cond = s.get("--polygon-conditions");
  if (cond != "reference" && cond != "builtin")
    return fail("--polygon-conditions '", cond, "': expected reference or builtin");
  c.feed = std::move(*po);
  c.rest = std::move(*ro);
  c.gap_backfill_max_hours = *max_hours;
  c.conditions_from_reference = cond == "reference";
  return c;
}

// What only one feed checks, once the shared settings are valid.
Result<void> check_feed(const Settings& s, ServeConfig& c) {
  if (c.feed == "synthetic") {
    if (static_cast<std::size_t>(c.synthetic_symbols) > c.max_symbols)
      return fail("--synthetic-symbols ", std::to_string(c.synthetic_symbols),
                  " is more than --max-symbols ", std::to_string(c.max_symbols));
    return {};
  }
  if (c.feed.rfind("replay:", 0) == 0 && c.feed.size() > 7) return {};
  if (c.feed == "redis") {
    if (!c.redis) return fail("--feed redis: set REDIS_URL, --redis-url or --redis-host");
    return {};
  }
  if (c.feed == "polygon") {
    auto p = polygon_config(s);
    if (!p) return p.error();
    p->feed.max_future = c.max_future;
    c.polygon = std::move(*p);
    return {};
  }
  return fail("--feed '", c.feed, "': expected synthetic, replay:FILE, polygon or redis");
}

}  // namespace

Result<ServeConfig> parse_serve_config(const Settings& s, const std::vector<std::string>& sets) {
  auto speed = parse_speed(s.get("--speed"));
  auto nsym = s.get_int("--synthetic-symbols", 1, 100000);
  auto seed = s.get_int("--seed", 0, INT64_MAX);
  auto minutes = s.get_int("--synthetic-minutes", 0, 100'000'000);
  auto aopt = aggregator_options(s);
  auto qb = s.get_int("--queue-batches", 1, 1'000'000);
  auto max_symbols = s.get_int("--max-symbols", 1, 100'000'000);
  auto max_future = s.get_int("--max-future-ms", 0, 366LL * 24 * 3'600'000);
  auto scenario = parse_scenario(s.get("--scenario"));
  auto sopt = scanner_options(s, sets);
  auto rcfg = redis_settings(s);
  auto wcfg = web_settings(s);
  // Reported in this order (the first one wins), as serve always has.
  for (const Error* e :
       {wcfg ? nullptr : &wcfg.error(), speed ? nullptr : &speed.error(),
        nsym ? nullptr : &nsym.error(), seed ? nullptr : &seed.error(),
        minutes ? nullptr : &minutes.error(), aopt ? nullptr : &aopt.error(),
        qb ? nullptr : &qb.error(), sopt ? nullptr : &sopt.error(),
        max_symbols ? nullptr : &max_symbols.error(), max_future ? nullptr : &max_future.error(),
        rcfg ? nullptr : &rcfg.error()}) {
    if (e != nullptr) return *e;
  }
  if (!scenario)
    return fail("--scenario '", s.get("--scenario"),
                "': expected normal, volatile, crash, rally or opening-bell");
  ServeConfig c;
  c.feed = s.get("--feed");
  c.speed = *speed;
  c.exit_on_eof = s.on("--exit-on-eof");
  c.synthetic_symbols = *nsym;
  c.seed = *seed;
  c.synthetic_minutes = *minutes;
  c.scenario = *scenario;
  c.inject_patterns = !s.on("--no-inject");
  c.aggregator = *aopt;
  c.scanner = *sopt;
  c.queue_batches = static_cast<std::size_t>(*qb);
  c.max_symbols = static_cast<std::size_t>(*max_symbols);
  c.max_future = *max_future * 1'000'000;
  c.indicator_events = s.on("--indicator-events");
  c.bar_events = !s.on("--no-bar-events");
  c.database_url = s.get("--database-url");
  c.redis_url = redis_url(s);
  c.redis = *rcfg;
  c.redis_jobs = !s.on("--redis-no-jobs");
  c.backtests = !s.on("--no-backtests");
  c.backtest_dir = s.get("--backtest-dir");
  c.data_loads = !s.on("--no-data-loads");
  c.data_load_dir = s.get("--data-load-dir");
  auto bt_threads = s.get_int("--backtest-threads", 0, 256);
  if (!bt_threads) return bt_threads.error();
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  c.backtest_threads = *bt_threads > 0 ? static_cast<int>(*bt_threads) : std::max(1, cores - 1);
  c.web = *wcfg;
  c.settings = s;
  if (auto r = check_feed(s, c); !r) return r.error();
  if (c.polygon) {
    c.data_load_rest = c.polygon->rest;
  } else {  // data-load jobs call Polygon's REST API whatever the feed
    auto ro = polygon_rest_options(s);
    if (!ro && !polygon_api_key().empty()) return ro.error();
    if (ro) c.data_load_rest = std::move(*ro);
    c.data_load_rest.base_url = s.get("--polygon-rest-url");  // no key: those jobs say so
    c.data_load_rest.ca_file = s.get("--polygon-ca-file");
  }
  return c;
}

}  // namespace tickstock::app
