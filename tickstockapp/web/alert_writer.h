// Keeps the alerts the hub routes in the account store, from a thread and a bounded queue of
// its own: a busy web worker pool (a login flood) never costs an alert, and a slow database
// never holds up the hub. A batch the store fails is tried again (three times, a second
// apart) before its alerts are counted as not stored; alerts the database refuses one by one
// (bad payloads) are counted and logged with the reason, and the rest of their batch is kept.
#ifndef TICKSTOCKAPP_WEB_ALERT_WRITER_H_
#define TICKSTOCKAPP_WEB_ALERT_WRITER_H_

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "log.h"
#include "web/account_store.h"
#include "web/web_metrics.h"

namespace tickstock::app {

// Thread-safe.
class AlertWriter {
 public:
  // `capacity`: alerts waiting at most. REQUIRES: everything referenced outlives the writer.
  AlertWriter(AccountStore& store, std::size_t capacity, WebMetrics& metrics, Log& log);
  // Stops (see stop()).
  ~AlertWriter();
  AlertWriter(const AlertWriter&) = delete;
  AlertWriter& operator=(const AlertWriter&) = delete;

  void start();
  // Queues `alerts`; when they do not all fit, none is queued and they are counted (queue
  // overflow, and not stored).
  void add(std::vector<StoredAlert> alerts);
  // Stores what is queued (one attempt each), then joins. Idempotent.
  void stop();
  // Alerts waiting now.
  std::size_t depth();

 private:
  void run();
  void store(const std::vector<StoredAlert>& batch);
  // Waits up to `d` unless stopping; false when stopping.
  bool pause(std::chrono::milliseconds d);

  AccountStore& store_;
  std::size_t capacity_;
  WebMetrics& metrics_;
  Log& log_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<StoredAlert> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_ALERT_WRITER_H_
