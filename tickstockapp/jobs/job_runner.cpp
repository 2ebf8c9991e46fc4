#include "jobs/job_runner.h"

#include <algorithm>
#include <cstdlib>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tickstock::app {
namespace {

constexpr int kMaxAttempts = 3;
constexpr int kJobNice = 10;
constexpr auto kEventEvery = std::chrono::milliseconds(250);  // at most 4 progress events a second

}  // namespace

JobRunner::JobRunner(std::string kind, std::string database_url, std::chrono::milliseconds poll,
                     std::chrono::milliseconds heartbeat, RedisSink* events, Log& log)
    : kind_(std::move(kind)),
      label_(kind_),
      url_(std::move(database_url)),
      poll_(poll),
      heartbeat_(heartbeat),
      events_(events),
      log_(log) {
  for (char& c : label_) c = c == '_' ? ' ' : c;  // data_load: "data loads: ..."
}

JobRunner::~JobRunner() { stop(); }

std::string JobRunner::summary() const {
  return label_ + "s: " + std::to_string(stats_.done.load()) + " done, " +
         std::to_string(stats_.failed.load()) + " failed, " +
         std::to_string(stats_.cancelled.load()) + " cancelled, " +
         std::to_string(stats_.requeued.load()) + " queued again";
}

void JobRunner::start() {
  thread_ = std::thread([this] { run(); });
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool JobRunner::wait(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stop_.load(); });
  return !stop_;
}

bool JobRunner::connect() {
  if (conn_ && PQstatus(conn_->get()) == CONNECTION_OK) return true;
  conn_.reset();
  auto c = pg_connect(url_);
  if (!c) {
    log_.limited(kind_ + "-db", label_ + "s: " + c.error().message);
    return false;
  }
  conn_.emplace(std::move(*c));
  return true;
}

void JobRunner::run() {
  // Jobs give way to the live path: this thread and every thread a job starts (a new thread
  // takes its creator's nice value) run at nice +10; the engine and the sinks keep theirs.
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kJobNice) != 0)
    log_.limited(kind_ + "-nice", label_ + "s: cannot lower the jobs' priority (nice " +
                                      std::to_string(kJobNice) + "); they run at the engine's");
  bool requeued = false;
  while (!stop_) {
    if (!connect()) {
      if (!wait(std::chrono::seconds(5))) break;
      continue;
    }
    if (!requeued) {
      requeue_stale();
      requeued = true;
    }
    const auto job = claim();
    if (!job) {
      if (!wait(poll_)) break;
      continue;
    }
    cancel_ = stop_.load();
    started_ = last_beat_ = last_event_ = std::chrono::steady_clock::now();
    last_progress_ = 0;
    log_.info(label_ + "s: job " + std::to_string(job->id) + " started");
    run_job(*job);
  }
}

void JobRunner::requeue_stale() {
  const std::string stale =
      " WHERE kind = $1 AND status = 'running' AND (heartbeat_at IS NULL OR "
      "heartbeat_at < now() - interval '30 seconds')";
  auto failed =
      pg_exec_params(conn_->get(),
                     "UPDATE jobs SET status = 'failed', finished_at = now(), error = 'abandoned " +
                         std::to_string(kMaxAttempts) + " times'" + stale +
                         " AND attempts >= " + std::to_string(kMaxAttempts),
                     {kind_.c_str()}, label_ + "s: fail abandoned jobs");
  auto again = pg_exec_params(conn_->get(), "UPDATE jobs SET status = 'queued'" + stale,
                              {kind_.c_str()}, label_ + "s: queue abandoned jobs again");
  if (!failed || !again) {
    log_.error((!failed ? failed.error() : again.error()).message);
    return;
  }
  const long n = std::strtol(PQcmdTuples(again->get()), nullptr, 10);
  stats_.requeued += static_cast<std::uint64_t>(n);
  if (n > 0) log_.warn(label_ + "s: " + std::to_string(n) + " job(s) left running queued again");
}

std::optional<JobRunner::Job> JobRunner::claim() {
  auto r = pg_exec_params(
      conn_->get(),
      "UPDATE jobs SET status = 'running', started_at = now(), heartbeat_at = now(), "
      "attempts = attempts + 1, progress = 0 WHERE id = (SELECT id FROM jobs WHERE kind = $1 "
      "AND status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "RETURNING id, params::text, coalesce(params->>'request_id', CASE WHEN params->>'type' = "
      "'backtest_job' THEN params->>'job_id' END, ''), coalesce(user_id, 0)",
      {kind_.c_str()}, label_ + "s: claim a job");
  if (!r) {
    log_.limited(kind_ + "-db", r.error().message);
    return std::nullopt;
  }
  if (PQntuples(r->get()) == 0) return std::nullopt;
  Job job;
  job.id = std::strtoll(PQgetvalue(r->get(), 0, 0), nullptr, 10);
  job.params = PQgetvalue(r->get(), 0, 1);
  job.request_id = PQgetvalue(r->get(), 0, 2);
  job.user_id = std::strtoll(PQgetvalue(r->get(), 0, 3), nullptr, 10);
  return job;
}

std::optional<double> JobRunner::progress(const Job& job, double share, bool edge) {
  const auto now = std::chrono::steady_clock::now();
  last_progress_ = std::max(last_progress_, std::clamp(share, 0.0, 1.0));
  if (now - last_beat_ >= heartbeat_) {
    last_beat_ = now;
    heartbeat(job.id, last_progress_);
  }
  if (!edge && now - last_event_ < kEventEvery) return std::nullopt;
  last_event_ = now;
  return last_progress_;
}

double JobRunner::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void JobRunner::heartbeat(std::int64_t id, double progress) {
  const std::string job = std::to_string(id), share = std::to_string(progress);
  auto r = pg_exec_params(conn_->get(),
                          "UPDATE jobs SET heartbeat_at = now(), progress = $2 WHERE id = $1 "
                          "RETURNING cancel_requested",
                          {job.c_str(), share.c_str()}, label_ + "s: heartbeat");
  if (r && PQntuples(r->get()) == 1 && PQgetvalue(r->get(), 0, 0)[0] == 't') cancel_ = true;
  if (!r) log_.limited(kind_ + "-db", r.error().message);
}

void JobRunner::finish(const Job& job, const std::string& status, const std::string& error,
                       const std::string& result, const std::string& dir,
                       const std::string& fingerprint) {
  const std::string id = std::to_string(job.id);
  const char* result_param = result.empty() ? nullptr : result.c_str();
  const char* dir_param = dir.empty() ? nullptr : dir.c_str();
  auto r = pg_exec_params(
      conn_->get(),
      "UPDATE jobs SET status = $2, error = nullif($3, ''), result = $4::jsonb, result_dir = $5, "
      "data_fingerprint = nullif($6, ''), heartbeat_at = now(), "
      "progress = CASE WHEN $2 = 'done' THEN 1 ELSE progress END, "
      "finished_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END WHERE id = $1",
      {id.c_str(), status.c_str(), error.c_str(), result_param, dir_param, fingerprint.c_str()},
      label_ + "s: store the result of job " + id);
  if (!r) log_.error(r.error().message);
  if (status == "queued") {
    ++stats_.requeued;
    log_.info(label_ + "s: job " + id + " stopped with serve; queued again");
    return;
  }
  (status == "done" ? stats_.done : status == "failed" ? stats_.failed : stats_.cancelled)++;
  if (status == "failed") log_.warn(label_ + "s: job " + id + " failed: " + error);
  if (status == "done") log_.info(label_ + "s: job " + id + " done: " + result);
}

}  // namespace tickstock::app
