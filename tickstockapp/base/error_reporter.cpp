#include "base/error_reporter.h"

namespace tickstock::app {

void ErrorReporter::attach(RedisSink* sink) {
  std::lock_guard lock(mu_);
  sink_ = sink;
}

void ErrorReporter::report(Severity severity, const std::string& component,
                           const std::string& message, TextFields context) {
  std::uint64_t n = 0;
  {
    std::lock_guard lock(mu_);
    n = ++counts_[component];
  }
  if (n > 20 && n % 1000 != 0) return;
  std::string line = component + ": " + message;
  if (n > 20) {
    line += " (" + std::to_string(n) + " so far; most are not shown)";
    context.emplace_back("count", std::to_string(n));
  }
  if (severity >= Severity::Error) {
    log_.error(line);
  } else {
    log_.warn(line);
  }
  // Under the lock, so that a sink being detached is never used after it goes.
  std::lock_guard lock(mu_);
  if (sink_ != nullptr)
    sink_->publish(ErrorReport{severity, component, message, std::move(context)});
}

std::uint64_t ErrorReporter::count(const std::string& component) const {
  std::lock_guard lock(mu_);
  const auto it = counts_.find(component);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace tickstock::app
