// serve's Redis settings: where the server is, what RedisSink publishes, and the inbound parts
// (the redis feed and the job channels), declared and parsed in one place.
#ifndef TICKSTOCKAPP_SETTINGS_REDIS_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_REDIS_SETTINGS_H_

#include <chrono>
#include <optional>

#include "tickstock/redis_sink.h"

#include "base/services.h"
#include "redis/redis_subscriber.h"
#include "settings/settings.h"

namespace tickstock::app {

// Everything serve does with Redis, from the settings.
struct RedisSettings {
  RedisAddress address;
  RedisSinkOptions sink;                             // publishing (host, port, login filled in)
  std::chrono::milliseconds metrics_interval{5000};  // monitoring and health reports
};

// Declares --redis-url, --redis-host, --redis-port, --redis-prefix, --redis-stream-maxlen,
// --redis-bars, --redis-no-indicators, --redis-buffer, --redis-flush-timeout-ms, --redis-no-jobs
// and --metrics-interval-ms.
void declare_redis_settings(Settings& s);
// The Redis URL the settings name (--redis-url, else redis://--redis-host:--redis-port), or ""
// when Redis is not configured.
std::string redis_url(const Settings& s);
// RedisSettings when Redis is configured, nullopt when not; the error names the bad setting.
Result<std::optional<RedisSettings>> redis_settings(const Settings& s);
// Subscriber options for `address` (channels left to the caller).
RedisSubscriberOptions subscriber_options(const RedisAddress& address);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_REDIS_SETTINGS_H_
