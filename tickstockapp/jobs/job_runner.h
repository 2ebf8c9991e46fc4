// The jobs table as a queue of one kind, and the thread that runs its jobs one at a time. A job
// is claimed with SKIP LOCKED, so several serve processes can share the queue; while it runs,
// heartbeat() writes its progress and heartbeat and reads cancel_requested; finish() stores the
// outcome. A job left running by a crash (heartbeat older than 30 s) is queued again at start,
// at most 3 times. BacktestRunner and DataLoadRunner are its kinds.
#ifndef TICKSTOCKAPP_JOBS_JOB_RUNNER_H_
#define TICKSTOCKAPP_JOBS_JOB_RUNNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tickstock/redis_sink.h"

#include "base/log.h"
#include "db/pg_util.h"
#include "redis/reports.h"

namespace tickstock::app {

// Counters; read from any thread.
struct JobRunnerStats {
  std::atomic<std::uint64_t> done{0}, failed{0}, cancelled{0}, requeued{0};
};

class JobRunner {
 public:
  struct Job {
    std::int64_t id = 0;
    std::int64_t user_id = 0;  // 0: no user
    std::string params, request_id;
  };
  // Told each progress and result event of a job that has a user (the dashboard sends it to
  // the user's open WebSockets): the user, and the event as published on Redis. Any thread.
  using Notify = std::function<void(std::int64_t user_id, const RedisReport& event)>;

  // `kind`: the jobs.kind this runner takes; `events` may be null (no Redis). REQUIRES: events
  // and log outlive the runner.
  JobRunner(std::string kind, std::string database_url, std::chrono::milliseconds poll,
            std::chrono::milliseconds heartbeat, RedisSink* events, Log& log);
  // REQUIRES: the derived class called stop() in its destructor.
  virtual ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // REQUIRES: before start().
  void set_notify(Notify notify) { notify_ = std::move(notify); }
  void start();
  // Stops and joins; a job still running is put back in the queue (finish "queued").
  void stop();
  const JobRunnerStats& stats() const { return stats_; }
  // "<kind>s: N done, N failed, N cancelled, N queued again", serve's exit summary line.
  std::string summary() const;

 protected:
  // Runs `job` and calls finish() once. `cancel()` becomes true when the job is to stop.
  virtual void run_job(const Job& job) = 0;
  // The job's progress is now `share` (0..1; what is published never decreases): the heartbeat
  // and the progress go to the row every `heartbeat` (reading cancel_requested, which raises
  // cancel()), and the progress to publish is returned when an event is due: at most 4 a
  // second, and always when `edge` (the first and the last). nullopt: no event now.
  std::optional<double> progress(const Job& job, double share, bool edge);
  // Seconds since the job was claimed.
  double elapsed_s() const;
  // Stores the outcome: status done, failed or cancelled, or queued (serve is stopping). Counts
  // it and logs it. `result`: a JSON object or "" (NULL); `dir` "" for none.
  void finish(const Job& job, const std::string& status, const std::string& error,
              const std::string& result, const std::string& dir,
              const std::string& fingerprint = "");
  // Publishes a progress or result report of `job` on Redis and tells notify.
  template <class Report>
  void emit(const Job& job, const Report& r) {
    const RedisReport event = redis_report(events_ ? events_->channels() : RedisChannels{}, r);
    if (events_ != nullptr) events_->publish(event);
    if (notify_ && job.user_id != 0) notify_(job.user_id, event);
  }
  // The runner's connection (valid inside run_job).
  PGconn* connection() { return conn_->get(); }
  const std::atomic<bool>& cancel() const { return cancel_; }
  bool stopping() const { return stop_; }
  Log& log() { return log_; }
  const std::string& kind() const { return kind_; }

 private:
  void run();
  bool connect();
  void requeue_stale();
  std::optional<Job> claim();
  bool wait(std::chrono::milliseconds d);  // false when stopping
  void heartbeat(std::int64_t id, double progress);

  std::string kind_, label_, url_;  // label_: kind_ with spaces, for the log
  std::chrono::milliseconds poll_, heartbeat_;
  RedisSink* events_;
  std::chrono::steady_clock::time_point started_{}, last_beat_{}, last_event_{};
  double last_progress_ = 0;
  Log& log_;
  Notify notify_;
  JobRunnerStats stats_;
  std::optional<PgConn> conn_;
  std::atomic<bool> stop_{false}, cancel_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_JOB_RUNNER_H_
