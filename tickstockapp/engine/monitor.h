// serve's counters and health, read only from thread-safe counters (for /metrics, /ready and
// Redis). With Redis it publishes them on <prefix>:monitoring and <prefix>.health.status every
// interval, from a thread of its own, and logs when the publisher's connection to Redis goes
// down or comes back.
#ifndef TICKSTOCKAPP_ENGINE_MONITOR_H_
#define TICKSTOCKAPP_ENGINE_MONITOR_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "tickstock/pg_sink.h"
#include "tickstock/redis_sink.h"

#include "base/log.h"
#include "engine/engine_runner.h"
#include "engine/feed_queue.h"
#include "engine/monitor_source.h"
#include "redis/reports.h"

namespace tickstock::app {

// Counts bars on the engine thread into an atomic others may read.
class BarCounter final : public BarSink {
 public:
  void on_bar(const Bar& /*bar*/) override { bars_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t bars() const { return bars_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> bars_{0};
};

// What the monitor reads. REQUIRES: all outlive the monitor.
struct MonitorSources {
  const MonitorSource* source = nullptr;  // the feed's and the database writer's figures
  const EngineRunner* engine = nullptr;
  FeedQueue* queue = nullptr;
  const BarCounter* bars = nullptr;
  const std::atomic<bool>* feed_running = nullptr;
  const std::atomic<std::uint64_t>* inbound_connection_errors = nullptr;  // feed and jobs
};

class Monitor {
 public:
  // REQUIRES: `redis` (may be null: no Redis), `log` and the sources outlive the monitor.
  Monitor(MonitorSources sources, RedisSink* redis, Log& log, std::chrono::milliseconds interval);
  // Stops the thread (see stop()).
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Publishes the health now, then metrics and health every interval. REQUIRES: Redis.
  void start();
  // Stops the thread and publishes the health as "stopping". Idempotent.
  void stop();

  // The current counters and health; metrics() also measures ticks_per_s since its last call
  // (monitor thread only), counters() leaves it 0 (any thread).
  MetricsReport metrics();
  MetricsReport counters() const;
  HealthReport health(const char* status_override = nullptr);

 private:
  void run();
  void log_connection_change(const RedisSinkStats& st);
  double uptime_s() const;

  MonitorSources src_;
  RedisSink* redis_;
  Log& log_;
  std::chrono::milliseconds interval_;
  bool was_connected_ = false;  // monitor thread only
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_at_ = started_;  // monitor thread only
  std::uint64_t last_ticks_ = 0;                              // monitor thread only
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_ENGINE_MONITOR_H_
