// The members of the app's reports, after the envelope RedisSink writes (docs/redis-events.md).
#include "redis/reports.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "tickstock/calendar.h"
#include "tickstock/json.h"

namespace tickstock::app {

RedisReport redis_report(const RedisChannels& c, const HealthReport& r) {
  RedisReport out{c.health, "health_status", {}};
  JsonWriter w(out.members);
  w.str("status", r.status);
  w.num("uptime_s", r.uptime_s);
  w.string_object("components", r.components);
  return out;
}

RedisReport redis_report(const RedisChannels& c, const MetricsReport& r) {
  RedisReport out{c.monitoring, "metrics", {}};
  JsonWriter w(out.members);
  w.num("uptime_s", r.uptime_s);
  w.num("ticks_per_s", r.ticks_per_s);
  w.uinteger("ticks", r.ticks);
  w.uinteger("bars", r.bars);
  w.uinteger("events_received", r.events_received);
  w.uinteger("events_processed", r.events_processed);
  w.uinteger("events_forwarded", r.events_forwarded);
  w.uinteger("events_dropped", r.events_dropped);
  w.uinteger("connection_errors", r.connection_errors);
  w.key("queue_depths");
  w.begin_object();
  for (const auto& [name, depth] : r.queue_depths) w.uinteger(name, depth);
  w.end_object();
  return out;
}

RedisReport redis_report(const RedisChannels& c, const BacktestProgress& r) {
  RedisReport out{c.backtest_progress, "backtest_progress", {}};
  JsonWriter w(out.members);
  w.integer("job_id", r.job_id);
  w.str("job_type", r.job_type);
  w.num("progress", r.progress);
  w.num("percent", std::round(r.progress * 1000) / 10);
  w.str("message", r.message);
  w.str("request_id", r.request_id);
  w.str("current_symbol", r.current_symbol);
  if (r.eta_s >= 0) {
    const auto done_at = std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(
                             std::chrono::duration<double>(r.eta_s));
    w.str("estimated_completion",
          format_iso8601(
              std::chrono::duration_cast<std::chrono::nanoseconds>(done_at.time_since_epoch())
                  .count()));
    w.num("eta_s", r.eta_s);
  } else {
    const double null = std::numeric_limits<double>::quiet_NaN();  // written as null
    w.num("estimated_completion", null);
    w.num("eta_s", null);
  }
  w.num("elapsed_s", r.elapsed_s);
  w.uinteger("bars_done", r.bars_done);
  w.uinteger("bars_total", r.bars_total);
  w.uinteger("symbols_done", r.series_done);
  w.uinteger("symbols_total", r.series_total);
  return out;
}

RedisReport redis_report(const RedisChannels& c, const BacktestResult& r) {
  RedisReport out{c.backtest_results, "backtest_result", {}};
  JsonWriter w(out.members);
  w.integer("job_id", r.job_id);
  w.str("job_type", r.job_type);
  w.str("status", r.status);
  w.key("metrics");
  w.begin_object();
  for (const auto& [name, value] : r.metrics) w.num(name, value);
  w.end_object();
  w.str("error", r.error);
  w.str("request_id", r.request_id);
  w.str("data_fingerprint", r.data_fingerprint);
  w.key("results");
  out.members += r.results;
  return out;
}

RedisReport redis_report(const RedisChannels& c, const JobAck& r) {
  RedisReport out{c.jobs_ack, r.accepted ? "job_accepted" : "job_rejected", {}};
  JsonWriter w(out.members);
  w.str("request_id", r.request_id);
  w.str("job_type", r.job_type);
  w.boolean("accepted", r.accepted);
  w.integer("job_id", r.job_id);
  w.boolean("stored", r.stored);
  w.str("error", r.error);
  return out;
}

}  // namespace tickstock::app
