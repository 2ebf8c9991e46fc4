// The Redis event schema, version 1: the channel names TickStock publishes on and listens to,
// and the error report (a program's other reports, e.g. the app's health, metrics, backtests
// and job answers, go through RedisSink::publish(RedisReport)). Every payload is one JSON
// object that starts with "schema_version", "event_type", "source", "timestamp" (ISO-8601 UTC
// with microseconds) and "seq"; docs/redis-events.md lists every channel with an example.
#ifndef TICKSTOCK_REDIS_EVENTS_H_
#define TICKSTOCK_REDIS_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tickstock {

// The payloads' "schema_version". Changes that remove or retype a field bump it.
inline constexpr int kRedisSchemaVersion = 1;

// Channel names under one prefix. The default prefix gives the names existing TickStock
// consumers listen on; a different prefix replaces "tickstock" in every name (e.g. "staging"
// gives "staging.events.patterns" and "staging:patterns:streaming").
struct RedisChannels {
  explicit RedisChannels(std::string_view prefix = "tickstock");

  // Published.
  std::string patterns;            // <p>.events.patterns: every pattern detection
  std::string patterns_streaming;  // <p>:patterns:streaming: detections with high confidence
  std::string patterns_detected;   // <p>:patterns:detected: the same, for the older consumers
  std::string indicators;          // <p>:indicators:streaming: indicator values per scanned bar
  std::string alerts;              // <p>:alerts:indicators: indicator alerts
  std::string alerts_critical;     // <p>:alerts:critical: critical alerts and errors
  std::string backtest_progress;   // <p>.events.backtesting.progress
  std::string backtest_results;    // <p>.events.backtesting.results
  std::string health;              // <p>.health.status
  std::string monitoring;          // <p>:monitoring: periodic metrics
  std::string errors;              // <p>:errors: severity, component, message, context
  std::string bars;                // <p>.market.ohlcv: bars (optional)
  std::string jobs_ack;            // <p>.jobs.ack: answers to job requests
  std::string stream;              // <p>.events.stream: the durable copy (a stream key)
  // Listened to.
  std::string ticks_raw;       // <p>.data.raw: ticks and bars from producers
  std::string ticks_legacy;    // <p>_data: the older name of the same
  std::string jobs_backtest;   // <p>.jobs.backtest: backtest job requests
  std::string jobs_data_load;  // <p>.jobs.data_load: data load job requests
  std::string jobs_cancel;     // <p>.jobs.cancel: cancel a queued or running backtest
};

// How bad an error report is; the names match the error_logs table's severities.
enum class Severity : std::uint8_t { Debug, Info, Warning, Error, Critical };
// "debug", "info", "warning", "error", "critical".
std::string_view severity_name(Severity s);

// Named text values, published as a JSON object of strings.
using TextFields = std::vector<std::pair<std::string, std::string>>;

// tickstock:errors (and tickstock:alerts:critical when critical): something went wrong.
struct ErrorReport {
  Severity severity = Severity::Error;
  std::string component;  // e.g. "redis_feed", "jobs", "postgres"
  std::string message;    // what and where
  TextFields context;     // e.g. {"channel", "tickstock.data.raw"}, {"input", "..."}
};

}  // namespace tickstock

#endif  // TICKSTOCK_REDIS_EVENTS_H_
