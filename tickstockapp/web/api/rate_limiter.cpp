// RateLimiter: a refill-on-demand token bucket per key.
#include "web/api/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tickstock::app {

int RateLimiter::take(const std::string& key, Clock::time_point now) {
  if (limit_.rate <= 0) return 0;
  std::lock_guard lock(mu_);
  if (now - last_sweep_ > std::chrono::seconds(60)) sweep(now);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_ && now - last_sweep_ >= std::chrono::seconds(1)) sweep(now);
    if (buckets_.size() >= max_keys_) {
      ++overflowed_;
      return take_from(overflow_, false, now);
    }
    it = buckets_.emplace(key, Bucket{limit_.burst, now}).first;
    return take_from(it->second, true, now);
  }
  return take_from(it->second, false, now);
}

int RateLimiter::take_from(Bucket& b, bool fresh, Clock::time_point now) {
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(limit_.burst, b.tokens + std::max(0.0, elapsed) * limit_.rate);
    b.at = std::max(b.at, now);
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  // Clamped before the cast: a tiny rate would overflow an int.
  return static_cast<int>(std::clamp(std::ceil((1 - b.tokens) / limit_.rate), 1.0, 86400.0));
}

std::size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

std::uint64_t RateLimiter::overflowed() const {
  std::lock_guard lock(mu_);
  return overflowed_;
}

void RateLimiter::sweep(Clock::time_point now) {
  last_sweep_ = now;
  const double refill_s = limit_.burst / limit_.rate;
  std::erase_if(buckets_, [&](const auto& kv) {
    return std::chrono::duration<double>(now - kv.second.at).count() > refill_s;
  });
}

bool parse_rate_limit(const std::string& text, RateLimit& out) {
  const auto slash = text.find('/');
  char* end = nullptr;
  const std::string rate_text = text.substr(0, slash);
  const double rate = std::strtod(rate_text.c_str(), &end);
  if (rate_text.empty() || *end != '\0' || !(rate >= 0) || !std::isfinite(rate)) return false;
  double burst = 2 * rate;
  if (slash != std::string::npos) {
    const std::string b = text.substr(slash + 1);
    burst = std::strtod(b.c_str(), &end);
    if (b.empty() || *end != '\0' || !(burst >= 1) || !std::isfinite(burst)) return false;
  }
  out.rate = rate;
  out.burst = std::max(1.0, burst);
  return true;
}

}  // namespace tickstock::app
