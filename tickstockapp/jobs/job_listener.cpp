#include "jobs/job_listener.h"

#include <memory>

#include "jobs/job_request.h"
#include "jobs/job_store.h"

namespace tickstock::app {
namespace {

class JobHandler final : public SubscriptionHandler {
 public:
  JobHandler(const JobListenerOptions& o, RedisSink& acks, ErrorReporter& errors,
             JobListenerStats& stats)
      : channels_(o.channels), acks_(acks), errors_(errors), stats_(stats) {
    if (!o.database_url.empty()) store_ = std::make_unique<JobStore>(o.database_url);
  }

  void on_message(const RedisMessage& m) override {
    JobAck ack;
    ack.job_type = m.channel == channels_.jobs_backtest ? "backtest" : "data_load";
    auto request = parser_.parse(ack.job_type, m.payload, ack.request_id);
    if (!request) return reject(ack, m, request.error().message, Severity::Warning);
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
                                               options_.channels.jobs_data_load};
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
