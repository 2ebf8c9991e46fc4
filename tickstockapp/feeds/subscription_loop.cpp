#include "feeds/subscription_loop.h"

#include <algorithm>
#include <random>
#include <thread>

namespace tickstock::app {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

void run_subscription(const SubscriptionOptions& options, SubscriptionHandler& handler,
                      const std::atomic<bool>& stop, Log& log,
                      std::atomic<std::uint64_t>& connection_errors) {
  const std::string where = options.subscriber.host + ":" + std::to_string(options.subscriber.port);
  RedisSubscriber sub(options.subscriber);
  std::minstd_rand jitter(std::random_device{}());
  auto backoff = options.min_backoff;
  std::chrono::steady_clock::time_point retry_at{};
  RedisMessage message;
  while (!stop.load(std::memory_order_relaxed)) {
    if (!sub.connected()) {
      if (std::chrono::steady_clock::now() < retry_at) {
        handler.on_idle();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      if (auto r = sub.connect(); !r) {
        connection_errors.fetch_add(1, std::memory_order_relaxed);
        const double f = std::uniform_real_distribution<double>(0.75, 1.25)(jitter);
        const auto wait = std::chrono::milliseconds(
            static_cast<std::int64_t>(static_cast<double>(backoff.count()) * f));
        log.warn(options.name + ": " + r.error().message + "; trying again in " +
                 std::to_string(wait.count()) + " ms");
        retry_at = std::chrono::steady_clock::now() + wait;
        backoff = std::min(backoff * 2, options.max_backoff);
        continue;
      }
      backoff = options.min_backoff;
      log.info(options.name + ": subscribed to " + joined(options.subscriber.channels) + " on " +
               where);
    }
    const auto got = sub.next(message, handler.max_wait());
    if (!got) {
      connection_errors.fetch_add(1, std::memory_order_relaxed);
      log.warn(options.name + ": " + got.error().message + "; reconnecting");
    } else if (*got) {
      handler.on_message(message);
    } else {
      handler.on_idle();
    }
  }
}

}  // namespace tickstock::app
