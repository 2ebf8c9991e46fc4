// Everything one `serve` run owns, and the order it starts and stops it in:
//
//   feed thread -> FeedQueue -> engine thread (EngineRunner -> BarAggregator -> bar fan-out:
//   JSON lines, PgSink, RedisSink, dashboard, Scanner -> scan fan-out: the same sinks)
//
// plus the dashboard, the monitor and the job listener around it. start() makes and starts
// them (the feed first: whether the run stores is known only once services are probed);
// stop() asks the feed to end from any thread; wait() returns once the engine has drained the
// queue and closed every open bar; finish() stops the rest in the order written there and
// prints the exit summaries. The signal handling stays with the command (cli/serve_command).
#ifndef TICKSTOCKAPP_RUNTIME_SERVE_RUNTIME_H_
#define TICKSTOCKAPP_RUNTIME_SERVE_RUNTIME_H_

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/clock.h"
#include "tickstock/pg_sink.h"
#include "tickstock/redis_sink.h"
#include "tickstock/scanner.h"
#include "tickstock/sink.h"

#include "base/error_reporter.h"
#include "base/log.h"
#include "engine/engine_runner.h"
#include "engine/feed_lag.h"
#include "engine/feed_queue.h"
#include "engine/monitor.h"
#include "feeds/feed.h"
#include "feeds/feed_control.h"
#include "feeds/feed_monitor_source.h"
#include "jobs/backtest_runner.h"
#include "jobs/data_load_runner.h"
#include "jobs/job_listener.h"
#include "polygon/am_cross_check.h"
#include "polygon/conditions.h"
#include "polygon/polygon_feed.h"
#include "runtime/serve_config.h"
#include "sinks/bar_output.h"
#include "sinks/scan_output.h"
#include "web/dashboard.h"

namespace tickstock::app {

// What a caller (tests) puts in place of, or next to, what the config would make.
struct ServeHooks {
  std::unique_ptr<Feed> feed;           // null: the feed config.feed names
  FeedControl* feed_control = nullptr;  // the injected feed's controls, when it has any
  std::FILE* out = stdout;              // the JSON lines of bars and events
  // Also receive every bar / every scanner event, on the engine thread, after the built-in
  // sinks. REQUIRES: they outlive the runtime.
  std::vector<BarSink*> bar_sinks;
  std::vector<ScanSink*> scan_sinks;
};

class ServeRuntime {
 public:
  // REQUIRES: log outlives the runtime.
  ServeRuntime(ServeConfig config, Log& log, ServeHooks hooks = {});
  // Stops and joins whatever still runs (an error from start(), or finish() not called).
  ~ServeRuntime();
  ServeRuntime(const ServeRuntime&) = delete;
  ServeRuntime& operator=(const ServeRuntime&) = delete;

  // Makes the feed, probes the services, opens the sinks, starts the job listener, the
  // monitor, the dashboard and then the feed and engine threads. An error (serve exits 2)
  // leaves nothing running that the destructor would not stop.
  Result<void> start();
  // Asks the feed to end and closes the queue; the engine drains it, closes every open bar
  // and flushes. Any thread (the signal thread); idempotent.
  void stop();
  // Returns once the feed and the engine threads have ended. Once.
  void wait();
  // After wait(): true when the run should go on serving until a signal (the feed ended by
  // itself without --exit-on-eof); false when it stopped, failed or --exit-on-eof.
  bool keeps_serving() const;
  // Stops the dashboard, the job listener, the monitor and the sinks in order, logging each
  // summary; the exit code (0, or 1 when the feed failed). After wait(); once.
  int finish();

  // The running feed's controls (null for feeds without any). Valid after start().
  FeedControl* feed_control() const { return control_; }
  // Whether this run stores into PostgreSQL (known after start()).
  bool stores() const { return store_; }
  Dashboard* dashboard() const { return dashboard_.get(); }

 private:
  void open_feed();
  bool probe_services();
  Result<void> open_pg();
  void open_redis();
  void make_dashboard();
  void build_engine();
  void start_jobs();
  JobRunner::Notify job_notify();
  void start_backtests();
  void start_data_loads();
  void make_monitor();
  Result<void> start_dashboard();
  void start_threads();
  void log_summaries();

  ServeConfig cfg_;
  Log& log_;
  ServeHooks hooks_;
  // Declared in the order they are needed; destroyed in reverse, so that nothing outlives
  // what it points to.
  SymbolTable symbols_;
  SystemClock wall_;
  std::atomic<std::uint64_t> inbound_connection_errors_{0};  // redis feed and job listener
  ErrorReporter errors_;  // to the log, and to Redis once the sink exists
  ConditionTable conditions_ = ConditionTable::builtin();
  std::unique_ptr<Feed> feed_;
  PolygonFeed* polygon_ = nullptr;  // the feed, when it is Polygon's
  FeedControl* control_ = nullptr;
  bool store_ = false;  // the database's schema is current (or it is unreachable for now)
  ManualClock engine_clock_{0};
  JsonLinesBarSink out_;
  JsonLinesScanSink events_;
  std::unique_ptr<PgSink> pg_;
  std::unique_ptr<RedisSink> redis_;
  std::unique_ptr<Dashboard> dashboard_;
  ScanFanOut scan_sinks_;
  std::unique_ptr<Scanner> scanner_;
  BarCounter bar_count_;
  BarFanOut bars_;
  AmCrossCheck am_check_;  // Polygon's AM bars against ours
  std::unique_ptr<BarAggregator> agg_;
  std::unique_ptr<FeedQueue> queue_;
  std::unique_ptr<EngineRunner> engine_;
  FeedLag lag_;
  std::atomic<bool> stop_feed_{false}, stop_engine_{false}, feed_running_{true};
  Result<void> feed_result_;
  std::unique_ptr<JobListener> jobs_;
  std::unique_ptr<BacktestRunner> backtests_;
  std::unique_ptr<DataLoadRunner> data_loads_;
  std::unique_ptr<FeedMonitorSource> monitor_source_;  // read by monitor_: outlives it
  std::unique_ptr<Monitor> monitor_;
  std::thread feed_thread_, engine_thread_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_RUNTIME_SERVE_RUNTIME_H_
