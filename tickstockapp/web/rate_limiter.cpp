// RateLimiter: a refill-on-demand token bucket per key.
#include "web/rate_limiter.h"

#include <cmath>
#include <cstdlib>

namespace tickstock::app {

int RateLimiter::take(const std::string& key, Clock::time_point now) {
  if (limit_.rate <= 0) return 0;
  std::lock_guard lock(mu_);
  if (now - last_sweep_ > std::chrono::seconds(60)) sweep(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{limit_.burst, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.rate);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / limit_.rate)));
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
