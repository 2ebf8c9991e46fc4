// RedisSubscriber: one Redis connection SUBSCRIBEd to some channels, read from the calling
// thread with a timeout. It does not reconnect by itself: when next() reports a broken
// connection, the caller decides when to connect() again (see the redis feed).
#ifndef TICKSTOCKAPP_REDIS_REDIS_SUBSCRIBER_H_
#define TICKSTOCKAPP_REDIS_REDIS_SUBSCRIBER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

struct RedisSubscriberOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;                             // AUTH username password when both are set
  std::string password;                             // AUTH password when set
  std::vector<std::string> channels;                // SUBSCRIBEd on every connect
  std::chrono::milliseconds connect_timeout{2000};  // connecting and subscribing
};

// One message: the channel it came on and its payload (bytes as published).
struct RedisMessage {
  std::string channel;
  std::string payload;
};

// Not thread-safe: one thread connects and reads.
class RedisSubscriber {
 public:
  explicit RedisSubscriber(RedisSubscriberOptions options);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;
  RedisSubscriber(RedisSubscriber&&) noexcept;
  RedisSubscriber& operator=(RedisSubscriber&&) noexcept;

  // Connects (closing any previous connection), authenticates and subscribes to every
  // channel, waiting for each confirmation. The error says what failed ("connect
  // 127.0.0.1:6379: Connection refused", "SUBSCRIBE: ...").
  Result<void> connect();
  // Waits up to `timeout` for the next message and stores it in `out` (reusing its strings).
  // Returns true for a message, false when the time passed without one; an error when the
  // connection broke or was never made (connect() again).
  Result<bool> next(RedisMessage& out, std::chrono::milliseconds timeout);
  // True between a successful connect() and a broken connection.
  bool connected() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_REDIS_REDIS_SUBSCRIBER_H_
