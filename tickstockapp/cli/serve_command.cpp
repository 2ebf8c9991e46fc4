// tickstockapp serve: feed -> engine -> sinks until the feed ends (--exit-on-eof) or a signal.
#include <cstdio>
#include <memory>
#include <pthread.h>
#include <signal.h>
#include <thread>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/pg_sink.h"
#include "tickstock/redis_sink.h"
#include "tickstock/scanner.h"
#include "tickstock/sink.h"

#include "base/error_reporter.h"
#include "base/services.h"
#include "cli/aggregator_settings.h"
#include "cli/commands.h"
#include "cli/pg_settings.h"
#include "cli/polygon_settings.h"
#include "cli/redis_settings.h"
#include "cli/scanner_settings.h"
#include "cli/settings.h"
#include "cli/web_settings.h"
#include "db/migrations.h"
#include "engine/engine_runner.h"
#include "engine/monitor.h"
#include "feeds/feed_monitor_source.h"
#include "feeds/redis_feed.h"
#include "feeds/replay_feed.h"
#include "feeds/synthetic_feed.h"
#include "jobs/job_listener.h"
#include "polygon/am_cross_check.h"
#include "polygon/gap_backfill.h"
#include "polygon/polygon_feed.h"
#include "polygon/universe.h"
#include "sinks/bar_output.h"
#include "sinks/scan_output.h"
#include "web/dashboard.h"

namespace tickstock::app {
namespace {

void declare(Settings& s) {
  s.add("--feed", "TICKSTOCK_FEED", "synthetic", "synthetic | replay:FILE | polygon | redis");
  s.add("--speed", "TICKSTOCK_SPEED", "1", "max or N (x real time) for replay and synthetic");
  s.add_switch("--exit-on-eof", "TICKSTOCK_EXIT_ON_EOF",
               "when a replay ends: close open bars, flush every sink, exit 0");
  declare_web_settings(s);
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL; empty = in memory");
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
  // Listed for --help only: take_sets() removes every --set before Settings sees it.
  s.add("--set", "", "", "NAME.param=value, repeatable: the names are listed below");
  s.add_switch("--indicator-events", "TICKSTOCK_INDICATOR_EVENTS",
               "also print an indicators line for every scanned bar");
  s.add_switch("--no-bar-events", "TICKSTOCK_NO_BAR_EVENTS",
               "do not print bar lines, only pattern/alert (and indicator) events");
}

// The scanner's options from --patterns and the --set assignments, validated.
Result<ScannerOptions> scanner_options(const Settings& s, const std::vector<std::string>& sets) {
  ScannerOptions o;
  auto patterns = parse_pattern_list(s.get("--patterns"));
  if (!patterns) return patterns.error();
  o.patterns = *patterns;
  if (auto r = apply_sets(sets, o); !r) return r.error();
  if (auto r = o.validate(); !r) return r.error();
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

// Checks the configured services and says what this run will do with them. True (store) when
// the database's schema is this binary's, or when the database cannot be reached now (events
// wait in memory and the spill file until it is back).
bool report_services(const Settings& s, Log& log) {
  const std::string& db = s.get("--database-url");
  const std::string redis = redis_url(s);
  if (db.empty() && redis.empty()) {
    log.info("no DATABASE_URL or REDIS_URL: running entirely in memory");
    return false;
  }
  bool store = false;
  if (!db.empty()) {
    auto ok = check_postgres(db);
    log.info(std::string("PostgreSQL ") + redact_url(db) + ": " +
             (ok ? "reachable" : "NOT reachable (" + ok.error().message + ")"));
    if (!ok) {
      log.warn("PostgreSQL: events wait in memory and the spill file until it can be reached");
      store = true;
    } else {
      const auto v = schema_version(db);
      if (!v) {
        log.warn("PostgreSQL schema: " + v.error().message);
      } else if (*v < latest_schema_version()) {
        log.warn("PostgreSQL schema version " + std::to_string(*v) + " is older than " +
                 std::to_string(latest_schema_version()) + ": run `tickstockapp migrate`");
      } else {
        log.info("PostgreSQL schema version " + std::to_string(*v));
        if (*v == latest_schema_version()) store = true;
      }
    }
  }
  if (!redis.empty()) {
    if (auto address = parse_redis_url(redis)) {  // a bad URL was reported already
      auto ok = check_redis(*address);
      log.info(std::string("Redis ") + redact_url(redis) + ": " +
               (ok ? "reachable" : "NOT reachable (" + ok.error().message + ")"));
    }
  }
  return store;
}

// Why the Redis publisher drops, with what to do about it.
std::string redis_drop_hint(std::size_t buffer) {
  return "; raise --redis-buffer (now " + std::to_string(buffer) +
         ") to ride out longer Redis outages or bursts";
}

// The exit summary of the Redis publisher; an error line when anything was not published,
// saying why.
void report_redis(const RedisSinkStats& st, std::size_t buffer, Log& log) {
  std::string line =
      "redis: " + std::to_string(st.accepted) + " events: " + std::to_string(st.published) +
      " published (" + std::to_string(st.messages) + " messages, " +
      std::to_string(st.stream_entries) + " stream entries), " + std::to_string(st.dropped) +
      " dropped, " + std::to_string(st.failed) + " failed, " + std::to_string(st.backlog) +
      " not published; " + std::to_string(st.reconnects) + " reconnects, " +
      std::to_string(st.connection_errors) + " connection errors";
  if (st.dropped + st.failed + st.backlog == 0) return log.info(line);
  if (st.dropped_buffer_full > 0)
    line += " (" + std::to_string(st.dropped_buffer_full) + " dropped: buffer full" +
            redis_drop_hint(buffer) + ")";
  if (st.dropped_reports_full > 0)
    line += " (" + std::to_string(st.dropped_reports_full) + " reports dropped: queue full)";
  if (!st.last_error.empty()) line += " (last error: " + redact_url(st.last_error) + ")";
  log.error(line);
}

// " (too_late 3, bad_price 1)" for the non-zero reject counters.
std::string reject_detail(const AggregatorStats& st) {
  std::string out;
  for (int i = 0; i < kTickRejectCount; ++i) {
    if (st.rejected[i] == 0) continue;
    out += (out.empty() ? " (" : ", ") + std::string(tick_reject_name(static_cast<TickReject>(i))) +
           " " + std::to_string(st.rejected[i]);
  }
  return out.empty() ? out : out + ")";
}

// How many symbols the run took, and how many records it refused for --max-symbols.
void log_symbols(const SymbolTable& symbols, Log& log) {
  const std::string line = "symbols: " + std::to_string(symbols.size()) + " of at most " +
                           std::to_string(symbols.capacity()) + " (--max-symbols), " +
                           std::to_string(symbols.refused()) +
                           " records with a new symbol refused beyond it";
  if (symbols.refused() > 0) {
    log.warn(line);
  } else {
    log.info(line);
  }
}

// Polygon's trade condition rules replace the built-in ones when the reference can be read.
void load_condition_reference(const RestOptions& ro, ConditionTable& conditions, Log& log) {
  PolygonRest rest(ro, log);
  auto t = rest.conditions();
  if (!t) {
    log.warn("polygon: trade condition rules: using the built-in table (" + t.error().message +
             ")");
    return;
  }
  conditions = *t;
  log.info("polygon: trade condition rules from Polygon's reference (" +
           std::to_string(conditions.size()) + " codes)");
}

// The gap backfill before live trades (see polygon/gap_backfill.h); failures are logged.
void run_gap_backfill(const std::string& url, const RestOptions& ro,
                      const std::vector<std::string>& universe, long long max_hours, Timestamp now,
                      SymbolTable& symbols, FeedQueue& q, const std::atomic<bool>& stop, Log& log) {
  GapBackfillOptions o;
  o.database_url = url;
  o.symbols = universe;
  o.now = now;
  o.max_gap = max_hours * kNanosPerHour;
  PolygonRest rest(ro, log);
  auto r = backfill_gaps(o, rest, symbols, q, stop, log);
  if (!r) {
    log.error("gap backfill: " + r.error().message + "; live trades only");
    return;
  }
  log.info("gap backfill: " + std::to_string(r->bars) + " minute bars of " +
           std::to_string(r->symbols) + " symbols fetched before live trades (" +
           std::to_string(r->failed) + " failed, " + std::to_string(rest.stats().requests) +
           " requests)");
}

// What make_feed() needs besides the settings, already parsed and validated.
struct FeedContext {
  double speed;
  long long symbols;
  long long seed;
  long long minutes;
  Scenario scenario;
  Timestamp lateness;
  Timestamp max_future;  // live feeds: how far ahead of the wall clock event time may be
  const std::optional<RedisSettings>& redis;
  ConditionTable& conditions;  // Polygon's trade conditions (from its reference when asked)
  bool& gap_fill;              // read when the feed starts: whether to backfill missed minutes
  PolygonFeed*& polygon;       // set to the feed when it is Polygon's
};

// The feed --feed names; the error says what is wrong with the setting.
Result<std::unique_ptr<Feed>> make_feed(const Settings& s, const FeedContext& c,
                                        SymbolTable& symbols, const Clock& wall,
                                        ErrorReporter& errors, Log& log,
                                        std::atomic<std::uint64_t>& connection_errors) {
  const std::string& spec = s.get("--feed");
  if (spec == "synthetic") {
    if (static_cast<std::size_t>(c.symbols) > symbols.capacity())
      return fail("--synthetic-symbols ", std::to_string(c.symbols), " is more than --max-symbols ",
                  std::to_string(symbols.capacity()));
    SyntheticOptions o;
    o.seed = static_cast<std::uint64_t>(c.seed);
    o.symbols = static_cast<int>(c.symbols);
    o.scenario = c.scenario;
    o.inject_patterns = !s.on("--no-inject");
    o.speed = c.speed;
    o.minutes = c.minutes;
    return std::unique_ptr<Feed>(std::make_unique<SyntheticFeed>(o, symbols, wall));
  }
  if (spec.rfind("replay:", 0) == 0 && spec.size() > 7) {
    ReplayOptions o;
    o.path = spec.substr(7);
    o.speed = c.speed;
    o.lateness = c.lateness;
    return std::unique_ptr<Feed>(std::make_unique<ReplayFeed>(o, symbols, log));
  }
  if (spec == "redis") {
    if (!c.redis) return fail("--feed redis: set REDIS_URL, --redis-url or --redis-host");
    const RedisChannels channels(c.redis->sink.prefix);
    SubscriptionOptions o;
    o.name = "redis feed";
    o.subscriber = subscriber_options(c.redis->address);
    o.subscriber.channels = {channels.ticks_raw, channels.ticks_legacy};
    return std::unique_ptr<Feed>(std::make_unique<RedisFeed>(o, symbols, wall, c.max_future, errors,
                                                             log, connection_errors));
  }
  if (spec == "polygon") {
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
    if (cond == "reference") load_condition_reference(*ro, c.conditions, log);
    if (*max_hours > 0) {
      po->before_live = [&s, &symbols, &log, &wall, &gap_fill = c.gap_fill, ro = *ro,
                         hours = *max_hours,
                         universe = po->symbols](FeedQueue& q, const std::atomic<bool>& stop) {
        if (gap_fill)
          run_gap_backfill(s.get("--database-url"), ro, universe, hours, wall.now(), symbols, q,
                           stop, log);
      };
    }
    po->max_future = c.max_future;
    auto pf =
        std::make_unique<PolygonFeed>(std::move(*po), symbols, c.conditions, wall, errors, log);
    c.polygon = pf.get();
    return std::unique_ptr<Feed>(std::move(pf));
  }
  return fail("--feed '", spec, "': expected synthetic, replay:FILE, polygon or redis");
}

}  // namespace

int run_serve(int argc, char** argv, Log& log) {
  // Block SIGINT/SIGTERM in every thread; one thread waits for them with sigwait.
  // A shell may start us with SIGINT ignored (background job); take it back so sigwait sees it.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  auto sets = take_sets(argc, argv);
  if (!sets) {
    log.error(sets.error().message);
    return 2;
  }
  Settings s;
  declare(s);
  if (auto r = s.parse(argc, argv); !r) {
    log.error(r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp serve [--feed synthetic|replay:FILE|polygon|redis] [--speed max|N]\n"
        "                          [--exit-on-eof] [--http 127.0.0.1:8080]\n"
        "                          [--patterns all|NAME,...] [--set NAME.param=value]...\n"
        "                          [--indicator-events] [--no-bar-events]\n"
        "                          [--redis-url URL] [--redis-prefix P] [--redis-bars]\n"
        "                          [--redis-stream-maxlen N]\n"
        "                          [--symbols LIST|* | --symbols-file FILE | --universe GROUP]\n\n"
        "Runs the engine on a feed and prints, as JSON lines on stdout, every closed bar and\n"
        "the scanner's pattern, alert (and indicator) events for it; with Redis configured it\n"
        "also publishes them there (docs/redis-events.md).\n"
        "--feed polygon streams Polygon.io (Massive) trades; its API key is read from the\n"
        "environment variable POLYGON_API_KEY only and never logged.\n"
        "Settings: flag, then environment, then default.\n\n%s\n%s",
        s.help().c_str(), kSetHelp);
    return 0;
  }
  auto speed = parse_speed(s.get("--speed"));
  auto nsym = s.get_int("--synthetic-symbols", 1, 100000);
  auto seed = s.get_int("--seed", 0, INT64_MAX);
  auto minutes = s.get_int("--synthetic-minutes", 0, 100'000'000);
  auto aopt = aggregator_options(s);
  auto qb = s.get_int("--queue-batches", 1, 1'000'000);
  auto max_symbols = s.get_int("--max-symbols", 1, 100'000'000);
  auto max_future = s.get_int("--max-future-ms", 0, 366LL * 24 * 3'600'000);
  auto scenario = parse_scenario(s.get("--scenario"));
  auto sopt = scanner_options(s, *sets);
  auto rcfg = redis_settings(s);
  auto wcfg = web_settings(s);
  for (const Error* e :
       {wcfg ? nullptr : &wcfg.error(), speed ? nullptr : &speed.error(),
        nsym ? nullptr : &nsym.error(), seed ? nullptr : &seed.error(),
        minutes ? nullptr : &minutes.error(), aopt ? nullptr : &aopt.error(),
        qb ? nullptr : &qb.error(), sopt ? nullptr : &sopt.error(),
        max_symbols ? nullptr : &max_symbols.error(), max_future ? nullptr : &max_future.error(),
        rcfg ? nullptr : &rcfg.error()}) {
    if (e != nullptr) {
      log.error(e->message);
      return 2;
    }
  }
  if (!scenario) {
    log.error("--scenario '" + s.get("--scenario") +
              "': expected normal, volatile, crash, rally or opening-bell");
    return 2;
  }

  SymbolTable symbols(static_cast<std::size_t>(*max_symbols));
  SystemClock wall;
  std::atomic<std::uint64_t> inbound_connection_errors{0};  // redis feed and job listener
  ErrorReporter errors(log);  // to the log, and to Redis once the sink exists
  ConditionTable conditions = ConditionTable::builtin();
  bool gap_fill = false;           // set once it is known that this run stores into the database
  PolygonFeed* polygon = nullptr;  // the feed, when it is Polygon's
  FeedContext fc{*speed,
                 *nsym,
                 *seed,
                 *minutes,
                 *scenario,
                 aopt->allowed_lateness,
                 *max_future * 1'000'000,
                 *rcfg,
                 conditions,
                 gap_fill,
                 polygon};
  auto made = make_feed(s, fc, symbols, wall, errors, log, inbound_connection_errors);
  if (!made) {
    log.error(made.error().message);
    return 2;
  }
  std::unique_ptr<Feed> feed = std::move(*made);
  log.info("feed: " + feed->describe());
  warn_unread_universe(s, log);
  const bool store = report_services(s, log);
  gap_fill = store;

  ManualClock engine_clock(0);
  // Bars, then the scanner's events for each bar, all on the engine thread and one stdout;
  // with a database whose schema is current, also into PostgreSQL (from the sink's thread).
  JsonLinesBarSink out(stdout);
  JsonLinesScanSink events(stdout, s.on("--indicator-events"));
  std::unique_ptr<PgSink> pg;
  if (store) {
    auto po = pg_sink_options(s, s.get("--database-url"), errors, log);
    if (!po) {
      log.error(po.error().message);
      return 2;
    }
    // Fails when another process stores into this database from the same spill directory.
    auto sink = PgSink::open(*po);
    if (!sink) {
      log.error(sink.error().message);
      return 2;
    }
    pg = std::move(*sink);
    log.info(std::string("PostgreSQL: storing bars, pattern detections") +
             (po->store_indicators ? " and indicator values" : "") +
             (po->spill_path.empty() ? "" : "; spill file " + po->spill_path));
  } else if (!s.get("--database-url").empty()) {
    log.warn("PostgreSQL: not storing anything (schema not current or database unreachable)");
  }
  // With Redis: every event is also published from the sink's own thread, and problems go to
  // <prefix>:errors as well as to the log.
  std::unique_ptr<RedisSink> redis;
  if (*rcfg) {
    const RedisSettings& rc = **rcfg;
    RedisSinkOptions ro = rc.sink;
    ro.on_drop = [&errors, buffer = ro.buffer_capacity](const std::string& why) {
      errors.report(Severity::Error, "redis", "Redis publisher: " + why + redis_drop_hint(buffer));
    };
    redis = std::make_unique<RedisSink>(std::move(ro), wall);
    errors.attach(redis.get());
    log.info("Redis: publishing events under the prefix '" + rc.sink.prefix + "'" +
             (rc.sink.stream_maxlen > 0
                  ? " and to the stream " + redis->channels().stream + " (MAXLEN ~ " +
                        std::to_string(rc.sink.stream_maxlen) + ")"
                  : std::string()));
  }
  // The dashboard takes a copy of every event from the engine thread (never blocking it).
  std::unique_ptr<Dashboard> dashboard;
  if (*wcfg) {
    if (!s.get("--database-url").empty() && !store)
      log.warn(
          "http: the database's schema is not current: dashboard accounts and data are in "
          "memory for this run (run `tickstockapp migrate`)");
    dashboard = std::make_unique<Dashboard>(**wcfg, store ? s.get("--database-url") : "", log);
  }
  ScanFanOut scan_sinks;
  scan_sinks.add(events);
  if (dashboard) scan_sinks.add(dashboard->events());
  if (pg) scan_sinks.add(*pg);
  if (redis) scan_sinks.add(*redis);
  Scanner scanner(*sopt, scan_sinks);
  BarCounter bar_count;
  BarFanOut bars;
  AmCrossCheck am_check(log);  // Polygon's AM bars against ours
  if (polygon != nullptr) bars.add(am_check.ours());
  if (!s.on("--no-bar-events")) bars.add(out);
  if (pg) bars.add(*pg);
  if (redis && (*rcfg)->sink.publish_bars) bars.add(*redis);
  bars.add(bar_count);
  if (dashboard) bars.add(dashboard->events());
  bars.add(scanner);
  BarAggregator agg(*aopt, engine_clock, bars);
  if (pg) warm_start_from(s, *pg, symbols, scanner, agg, log);
  FeedQueue queue(static_cast<std::size_t>(*qb));
  EngineRunner engine(queue, engine_clock, agg);
  if (dashboard) {
    dashboard->events().set_deferred(true);
    engine.on_batch_done([&d = *dashboard] { d.events().publish(); });
  }
  FeedLag lag;
  if (polygon != nullptr) {
    engine.set_vendor_bars(&am_check.vendor());
    engine.set_lag_recorder(&wall, &lag);
  }
  std::atomic<bool> stop_feed{false}, stop_engine{false}, feed_running{true};
  Result<void> feed_result;
  std::unique_ptr<JobListener> jobs;
  if (redis && !s.on("--redis-no-jobs")) {
    JobListenerOptions jo;
    jo.subscription.name = "job listener";
    jo.subscription.subscriber = subscriber_options((*rcfg)->address);
    jo.channels = redis->channels();
    if (store) jo.database_url = s.get("--database-url");
    jobs = std::make_unique<JobListener>(jo, *redis, errors, log, inbound_connection_errors);
    jobs->start();
    log.info(std::string("jobs: taking requests on ") + jo.channels.jobs_backtest + " and " +
             jo.channels.jobs_data_load + (store ? ", stored in the jobs table" : ", not stored"));
  }
  FeedMonitorSource monitor_source(*feed, pg.get());
  MonitorSources ms;
  ms.source = &monitor_source;
  ms.engine = &engine;
  ms.queue = &queue;
  ms.bars = &bar_count;
  ms.feed_running = &feed_running;
  ms.inbound_connection_errors = &inbound_connection_errors;
  Monitor monitor(ms, redis.get(), log,
                  redis ? (*rcfg)->metrics_interval : std::chrono::milliseconds(5000));
  if (redis) monitor.start();
  if (dashboard) {
    WebSources src;
    src.monitor = &monitor;
    src.feed = feed.get();
    src.feed_running = &feed_running;
    src.redis = redis.get();
    src.pg = pg.get();
    src.database_url = store ? s.get("--database-url") : "";
    if (polygon != nullptr) {
      src.feed_symbols = [polygon] { return polygon->subscribed(); };
      src.set_feed_symbols = [polygon](std::vector<std::string> v) {
        polygon->set_symbols(std::move(v));
      };
    }
    if (auto r = dashboard->start(src); !r) {
      log.error(r.error().message);
      return 2;
    }
    const WebSettings& wc = **wcfg;
    log.info(std::string("http: listening on ") + (dashboard->tls() ? "https://" : "http://") +
             (wc.server.host.find(':') != std::string::npos ? "[" + wc.server.host + "]"
                                                            : wc.server.host) +
             ":" + std::to_string(dashboard->port()) +
             (wc.app.web_root.empty() ? " (no web files found: API only)"
                                      : "; UI from " + wc.app.web_root.string()) +
             (store ? "; accounts in PostgreSQL" : "; accounts in memory"));
  }

  std::thread feed_thread([&] {
    feed_result = feed->run(queue, stop_feed);
    feed_running = false;
    queue.close();
  });
  std::thread engine_thread([&] { engine.run(stop_engine); });
  // Wait for a signal, or for the engine to finish a finite feed.
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    if (sig == SIGUSR1) return;  // woken up because the run ended by itself
    log.info(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
             ": stopping the feed, closing open bars and flushing");
    stop_feed = true;
    queue.close();
  });
  feed_thread.join();
  if (!s.on("--exit-on-eof") && feed_result.has_value() && !stop_feed.load()) {
    log.info("feed ended; waiting for Ctrl-C (use --exit-on-eof to exit at the end of a replay)");
  }
  engine_thread.join();
  if (!stop_feed.load() && !s.on("--exit-on-eof") && feed_result.has_value()) {
    // Keep running (services would keep serving) until a signal arrives; a feed that failed
    // ends the run.
    signal_thread.join();
  } else {
    pthread_kill(signal_thread.native_handle(), SIGUSR1);
    signal_thread.join();
  }
  if (dashboard) {
    dashboard->stop();  // lets requests in progress finish
    log.info("http: stopped");
  }
  const auto& st = agg.stats();
  std::uint64_t refused = 0;
  for (auto r : st.rejected) refused += r;
  log.info("done: " + std::to_string(feed->stats().items.load()) + " feed items (" +
           std::to_string(st.ticks_in) + " trades and bars taken), " +
           std::to_string(st.ticks_used) + " ticks used, " + std::to_string(out.written()) +
           " bars written, " + std::to_string(st.revisions) + " revisions, " +
           std::to_string(refused) + " ticks refused" + reject_detail(st) + ", " +
           std::to_string(feed->stats().bad_records.load()) + " bad input records, " +
           std::to_string(queue.dropped_items()) + " items dropped at the queue");
  log_symbols(symbols, log);
  if (st.resumes_dropped > 0)
    log.info("warm start: " + std::to_string(st.resumes_dropped) +
             " symbols were replayed from before their stored bars; their open bars were rebuilt "
             "from the feed");
  if (st.carried_kept > 0)
    log.info("warm start: " + std::to_string(st.carried_kept) +
             " open bars carried over by the warm start took nothing in this run and were left "
             "open (not emitted); the next start resumes them");
  const ScannerStats sc = scanner.stats();
  log.info("scanner: " + std::to_string(sc.bars) + " bars scanned, " +
           std::to_string(sc.revisions) + " revisions, " + std::to_string(sc.stale_revisions) +
           " stale revisions, " + std::to_string(sc.replayed_bars) +
           " bars not newer than their series' newest (replayed, not scanned), " +
           std::to_string(sc.patterns) + " patterns, " + std::to_string(sc.alerts) + " alerts, " +
           std::to_string(sc.retractions) + " retractions");
  if (polygon != nullptr) {
    log_polygon_summary(*polygon, log);
    log.info("feed lag (frame received -> bars updated): p50 <= " +
             std::to_string(lag.quantile_us(0.5)) +
             " us, p99 <= " + std::to_string(lag.quantile_us(0.99)) + " us, max " +
             std::to_string(lag.max_ns() / 1000) + " us over " + std::to_string(lag.count()) +
             " frames");
    log.info("AM cross-check: " + std::to_string(am_check.compared()) +
             " minutes compared with Polygon's AM bars, " + std::to_string(am_check.disagreed()) +
             " disagreed");
  }
  if (jobs) {
    jobs->stop();
    const JobListenerStats& js = jobs->stats();
    log.info("jobs: " + std::to_string(js.accepted.load()) + " accepted (" +
             std::to_string(js.stored.load()) + " stored), " + std::to_string(js.rejected.load()) +
             " rejected");
  }
  monitor.stop();  // with Redis, its last health report says "stopping"
  if (pg) {
    pg->close();  // writes what is left (or keeps it in the spill file), then stops
    log_pg_summary(pg->stats(), pg->refused_path(), errors, log);
  }
  if (!feed_result.has_value())
    errors.report(Severity::Critical, "feed", feed_result.error().message);
  if (redis) {
    if (redis->stats().connected)
      (void)redis->flush_for((*rcfg)->sink.flush_timeout);  // last reports
    errors.attach(nullptr);
    report_redis(redis->stats(), (*rcfg)->sink.buffer_capacity, log);
  }
  return feed_result.has_value() ? 0 : 1;
}

}  // namespace tickstock::app
