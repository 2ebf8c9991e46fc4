// Takes job requests from tickstock.jobs.backtest and tickstock.jobs.data_load: validates each,
// stores it in the jobs table when a database is configured, and answers on tickstock.jobs.ack
// with the job's id (or why it was rejected). Runs on a thread of its own.
#ifndef TICKSTOCKAPP_JOBS_JOB_LISTENER_H_
#define TICKSTOCKAPP_JOBS_JOB_LISTENER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "tickstock/redis_sink.h"

#include "base/error_reporter.h"
#include "base/log.h"
#include "feeds/subscription_loop.h"
#include "redis/reports.h"

namespace tickstock::app {

struct JobListenerOptions {
  SubscriptionOptions subscription;  // the server; channels are set from `channels`
  RedisChannels channels;            // jobs_backtest, jobs_data_load (and jobs_ack via the sink)
  std::string database_url;          // "" = acknowledge without storing
};

// Counters; read from any thread.
struct JobListenerStats {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> stored{0};
  std::atomic<std::uint64_t> rejected{0};
  // serve's exit summary line.
  std::string summary() const;
};

class JobListener {
 public:
  // REQUIRES: acks, errors, log and connection_errors outlive the listener.
  JobListener(JobListenerOptions options, RedisSink& acks, ErrorReporter& errors, Log& log,
              std::atomic<std::uint64_t>& connection_errors);
  ~JobListener();  // stop()
  JobListener(const JobListener&) = delete;
  JobListener& operator=(const JobListener&) = delete;

  void start();
  // Stops and joins the thread; idempotent.
  void stop();
  const JobListenerStats& stats() const { return stats_; }

 private:
  void run();

  JobListenerOptions options_;
  RedisSink& acks_;
  ErrorReporter& errors_;
  Log& log_;
  std::atomic<std::uint64_t>& connection_errors_;
  JobListenerStats stats_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_JOB_LISTENER_H_
