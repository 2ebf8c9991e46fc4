#include "jobs/job_listener.h"

#include <memory>

#include "jobs/backtest_job.h"
#include "jobs/data_load_job.h"
#include "jobs/job_request.h"
#include "jobs/job_store.h"

namespace tickstock::app {
namespace {

Result<void> runnable(const std::string& job_type, std::string_view payload) {
  if (job_type == "backtest") {
    if (auto o = backtest_options_from(payload, 1); !o) return o.error();
  } else if (auto r = data_load_request_from(payload); !r) {
    return r.error();
  }
  return {};
}

class JobHandler final : public SubscriptionHandler {
 public:
  JobHandler(const JobListenerOptions& o, RedisSink& acks, ErrorReporter& errors,
             JobListenerStats& stats)
      : channels_(o.channels), acks_(acks), errors_(errors), stats_(stats) {
    if (!o.database_url.empty()) store_ = std::make_unique<JobStore>(o.database_url);
  }

  void on_message(const RedisMessage& m) override {
    if (m.channel == channels_.jobs_cancel) return cancel(m);
    JobAck ack;
    ack.job_type = m.channel == channels_.jobs_backtest ? "backtest" : "data_load";
    auto request = parser_.parse(ack.job_type, m.payload, ack.request_id);
    if (!request) return reject(ack, m, request.error().message, Severity::Warning);
    // Checked as the runner will read it, so that a stored job does not fail on its request.
    if (auto ok = runnable(ack.job_type, m.payload); !ok)
      return reject(ack, m, ok.error().message, Severity::Warning);
    if (store_) {
      auto id = store_->insert(*request);
      if (!id) return reject(ack, m, id.error().message, Severity::Error);
      ack.job_id = *id;
      ack.stored = true;
      stats_.stored.fetch_add(1, std::memory_order_relaxed);
    } else {
      ack.job_id = ++local_id_;  // not stored: an id of this process only
    }
    ack.accepted = true;
    stats_.accepted.fetch_add(1, std::memory_order_relaxed);
    publish_report(acks_, ack);
  }

 private:
  // {"job_id": 17} (our id, a number or digits) or {"job_id": "r-42"} (a request_id).
  void cancel(const RedisMessage& m) {
    JobAck ack;
    ack.job_type = "cancel";
    auto doc = cancel_reader_.read(m.payload);
    if (!doc) return reject(ack, m, doc.error().message, Severity::Warning);
    std::string job;
    std::int64_t n = 0;
    std::string_view s;
    if ((*doc)["job_id"].get_int64().get(n) == simdjson::SUCCESS && n > 0) {
      job = std::to_string(n);
    } else if ((*doc)["job_id"].get_string().get(s) == simdjson::SUCCESS && !s.empty() &&
               s.size() <= 128) {
      job.assign(s);
    } else {
      return reject(ack, m, "field 'job_id': expected a job id or a request_id", Severity::Warning);
    }
    ack.request_id = job;
    if (!store_) return reject(ack, m, "no database: jobs are not stored", Severity::Warning);
    auto r = store_->cancel(job);
    if (!r) return reject(ack, m, r.error().message, Severity::Warning);
    ack.job_id = r->id;
    ack.stored = true;
    ack.accepted = true;
    stats_.accepted.fetch_add(1, std::memory_order_relaxed);
    publish_report(acks_, ack);
    if (r->was_queued) {  // it never ran: its result is told here
      BacktestResult result;
      result.job_id = r->id;
      result.job_type = r->kind;
      result.status = "cancelled";
      result.request_id = r->request_id;
      publish_report(acks_, result);
    }
  }

  void reject(JobAck& ack, const RedisMessage& m, const std::string& why, Severity severity) {
    ack.error = why;
    stats_.rejected.fetch_add(1, std::memory_order_relaxed);
    errors_.report(severity, "jobs", m.channel + ": " + why,
                   {{"channel", m.channel}, {"request_id", ack.request_id}});
    publish_report(acks_, ack);
  }

  const RedisChannels& channels_;
  RedisSink& acks_;
  ErrorReporter& errors_;
  JobListenerStats& stats_;
  JobRequestParser parser_;
  JsonObjectReader cancel_reader_{4096};
  std::unique_ptr<JobStore> store_;
  std::int64_t local_id_ = 0;
};

}  // namespace

JobListener::JobListener(JobListenerOptions options, RedisSink& acks, ErrorReporter& errors,
                         Log& log, std::atomic<std::uint64_t>& connection_errors)
    : options_(std::move(options)),
      acks_(acks),
      errors_(errors),
      log_(log),
      connection_errors_(connection_errors) {
  options_.subscription.subscriber.channels = {options_.channels.jobs_backtest,
                                               options_.channels.jobs_data_load,
                                               options_.channels.jobs_cancel};
}

JobListener::~JobListener() { stop(); }

void JobListener::start() {
  thread_ = std::thread([this] { run(); });
}

void JobListener::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void JobListener::run() {
  JobHandler handler(options_, acks_, errors_, stats_);
  run_subscription(options_.subscription, handler, stop_, log_, connection_errors_);
}

std::string JobListenerStats::summary() const {
  return "jobs: " + std::to_string(accepted.load()) + " accepted (" +
         std::to_string(stored.load()) + " stored), " + std::to_string(rejected.load()) +
         " rejected";
}

}  // namespace tickstock::app
