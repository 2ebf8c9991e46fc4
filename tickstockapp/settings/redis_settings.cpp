#include "settings/redis_settings.h"

namespace tickstock::app {

void declare_redis_settings(Settings& s) {
  s.add("--redis-url", "REDIS_URL", "", "redis://[user:password@]host:port/db; empty = none");
  s.add("--redis-host", "REDIS_HOST", "", "Redis host (when REDIS_URL is not set)");
  s.add("--redis-port", "REDIS_PORT", "6379", "Redis port (with REDIS_HOST)");
  s.add("--redis-prefix", "TICKSTOCK_REDIS_PREFIX", "tickstock",
        "replaces 'tickstock' in every channel name (docs/redis-events.md)");
  s.add("--redis-stream-maxlen", "TICKSTOCK_REDIS_STREAM_MAXLEN", "0",
        "N > 0: also XADD every event to <prefix>.events.stream, MAXLEN ~ N (0 = no stream)");
  s.add_switch("--redis-bars", "TICKSTOCK_REDIS_BARS",
               "also publish bars on <prefix>.market.ohlcv");
  s.add_switch("--redis-no-indicators", "TICKSTOCK_REDIS_NO_INDICATORS",
               "do not publish indicator values on <prefix>:indicators:streaming");
  s.add("--redis-buffer", "TICKSTOCK_REDIS_BUFFER", "65536",
        "events held while Redis is down; beyond that the oldest are dropped (counted)");
  s.add("--redis-flush-timeout-ms", "TICKSTOCK_REDIS_FLUSH_TIMEOUT_MS", "5000",
        "at the end, how long to wait for unpublished events (e.g. while Redis is down)");
  s.add_switch("--redis-no-jobs", "TICKSTOCK_REDIS_NO_JOBS",
               "do not take job requests on <prefix>.jobs.* (let one instance take them)");
  s.add("--metrics-interval-ms", "TICKSTOCK_METRICS_INTERVAL_MS", "5000",
        "how often <prefix>:monitoring and <prefix>.health.status are published");
}

std::string redis_url(const Settings& s) {
  if (!s.get("--redis-url").empty()) return s.get("--redis-url");
  if (s.get("--redis-host").empty()) return "";
  return "redis://" + s.get("--redis-host") + ":" + s.get("--redis-port");
}

Result<std::optional<RedisSettings>> redis_settings(const Settings& s) {
  const std::string url = redis_url(s);
  if (url.empty()) return std::optional<RedisSettings>();
  auto address = parse_redis_url(url);
  if (!address) return address.error();
  const std::string& prefix = s.get("--redis-prefix");
  if (prefix.empty()) return fail("--redis-prefix: must not be empty");
  auto maxlen = s.get_int("--redis-stream-maxlen", 0, 1'000'000'000);
  if (!maxlen) return maxlen.error();
  auto buffer = s.get_int("--redis-buffer", 1, 100'000'000);
  if (!buffer) return buffer.error();
  auto interval = s.get_int("--metrics-interval-ms", 10, 3'600'000);
  if (!interval) return interval.error();
  auto flush = s.get_int("--redis-flush-timeout-ms", 0, 3'600'000);
  if (!flush) return flush.error();
  RedisSettings r;
  r.address = *address;
  r.sink.host = address->host;
  r.sink.port = address->port;
  r.sink.username = address->username;
  r.sink.password = address->password;
  r.sink.db = address->db;
  r.sink.prefix = prefix;
  r.sink.stream_maxlen = static_cast<std::size_t>(*maxlen);
  r.sink.publish_bars = s.on("--redis-bars");
  r.sink.publish_indicators = !s.on("--redis-no-indicators");
  r.sink.buffer_capacity = static_cast<std::size_t>(*buffer);
  r.sink.flush_timeout = std::chrono::milliseconds(*flush);
  r.metrics_interval = std::chrono::milliseconds(*interval);
  return std::optional<RedisSettings>(std::move(r));
}

RedisSubscriberOptions subscriber_options(const RedisAddress& address) {
  RedisSubscriberOptions o;
  o.host = address.host;
  o.port = address.port;
  o.username = address.username;
  o.password = address.password;
  return o;
}

}  // namespace tickstock::app
