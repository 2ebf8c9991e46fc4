// Keeps the alerts the hub routes in the account store, from a thread and a bounded queue of
// its own: a busy web worker pool (a login flood) never costs an alert, and a slow database
// never holds up the hub. A batch the store fails is tried again (three times, a second
// apart) before its alerts are counted as not stored; alerts the database refuses one by one
// (bad payloads) are counted and logged with the reason, and the rest of their batch is kept.
// Alerts queued for delivery are handed to the deliver callback once stored, with the ids the
// store gave them (a client acknowledges an alert by its id), or without ids at once when a
// store attempt fails: the live send waits for the store, never for its failure.
#ifndef TICKSTOCKAPP_WEB_LIVE_ALERT_WRITER_H_
#define TICKSTOCKAPP_WEB_LIVE_ALERT_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/log.h"
#include "web/api/web_metrics.h"
#include "web/store/account_store.h"

namespace tickstock::app {

// Thread-safe.
class AlertWriter {
 public:
  // Sends alerts to their users' open connections (called on the writer's thread).
  using Deliver = std::function<void(const std::vector<StoredAlert>&)>;

  // `capacity`: alerts waiting at most. REQUIRES: everything referenced outlives the writer.
  // `at_once`: the store writes at once (memory), so add() stores on the caller's thread.
  AlertWriter(AccountStore& store, std::size_t capacity, WebMetrics& metrics, Log& log,
              Deliver deliver = {}, bool at_once = false);
  // Stops (see stop()).
  ~AlertWriter();
  AlertWriter(const AlertWriter&) = delete;
  AlertWriter& operator=(const AlertWriter&) = delete;

  void start();
  // Queues `alerts` (or, `at_once`, stores and hands them over on this thread);
  // with `deliver`, they go to the deliver callback once stored (ids set) or
  // once a store attempt failed (ids 0). False when they do not all fit: none is queued (nor
  // delivered) and they are counted (queue overflow, and not stored).
  bool add(const std::vector<StoredAlert>& alerts, bool deliver = false);
  // Stores what is queued (one attempt each), then joins. Idempotent.
  void stop();
  // Alerts waiting now.
  std::size_t depth();
  // False from a failed store attempt, or one slower than a second, until a prompt success:
  // meanwhile the hub sends its alerts itself (without ids) rather than wait for the store.
  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }

 private:
  struct Queued {
    StoredAlert alert;
    bool deliver = false;
  };
  void run();
  // Stores batch[from, to) and sets their ids; when the store fails, hands what is due in
  // `batch` (same indices as `deliver`) to the callback at once.
  void store(std::vector<StoredAlert>& batch, std::vector<char>& deliver, std::size_t from,
             std::size_t to);
  void hand_over(const std::vector<StoredAlert>& batch, std::vector<char>& deliver);
  // Waits up to `d` unless stopping; false when stopping.
  bool pause(std::chrono::milliseconds d);

  AccountStore& store_;
  std::size_t capacity_;
  WebMetrics& metrics_;
  Log& log_;
  Deliver deliver_;
  bool at_once_;
  std::atomic<bool> healthy_{true};
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Queued> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_LIVE_ALERT_WRITER_H_
