// Where the app's problems go: the log, and, when Redis is configured, <prefix>:errors (and
// <prefix>:alerts:critical for critical ones). A flood of one component's errors is thinned the
// same way in both: the first 20, then every 1000th with the running count.
#ifndef TICKSTOCKAPP_BASE_ERROR_REPORTER_H_
#define TICKSTOCKAPP_BASE_ERROR_REPORTER_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "tickstock/redis_events.h"
#include "tickstock/redis_sink.h"

#include "base/log.h"

namespace tickstock::app {

// Thread-safe.
class ErrorReporter {
 public:
  explicit ErrorReporter(Log& log) : log_(log) {}
  // Publishes to `sink` from now on (nullptr: log only). REQUIRES: `sink` outlives the reporter
  // or is detached (nullptr) before it goes.
  void attach(RedisSink* sink);
  // Reports one problem of `component`.
  void report(Severity severity, const std::string& component, const std::string& message,
              TextFields context = {});
  // Problems reported so far by `component` (shown or not).
  std::uint64_t count(const std::string& component) const;

 private:
  Log& log_;
  mutable std::mutex mu_;
  RedisSink* sink_ = nullptr;
  std::map<std::string, std::uint64_t> counts_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_ERROR_REPORTER_H_
