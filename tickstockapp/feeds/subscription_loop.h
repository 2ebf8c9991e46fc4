// Reading Redis channels for as long as the app runs: subscribe, hand every message to a
// handler, and after a failed or broken connection try again with exponential backoff and
// jitter, never giving up. The redis feed and the job listener both run one.
#ifndef TICKSTOCKAPP_FEEDS_SUBSCRIPTION_LOOP_H_
#define TICKSTOCKAPP_FEEDS_SUBSCRIPTION_LOOP_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "base/log.h"
#include "redis/redis_subscriber.h"

namespace tickstock::app {

// Receives what the loop reads, on the loop's thread.
class SubscriptionHandler {
 public:
  virtual ~SubscriptionHandler() = default;
  // One message.
  virtual void on_message(const RedisMessage& message) = 0;
  // A wait ended without a message (also while disconnected, between attempts).
  virtual void on_idle() {}
  // How long the next wait for a message may last.
  virtual std::chrono::milliseconds max_wait() const { return std::chrono::milliseconds(100); }
};

struct SubscriptionOptions {
  std::string name;                             // for the log, e.g. "redis feed"
  RedisSubscriberOptions subscriber;            // server and channels
  std::chrono::milliseconds min_backoff{1000};  // first retry delay, then doubled (±25 %)
  std::chrono::milliseconds max_backoff{30000};
};

// Runs until `stop` is set. Failed and broken connections are logged and added to
// `connection_errors`. REQUIRES: everything outlives the call.
void run_subscription(const SubscriptionOptions& options, SubscriptionHandler& handler,
                      const std::atomic<bool>& stop, Log& log,
                      std::atomic<std::uint64_t>& connection_errors);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_SUBSCRIPTION_LOOP_H_
