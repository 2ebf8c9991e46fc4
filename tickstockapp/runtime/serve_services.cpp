// ServeRuntime's parts around the engine: the services probe, the PostgreSQL and Redis sinks,
// the dashboard, the job listener and the monitor. Each is made in one function of its own.
#include <string>
#include <utility>

#include "base/redact.h"
#include "base/services.h"
#include "db/schema.h"
#include "runtime/serve_runtime.h"
#include "runtime/serve_summary.h"
#include "settings/pg_settings.h"
#include "settings/redis_settings.h"

namespace tickstock::app {

// Checks the configured services and says what this run will do with them. True (store) when
// the database's schema is this binary's, or when the database cannot be reached now (events
// wait in memory and the spill file until it is back).
bool ServeRuntime::probe_services() {
  const std::string& db = cfg_.database_url;
  const std::string& redis = cfg_.redis_url;
  if (db.empty() && redis.empty()) {
    log_.info("no DATABASE_URL or REDIS_URL: running entirely in memory");
    return false;
  }
  bool store = false;
  if (!db.empty()) {
    auto ok = check_postgres(db);
    log_.info(std::string("PostgreSQL ") + redact_url(db) + ": " +
              (ok ? "reachable" : "NOT reachable (" + ok.error().message + ")"));
    if (!ok) {
      log_.warn("PostgreSQL: events wait in memory and the spill file until it can be reached");
      store = true;
    } else {
      const auto v = schema_version(db);
      if (!v) {
        log_.warn("PostgreSQL schema: " + v.error().message);
      } else if (*v < latest_schema_version()) {
        log_.warn("PostgreSQL schema version " + std::to_string(*v) + " is older than " +
                  std::to_string(latest_schema_version()) + ": run `tickstockapp migrate`");
      } else {
        log_.info("PostgreSQL schema version " + std::to_string(*v));
        if (*v == latest_schema_version()) store = true;
      }
    }
  }
  if (!redis.empty()) {
    if (auto address = parse_redis_url(redis)) {  // a bad URL was reported already
      auto ok = check_redis(*address);
      log_.info(std::string("Redis ") + redact_url(redis) + ": " +
                (ok ? "reachable" : "NOT reachable (" + ok.error().message + ")"));
    }
  }
  return store;
}

// With a database whose schema is current, bars and events also go into PostgreSQL (from the
// sink's own thread).
Result<void> ServeRuntime::open_pg() {
  if (!store_) {
    if (!cfg_.database_url.empty())
      log_.warn("PostgreSQL: not storing anything (schema not current or database unreachable)");
    return {};
  }
  auto po = pg_sink_options(cfg_.settings, cfg_.database_url, errors_, log_);
  if (!po) return po.error();
  // Fails when another process stores into this database from the same spill directory.
  auto sink = PgSink::open(*po);
  if (!sink) return sink.error();
  pg_ = std::move(*sink);
  log_.info(std::string("PostgreSQL: storing bars, pattern detections") +
            (po->store_indicators ? " and indicator values" : "") +
            (po->spill_path.empty() ? "" : "; spill file " + po->spill_path));
  return {};
}

// With Redis: every event is also published from the sink's own thread, and problems go to
// <prefix>:errors as well as to the log.
void ServeRuntime::open_redis() {
  if (!cfg_.redis) return;
  const RedisSettings& rc = *cfg_.redis;
  RedisSinkOptions ro = rc.sink;
  ro.on_drop = [&errors = errors_, buffer = ro.buffer_capacity](const std::string& why) {
    errors.report(Severity::Error, "redis", "Redis publisher: " + why + redis_drop_hint(buffer));
  };
  redis_ = std::make_unique<RedisSink>(std::move(ro), wall_);
  errors_.attach(redis_.get());
  log_.info("Redis: publishing events under the prefix '" + rc.sink.prefix + "'" +
            (rc.sink.stream_maxlen > 0
                 ? " and to the stream " + redis_->channels().stream + " (MAXLEN ~ " +
                       std::to_string(rc.sink.stream_maxlen) + ")"
                 : std::string()));
}

// Made before the engine's fan-outs (they take its events()); started by start_dashboard().
// It takes a copy of every event from the engine thread, never blocking it.
void ServeRuntime::make_dashboard() {
  if (!cfg_.web) return;
  if (!cfg_.database_url.empty() && !store_)
    log_.warn(
        "http: the database's schema is not current: dashboard accounts and data are in "
        "memory for this run (run `tickstockapp migrate`)");
  dashboard_ = std::make_unique<Dashboard>(*cfg_.web, store_ ? cfg_.database_url : "", log_);
}

// The job runners' events for the dashboard: to the job owner's open WebSockets, as
// {"type": event_type, ...the Redis event's fields}.
JobRunner::Notify ServeRuntime::job_notify() {
  if (!dashboard_) return {};
  return [d = dashboard_.get()](std::int64_t user, const RedisReport& e) {
    d->send_to_user(user, "{\"type\":\"" + e.event_type + "\"" +
                              (e.members.empty() ? "" : "," + e.members) + "}");
  };
}

// The backtest runner, when this run stores into a database whose schema is current.
void ServeRuntime::start_backtests() {
  if (!store_ || !cfg_.backtests || cfg_.database_url.empty()) return;
  BacktestRunnerOptions o;
  o.database_url = cfg_.database_url;
  o.dir = cfg_.backtest_dir;
  o.threads = cfg_.backtest_threads;
  backtests_ = std::make_unique<BacktestRunner>(o, redis_.get(), log_);
  backtests_->set_notify(job_notify());
  backtests_->start();
  log_.info("backtests: running queued jobs on " + std::to_string(o.threads) +
            " thread(s), files in " + o.dir);
}

// The data-load runner, under the same conditions.
void ServeRuntime::start_data_loads() {
  if (!store_ || !cfg_.data_loads || cfg_.database_url.empty()) return;
  DataLoadRunnerOptions o;
  o.database_url = cfg_.database_url;
  o.rest = cfg_.data_load_rest;
  o.dir = cfg_.data_load_dir;
  data_loads_ = std::make_unique<DataLoadRunner>(o, redis_.get(), log_);
  data_loads_->set_notify(job_notify());
  data_loads_->start();
  log_.info("data loads: running queued jobs (Polygon" +
            std::string(o.rest.api_key.empty() ? " without POLYGON_API_KEY: those fail" : "") +
            "; files from " + o.dir + ")");
}

void ServeRuntime::start_jobs() {
  if (!redis_ || !cfg_.redis_jobs) return;
  JobListenerOptions jo;
  jo.subscription.name = "job listener";
  jo.subscription.subscriber = subscriber_options(cfg_.redis->address);
  jo.channels = redis_->channels();
  if (store_) jo.database_url = cfg_.database_url;
  jobs_ = std::make_unique<JobListener>(jo, *redis_, errors_, log_, inbound_connection_errors_);
  jobs_->start();
  log_.info(std::string("jobs: taking requests on ") + jo.channels.jobs_backtest + " and " +
            jo.channels.jobs_data_load + (store_ ? ", stored in the jobs table" : ", not stored"));
}

// The monitor reads the engine's counters; it publishes only with Redis, but the dashboard's
// /metrics reads it either way.
void ServeRuntime::make_monitor() {
  monitor_source_ = std::make_unique<FeedMonitorSource>(*feed_, pg_.get());
  MonitorSources ms;
  ms.source = monitor_source_.get();
  ms.engine = engine_.get();
  ms.queue = queue_.get();
  ms.bars = &bar_count_;
  ms.feed_running = &feed_running_;
  ms.inbound_connection_errors = &inbound_connection_errors_;
  monitor_ = std::make_unique<Monitor>(
      ms, redis_.get(), log_,
      redis_ ? cfg_.redis->metrics_interval : std::chrono::milliseconds(5000));
  if (redis_) monitor_->start();
}

Result<void> ServeRuntime::start_dashboard() {
  if (!dashboard_) return {};
  WebSources src;
  src.monitor = monitor_.get();
  src.feed = feed_.get();
  src.feed_running = &feed_running_;
  src.redis = redis_.get();
  src.pg = pg_.get();
  src.database_url = store_ ? cfg_.database_url : "";
  src.feed_control = control_;
  if (auto r = dashboard_->start(src); !r) return r;
  const WebSettings& wc = *cfg_.web;
  log_.info(std::string("http: listening on ") + (dashboard_->tls() ? "https://" : "http://") +
            (wc.server.host.find(':') != std::string::npos ? "[" + wc.server.host + "]"
                                                           : wc.server.host) +
            ":" + std::to_string(dashboard_->port()) +
            (wc.app.web_root.empty() ? " (no web files found: API only)"
                                     : "; UI from " + wc.app.web_root.string()) +
            (store_ ? "; accounts in PostgreSQL" : "; accounts in memory"));
  return {};
}

}  // namespace tickstock::app
