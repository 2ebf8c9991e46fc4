#include "tickstock/redis_events.h"

namespace tickstock {
namespace {

std::string join(std::string_view prefix, std::string_view suffix) {
  std::string s(prefix);
  s += suffix;
  return s;
}

}  // namespace

RedisChannels::RedisChannels(std::string_view p)
    : patterns(join(p, ".events.patterns")),
      patterns_streaming(join(p, ":patterns:streaming")),
      patterns_detected(join(p, ":patterns:detected")),
      indicators(join(p, ":indicators:streaming")),
      alerts(join(p, ":alerts:indicators")),
      alerts_critical(join(p, ":alerts:critical")),
      backtest_progress(join(p, ".events.backtesting.progress")),
      backtest_results(join(p, ".events.backtesting.results")),
      health(join(p, ".health.status")),
      monitoring(join(p, ":monitoring")),
      errors(join(p, ":errors")),
      bars(join(p, ".market.ohlcv")),
      jobs_ack(join(p, ".jobs.ack")),
      stream(join(p, ".events.stream")),
      ticks_raw(join(p, ".data.raw")),
      ticks_legacy(join(p, "_data")),
      jobs_backtest(join(p, ".jobs.backtest")),
      jobs_data_load(join(p, ".jobs.data_load")),
      jobs_cancel(join(p, ".jobs.cancel")) {}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Debug:
      return "debug";
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
    case Severity::Critical:
      return "critical";
  }
  return "error";
}

}  // namespace tickstock
