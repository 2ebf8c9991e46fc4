// Token buckets by key (a client IP, a user id): `rate` requests a second on average, up to
// `burst` at once. A refused request learns how long until it would be allowed (Retry-After).
#ifndef TICKSTOCKAPP_WEB_API_RATE_LIMITER_H_
#define TICKSTOCKAPP_WEB_API_RATE_LIMITER_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tickstock::app {

struct RateLimit {
  double rate = 50;    // tokens per second; 0: no limit
  double burst = 100;  // bucket size
};

// Thread-safe. Buckets idle long enough to be full again are forgotten (swept every minute, or
// every second while full). At most `max_keys` buckets are kept: while that many keys are
// active, new keys share one overflow bucket (so a flood from many addresses cannot grow the
// map, and the clients already known go on as before).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit, std::size_t max_keys = 100000)
      : limit_(limit), max_keys_(max_keys), overflow_{limit.burst, Clock::now()} {}
  // Takes one token for `key`; 0 when allowed, else the seconds to wait (>= 1, rounded up).
  int take(const std::string& key, Clock::time_point now = Clock::now());
  // Buckets held now.
  std::size_t size() const;
  // Requests that went to the overflow bucket because the map was full.
  std::uint64_t overflowed() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  int take_from(Bucket& b, bool fresh, Clock::time_point now);  // REQUIRES: mu_ held
  void sweep(Clock::time_point now);                            // REQUIRES: mu_ held
  RateLimit limit_;
  std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Bucket overflow_;
  std::uint64_t overflowed_ = 0;
  Clock::time_point last_sweep_ = Clock::now();
};

// Parses "RATE" or "RATE/BURST" (burst defaults to 2 x rate; "0" = no limit).
bool parse_rate_limit(const std::string& text, RateLimit& out);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_RATE_LIMITER_H_
