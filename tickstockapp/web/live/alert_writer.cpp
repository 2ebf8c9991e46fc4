// AlertWriter: a vector of alerts under a mutex, taken out and stored in batches.
#include "web/live/alert_writer.h"

#include <algorithm>

namespace tickstock::app {
namespace {

constexpr std::size_t kBatch = 5000;   // alerts per store call
constexpr std::size_t kDrain = 50000;  // alerts taken at once: stored by kBatch, sent as one
                                       // frame per user (a frame per store call costs a write
                                       // per socket each)
constexpr int kAttempts = 3;
// A store slower than this makes the hub send live alerts itself until the store is prompt.
constexpr auto kSlowStore = std::chrono::seconds(1);

}  // namespace

AlertWriter::AlertWriter(AccountStore& store, std::size_t capacity, WebMetrics& metrics, Log& log,
                         Deliver deliver, bool at_once)
    : store_(store),
      capacity_(capacity),
      metrics_(metrics),
      log_(log),
      deliver_(std::move(deliver)),
      at_once_(at_once) {}

AlertWriter::~AlertWriter() { stop(); }

void AlertWriter::start() {
  thread_ = std::thread([this] { run(); });
}

bool AlertWriter::add(const std::vector<StoredAlert>& alerts, bool deliver) {
  if (alerts.empty()) return true;
  if (at_once_) {  // nothing to wait for: stored and handed over here
    std::vector<StoredAlert> batch(alerts);
    std::vector<char> due(batch.size(), deliver ? 1 : 0);
    store(batch, due, 0, batch.size());
    hand_over(batch, due);
    return true;
  }
  {
    std::lock_guard lock(mu_);
    if (queue_.size() + alerts.size() <= capacity_ && !stop_) {
      for (const StoredAlert& a : alerts) queue_.push_back({a, deliver});
      metrics_.alerts_waiting.store(queue_.size());
      wake_.notify_one();
      return true;
    }
  }
  metrics_.alerts_queue_overflow.fetch_add(alerts.size());
  metrics_.alerts_not_stored.fetch_add(alerts.size());
  log_.limited("web_alerts", "http: the alert store's queue is full: " +
                                 std::to_string(alerts.size()) + " alerts not stored");
  return false;
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
  std::vector<char> deliver;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped and drained
      const std::size_t n = std::min(queue_.size(), kDrain);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_[i].alert));
        deliver.push_back(queue_[i].deliver ? 1 : 0);
      }
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      metrics_.alerts_waiting.store(queue_.size());
    }
    for (std::size_t at = 0; at < batch.size(); at += kBatch)
      store(batch, deliver, at, std::min(at + kBatch, batch.size()));
    hand_over(batch, deliver);
    batch.clear();
    deliver.clear();
  }
}

void AlertWriter::store(std::vector<StoredAlert>& batch, std::vector<char>& deliver,
                        std::size_t from, std::size_t to) {
  std::vector<StoredAlert> part;
  if (from != 0 || to != batch.size())
    part.assign(batch.begin() + static_cast<std::ptrdiff_t>(from),
                batch.begin() + static_cast<std::ptrdiff_t>(to));
  const std::vector<StoredAlert>& chunk = part.empty() ? batch : part;
  for (int attempt = 1;; ++attempt) {
    const auto started = std::chrono::steady_clock::now();
    auto r = store_.add_alerts(chunk);
    if (r) {
      healthy_ = std::chrono::steady_clock::now() - started < kSlowStore;
      for (std::size_t i = 0; i < chunk.size() && i < r->ids.size(); ++i)
        batch[from + i].id = r->ids[i];
      for (const RefusedAlert& x : r->refused)
        log_.limited("web_alerts_refused",
                     "http: an alert for user " + std::to_string(chunk[x.index].user_id) +
                         " was refused by the store and dropped: " + x.reason);
      metrics_.alerts_refused.fetch_add(r->refused.size());
      metrics_.alerts_not_stored.fetch_add(r->refused.size());
      return;
    }
    // The open connections get what was taken now (this part without ids); it is tried again.
    healthy_ = false;
    hand_over(batch, deliver);
    log_.limited("web_alerts", "http: storing alerts (attempt " + std::to_string(attempt) +
                                   "): " + r.error().message);
    if (attempt == kAttempts || !pause(std::chrono::seconds(1))) {
      metrics_.alerts_not_stored.fetch_add(chunk.size());
      return;
    }
  }
}

void AlertWriter::hand_over(const std::vector<StoredAlert>& batch, std::vector<char>& deliver) {
  if (!deliver_) return;
  std::vector<StoredAlert> due;
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (deliver[i] != 0) {
      due.push_back(batch[i]);
      deliver[i] = 0;  // once
    }
  if (!due.empty()) deliver_(due);
}

}  // namespace tickstock::app
