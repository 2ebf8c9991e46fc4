// Collects every message on some channels from a thread of its own while a test runs something
// else (e.g. the app), so that nothing published in between is missed.
#ifndef TICKSTOCK_TESTS_SUPPORT_REDIS_COLLECTOR_H_
#define TICKSTOCK_TESTS_SUPPORT_REDIS_COLLECTOR_H_

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tickstock/redis_events.h"

#include "redis/redis_subscriber.h"

namespace tickstock::test {

using app::RedisMessage;
using app::RedisSubscriber;
using app::RedisSubscriberOptions;

// Every channel a sink with these names publishes on.
inline std::vector<std::string> published_channels(const RedisChannels& c) {
  return {c.patterns,
          c.patterns_streaming,
          c.patterns_detected,
          c.indicators,
          c.alerts,
          c.alerts_critical,
          c.backtest_progress,
          c.backtest_results,
          c.health,
          c.monitoring,
          c.errors,
          c.bars,
          c.jobs_ack};
}

class RedisCollector {
 public:
  // Subscribes (and waits for the confirmations) before returning. Throws when it cannot.
  RedisCollector(const std::string& host, int port, std::vector<std::string> channels) {
    RedisSubscriberOptions o;
    o.host = host;
    o.port = port;
    o.channels = std::move(channels);
    sub_ = std::make_unique<RedisSubscriber>(o);
    if (auto r = sub_->connect(); !r) throw std::runtime_error(r.error().message);
    thread_ = std::thread([this] {
      RedisMessage m;
      while (!stop_.load()) {
        const auto r = sub_->next(m, std::chrono::milliseconds(50));
        if (!r) return;
        if (!*r) continue;
        std::lock_guard lock(mu_);
        messages_.push_back(m);
        last_ = std::chrono::steady_clock::now();
      }
    });
  }
  ~RedisCollector() { stop(); }
  RedisCollector(const RedisCollector&) = delete;
  RedisCollector& operator=(const RedisCollector&) = delete;

  // Waits until nothing arrived for `quiet` (at most `limit`), stops, and returns everything.
  std::vector<RedisMessage> finish(std::chrono::milliseconds quiet = std::chrono::milliseconds(500),
                                   std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mu_);
        if (std::chrono::steady_clock::now() - last_ > quiet) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    std::lock_guard lock(mu_);
    return messages_;
  }
  // The messages so far.
  std::vector<RedisMessage> snapshot() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::unique_ptr<RedisSubscriber> sub_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<RedisMessage> messages_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

// The payloads per channel, in the order received.
inline std::map<std::string, std::vector<std::string>> by_channel(
    const std::vector<RedisMessage>& messages) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& m : messages) out[m.channel].push_back(m.payload);
  return out;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_REDIS_COLLECTOR_H_
