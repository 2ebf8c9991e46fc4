// What slows down password guessing, kept in memory: a rate of password checks per client
// address, and a delay per (account, client address) that doubles with each failure past a
// few. Tracking is by the name that was tried, whether or not such an account exists, so it
// tells nothing about which accounts exist; an attacker at one address never delays the
// account's owner at another.
#ifndef TICKSTOCKAPP_WEB_API_LOGIN_GUARD_H_
#define TICKSTOCKAPP_WEB_API_LOGIN_GUARD_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "web/api/rate_limiter.h"

namespace tickstock::app {

struct LoginGuardOptions {
  RateLimit ip_rate{0.2, 5};            // password checks per second per client address
  int max_failures = 5;                 // failures in a row before the delays start
  std::chrono::seconds max_delay{900};  // the longest delay (first 1 s, then doubling)
  std::size_t max_tracked = 65536;      // (account, address) pairs remembered at most
};

// Thread-safe.
class LoginGuard {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginGuard(LoginGuardOptions options)
      : opt_(options), rate_(options.ip_rate), last_sweep_(Clock::now()) {}

  // Takes one password check of `ip`'s rate: 0 when allowed, else the seconds to wait.
  int take(const std::string& ip, Clock::time_point now = Clock::now()) {
    return rate_.take(ip, now);
  }
  // Seconds (rounded up) until `username` may be tried again from `ip`; 0: now.
  std::int64_t delay(std::string_view username, std::string_view ip,
                     Clock::time_point now = Clock::now());
  // A failed check of `username` from `ip`: counted; returns the delay it now has (s).
  std::int64_t failed(std::string_view username, std::string_view ip,
                      Clock::time_point now = Clock::now());
  // A successful check: the pair's failures are forgotten.
  void succeeded(std::string_view username, std::string_view ip);
  // Pairs remembered now (<= max_tracked).
  std::size_t tracked();

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point until;  // no check before this
    Clock::time_point last;   // the last failure
  };
  static std::string key(std::string_view username, std::string_view ip);
  void make_room(Clock::time_point now);  // REQUIRES: mu_ held

  LoginGuardOptions opt_;
  RateLimiter rate_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  Clock::time_point last_sweep_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_LOGIN_GUARD_H_
