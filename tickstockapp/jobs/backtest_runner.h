// Runs the backtest jobs stored in the jobs table, one at a time, on a thread of its own (and the
// backtest's workers), so the engine thread never waits for it. A job is claimed with
// SKIP LOCKED, so several serve processes can share the queue; its progress and heartbeat go to
// the row every few seconds, where cancel_requested is read; progress and the result are
// published on Redis when a sink is given; files go to <dir>/<job id>/. A job left running by a
// crash (heartbeat older than 30 s) is queued again at start, at most 3 times.
#ifndef TICKSTOCKAPP_JOBS_BACKTEST_RUNNER_H_
#define TICKSTOCKAPP_JOBS_BACKTEST_RUNNER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tickstock/backtest.h"
#include "tickstock/redis_sink.h"

#include "base/log.h"
#include "db/pg_util.h"

namespace tickstock::app {

struct BacktestRunnerOptions {
  std::string database_url;
  std::string dir = "var/backtests";          // --backtest-dir: files of job N in DIR/N
  int threads = 1;                            // --backtest-threads
  std::chrono::milliseconds poll{1000};       // how often the queue is looked at when idle
  std::chrono::milliseconds heartbeat{1000};  // progress, heartbeat and cancel check
};

// Counters; read from any thread.
struct BacktestRunnerStats {
  std::atomic<std::uint64_t> done{0}, failed{0}, cancelled{0}, requeued{0};
  // serve's exit summary line.
  std::string summary() const;
};

class BacktestRunner {
 public:
  // `events` may be null (no Redis). REQUIRES: events and log outlive the runner.
  BacktestRunner(BacktestRunnerOptions options, RedisSink* events, Log& log);
  ~BacktestRunner();  // stop()
  BacktestRunner(const BacktestRunner&) = delete;
  BacktestRunner& operator=(const BacktestRunner&) = delete;

  void start();
  // Stops and joins; a job still running is put back in the queue.
  void stop();
  const BacktestRunnerStats& stats() const { return stats_; }

 private:
  struct Job {
    std::int64_t id = 0;
    std::string params, request_id;
  };
  void run();
  bool connect();
  void requeue_stale();
  std::optional<Job> claim();
  void run_job(const Job& job);
  void on_progress(const Job& job, const BacktestRunProgress& p);
  void finish(const Job& job, const std::string& status, const std::string& error,
              const BacktestReport* report, const std::string& dir);
  bool wait(std::chrono::milliseconds d);  // false when stopping

  BacktestRunnerOptions options_;
  RedisSink* events_;
  Log& log_;
  BacktestRunnerStats stats_;
  std::optional<PgConn> conn_;
  std::atomic<bool> stop_{false}, cancel_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
  std::chrono::steady_clock::time_point last_beat_{}, last_event_{};
  double last_progress_ = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_BACKTEST_RUNNER_H_
