// AlertWriter: a vector of alerts under a mutex, swapped out and stored in batches.
#include "web/alert_writer.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kBatch = 5000;
constexpr int kAttempts = 3;

}  // namespace

AlertWriter::AlertWriter(AccountStore& store, std::size_t capacity, WebMetrics& metrics, Log& log)
    : store_(store), capacity_(capacity), metrics_(metrics), log_(log) {}

AlertWriter::~AlertWriter() { stop(); }

void AlertWriter::start() {
  thread_ = std::thread([this] { run(); });
}

void AlertWriter::add(std::vector<StoredAlert> alerts) {
  if (alerts.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() + alerts.size() <= capacity_ && !stop_) {
      queue_.insert(queue_.end(), std::make_move_iterator(alerts.begin()),
                    std::make_move_iterator(alerts.end()));
      metrics_.alerts_waiting.store(queue_.size());
      wake_.notify_one();
      return;
    }
  }
  metrics_.alerts_queue_overflow.fetch_add(alerts.size());
  metrics_.alerts_not_stored.fetch_add(alerts.size());
  log_.limited("web_alerts", "http: the alert store's queue is full: " +
                                 std::to_string(alerts.size()) + " alerts not stored");
}

void AlertWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t AlertWriter::depth() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool AlertWriter::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, d, [&] { return stop_; });
}

void AlertWriter::run() {
  std::vector<StoredAlert> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped and drained
      if (queue_.size() <= kBatch) {
        batch.swap(queue_);
      } else {
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + kBatch));
        queue_.erase(queue_.begin(), queue_.begin() + kBatch);
      }
      metrics_.alerts_waiting.store(queue_.size());
    }
    store(batch);
    batch.clear();
  }
}

void AlertWriter::store(const std::vector<StoredAlert>& batch) {
  for (int attempt = 1;; ++attempt) {
    auto r = store_.add_alerts(batch);
    if (r) {
      for (const RefusedAlert& x : r->refused)
        log_.limited("web_alerts_refused",
                     "http: an alert for user " + std::to_string(batch[x.index].user_id) +
                         " was refused by the store and dropped: " + x.reason);
      metrics_.alerts_refused.fetch_add(r->refused.size());
      metrics_.alerts_not_stored.fetch_add(r->refused.size());
      return;
    }
    log_.limited("web_alerts", "http: storing alerts (attempt " + std::to_string(attempt) +
                                   "): " + r.error().message);
    if (attempt == kAttempts || !pause(std::chrono::seconds(1))) {
      metrics_.alerts_not_stored.fetch_add(batch.size());
      return;
    }
  }
}

}  // namespace tickstock::app
