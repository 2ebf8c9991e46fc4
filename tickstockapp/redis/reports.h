// The app's own Redis reports (schema version 1, docs/redis-events.md): the process's health and
// metrics, backtest progress and results, and the answers to job requests. Each becomes a
// RedisReport, published through RedisSink::publish like the library's error reports.
#ifndef TICKSTOCKAPP_REDIS_REPORTS_H_
#define TICKSTOCKAPP_REDIS_REPORTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tickstock/redis_events.h"
#include "tickstock/redis_sink.h"

namespace tickstock::app {

// tickstock.health.status: the state of the process and its parts.
struct HealthReport {
  std::string status = "healthy";  // healthy | starting | degraded | stopping
  TextFields components;           // e.g. {"redis", "connected"}, {"postgres", "off"}
  double uptime_s = 0;             // since the process started
};

// tickstock:monitoring: counters of the running process.
struct MetricsReport {
  double uptime_s = 0;                  // since the process started
  double ticks_per_s = 0;               // feed items per second over the last interval
  std::uint64_t ticks = 0;              // feed items so far
  std::uint64_t bars = 0;               // bars closed or revised so far
  std::uint64_t events_received = 0;    // feed items received
  std::uint64_t events_processed = 0;   // feed items the engine processed
  std::uint64_t events_forwarded = 0;   // events published to Redis
  std::uint64_t events_dropped = 0;     // items and events dropped anywhere (queues full)
  std::uint64_t connection_errors = 0;  // failed or broken connections to services
  std::vector<std::pair<std::string, std::uint64_t>> queue_depths;  // name -> items waiting
};

// tickstock.events.backtesting.progress.
struct BacktestProgress {
  std::int64_t job_id = 0;
  double progress = 0;  // [0, 1]
  std::string message;  // e.g. "AAPL: 1,204,311 of 24,500,000 bars"
  std::string request_id;
  std::string current_symbol;
  double elapsed_s = 0, eta_s = -1;  // eta -1 (null) until 1 % is done
  std::uint64_t bars_done = 0, bars_total = 0;
  std::uint32_t series_done = 0, series_total = 0;
  std::string job_type = "backtest";  // or data_load
};

// tickstock.events.backtesting.results.
struct BacktestResult {
  std::int64_t job_id = 0;
  std::string status = "done";                          // done | failed | cancelled
  std::vector<std::pair<std::string, double>> metrics;  // e.g. {"signals", 9078}
  std::string error;                                    // why it failed ("" otherwise)
  std::string request_id;
  std::string results = "null";  // a JSON object: signals, cells, significant, top
  std::string data_fingerprint;
  std::string job_type = "backtest";  // or data_load
};

// tickstock.jobs.ack: the answer to a job request.
struct JobAck {
  std::string request_id;   // the request's own id, echoed ("" when it had none)
  std::string job_type;     // backtest | data_load
  bool accepted = false;    // false: see error
  std::int64_t job_id = 0;  // the job's id (jobs.id when stored), 0 when rejected
  bool stored = false;      // written to the jobs table
  std::string error;        // why it was rejected (names the field)
};

// Each report as the RedisReport of its channel (the channels of `c`) and event type.
RedisReport redis_report(const RedisChannels& c, const HealthReport& r);
RedisReport redis_report(const RedisChannels& c, const MetricsReport& r);
RedisReport redis_report(const RedisChannels& c, const BacktestProgress& r);
RedisReport redis_report(const RedisChannels& c, const BacktestResult& r);
RedisReport redis_report(const RedisChannels& c, const JobAck& r);

// Publishes `r` on `sink`'s channel for it, from any thread.
template <class Report>
void publish_report(RedisSink& sink, const Report& r) {
  sink.publish(redis_report(sink.channels(), r));
}

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_REDIS_REPORTS_H_
