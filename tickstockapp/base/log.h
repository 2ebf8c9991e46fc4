// Line-oriented logging to stderr, one object made in main() and passed by reference.
// Repeated messages of one kind are rate-limited so that a flood of bad input cannot drown
// the log, and the number suppressed is always reported.
#ifndef TICKSTOCKAPP_BASE_LOG_H_
#define TICKSTOCKAPP_BASE_LOG_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tickstock::app {

class Log {
 public:
  // Writes "tickstock: <level>: <message>".
  void info(std::string_view msg) { write("info", msg); }
  void warn(std::string_view msg) { write("warning", msg); }
  void error(std::string_view msg) { write("error", msg); }
  // Logs the first `first` messages of `kind`, then one in every 10000, with a running count.
  void limited(std::string_view kind, std::string_view msg, std::uint64_t first = 20) {
    std::uint64_t n = 0;
    {
      std::lock_guard lock(mu_);
      n = ++counts_[std::string(kind)];
    }
    if (n <= first) {
      write("error", msg);
    } else if (n % 10000 == 0) {
      write("error", std::string(msg) + " (" + std::to_string(n) + " " + std::string(kind) +
                         " errors so far; most are not shown)");
    }
  }

 private:
  void write(const char* level, std::string_view msg) {
    std::lock_guard lock(mu_);
    std::fprintf(stderr, "tickstock: %s: %.*s\n", level, static_cast<int>(msg.size()), msg.data());
    std::fflush(stderr);
  }
  std::mutex mu_;
  std::map<std::string, std::uint64_t> counts_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_LOG_H_
