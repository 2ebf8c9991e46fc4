#include "runtime/serve_runtime.h"

#include <string>
#include <utility>

#include "runtime/serve_feed.h"
#include "runtime/serve_summary.h"
#include "settings/pg_settings.h"
#include "settings/polygon_settings.h"

namespace tickstock::app {

ServeRuntime::ServeRuntime(ServeConfig config, Log& log, ServeHooks hooks)
    : cfg_(std::move(config)),
      log_(log),
      hooks_(std::move(hooks)),
      symbols_(cfg_.max_symbols),
      errors_(log),
      out_(hooks_.out),
      events_(hooks_.out, cfg_.indicator_events),
      am_check_(log) {}

ServeRuntime::~ServeRuntime() {
  // Only when finish() was not reached (a failed start, a test that gave up): the threads
  // must not outlive what they use. The other parts stop in their destructors.
  if (feed_thread_.joinable() || engine_thread_.joinable()) {
    stop();
    wait();
  }
}

// The order matters: the feed first (its errors are the config's), then the services probe
// that decides whether this run stores (the gap backfill and PostgreSQL depend on it), the
// sinks, the engine over them, and only then what reads the engine's counters (jobs, monitor,
// dashboard) and the threads.
Result<void> ServeRuntime::start() {
  open_feed();
  store_ = probe_services();
  if (control_ != nullptr) control_->set_gap_fill(store_);
  if (auto r = open_pg(); !r) return r;
  open_redis();
  make_dashboard();
  build_engine();
  start_jobs();
  start_backtests();
  start_data_loads();
  make_monitor();
  if (auto r = start_dashboard(); !r) return r;
  start_threads();
  return {};
}

void ServeRuntime::open_feed() {
  if (hooks_.feed) {
    feed_ = std::move(hooks_.feed);
    control_ = hooks_.feed_control;
  } else {
    FeedDeps deps{symbols_, wall_, errors_, log_, inbound_connection_errors_, conditions_};
    MadeFeed made = make_serve_feed(cfg_, deps);
    feed_ = std::move(made.feed);
    polygon_ = made.polygon;
    control_ = made.control;
  }
  log_.info("feed: " + feed_->describe());
  if (cfg_.scanner.calibration)
    log_.info("scanner: confidence from " + std::to_string(cfg_.scanner.calibration->size()) +
              " backtest hit rates (--confidence-calibration); the formula for the rest");
  warn_unread_universe(cfg_.settings, log_);
}

// Bars, then the scanner's events for each bar, all on the engine thread: the JSON lines on
// one stdout, and a copy to each sink that exists. The scanner is the bar fan-out's last sink,
// so that every bar reaches the others before the events it causes.
void ServeRuntime::build_engine() {
  scan_sinks_.add(events_);
  if (dashboard_) scan_sinks_.add(dashboard_->events());
  if (pg_) scan_sinks_.add(*pg_);
  if (redis_) scan_sinks_.add(*redis_);
  for (ScanSink* s : hooks_.scan_sinks) scan_sinks_.add(*s);
  scanner_ = std::make_unique<Scanner>(cfg_.scanner, scan_sinks_);
  if (polygon_ != nullptr) bars_.add(am_check_.ours());
  if (cfg_.bar_events) bars_.add(out_);
  if (pg_) bars_.add(*pg_);
  if (redis_ && cfg_.redis->sink.publish_bars) bars_.add(*redis_);
  bars_.add(bar_count_);
  if (dashboard_) bars_.add(dashboard_->events());
  for (BarSink* s : hooks_.bar_sinks) bars_.add(*s);
  bars_.add(*scanner_);
  agg_ = std::make_unique<BarAggregator>(cfg_.aggregator, engine_clock_, bars_);
  if (pg_) warm_start_from(cfg_.settings, *pg_, symbols_, *scanner_, *agg_, log_);
  queue_ = std::make_unique<FeedQueue>(cfg_.queue_batches);
  engine_ = std::make_unique<EngineRunner>(*queue_, engine_clock_, *agg_);
  if (dashboard_) {
    // The dashboard takes each batch's events at once, from the engine thread.
    dashboard_->events().set_deferred(true);
    engine_->on_batch_done([&d = *dashboard_] { d.events().publish(); });
  }
  if (polygon_ != nullptr) {
    engine_->set_vendor_bars(&am_check_.vendor());
    engine_->set_lag_recorder(&wall_, &lag_);
  }
}

void ServeRuntime::start_threads() {
  // The feed closes the queue when it ends, so that the engine drains it and flushes.
  feed_thread_ = std::thread([this] {
    feed_result_ = feed_->run(*queue_, stop_feed_);
    feed_running_ = false;
    queue_->close();
  });
  engine_thread_ = std::thread([this] { engine_->run(stop_engine_); });
}

void ServeRuntime::stop() {
  stop_feed_ = true;
  if (queue_) queue_->close();  // wakes a feed blocked on a full queue
}

void ServeRuntime::wait() {
  if (feed_thread_.joinable()) feed_thread_.join();
  if (!cfg_.exit_on_eof && feed_result_.has_value() && !stop_feed_.load())
    log_.info("feed ended; waiting for Ctrl-C (use --exit-on-eof to exit at the end of a replay)");
  if (engine_thread_.joinable()) engine_thread_.join();
}

bool ServeRuntime::keeps_serving() const {
  // Services would keep serving; a feed that failed ends the run.
  return !stop_feed_.load() && !cfg_.exit_on_eof && feed_result_.has_value();
}

// The shutdown order, once the engine has flushed every bar into the sinks:
//  1. the dashboard, so that no request reads what is being stopped (requests in progress
//     finish);
//  2. the summaries of what the engine did (nothing changes them any more);
//  3. the job listener, which acknowledges through the Redis sink;
//  4. the monitor, whose last health report (through Redis) says "stopping";
//  5. PostgreSQL: writes what is left or keeps it in the spill file; its losses are reported
//     through the error reporter, which still publishes to Redis;
//  6. a failed feed, reported the same way;
//  7. Redis last: it carries the reports of all the above.
int ServeRuntime::finish() {
  if (dashboard_) {
    dashboard_->stop();
    log_.info("http: stopped");
  }
  log_summaries();
  if (jobs_) {
    jobs_->stop();
    log_.info(jobs_->stats().summary());
  }
  if (backtests_) {
    backtests_->stop();
    log_.info(backtests_->summary());
  }
  if (data_loads_) {
    data_loads_->stop();
    log_.info(data_loads_->summary());
  }
  if (monitor_) monitor_->stop();
  if (pg_) {
    pg_->close();
    log_pg_summary(pg_->stats(), pg_->refused_path(), errors_, log_);
  }
  if (!feed_result_.has_value())
    errors_.report(Severity::Critical, "feed", feed_result_.error().message);
  if (redis_) {
    if (redis_->stats().connected)
      (void)redis_->flush_for(cfg_.redis->sink.flush_timeout);  // last reports
    errors_.attach(nullptr);
    log_redis_summary(redis_->stats(), cfg_.redis->sink.buffer_capacity, log_);
  }
  return feed_result_.has_value() ? 0 : 1;
}

void ServeRuntime::log_summaries() {
  log_done_summary(feed_->stats(), agg_->stats(), out_.written(), queue_->dropped_items(), log_);
  log_symbols_summary(symbols_, log_);
  log_warm_start_summary(agg_->stats(), log_);
  log_scanner_summary(scanner_->stats(), log_);
  if (polygon_ != nullptr) {
    log_polygon_summary(*polygon_, log_);
    log_.info(lag_.summary());
    log_.info(am_check_.summary());
  }
}

}  // namespace tickstock::app
