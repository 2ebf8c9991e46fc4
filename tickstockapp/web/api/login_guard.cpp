// LoginGuard: a token bucket per address and a map of failure counts with a size bound.
#include "web/api/login_guard.h"

#include <algorithm>
#include <cctype>

namespace tickstock::app {
namespace {

std::int64_t seconds_until(LoginGuard::Clock::time_point until, LoginGuard::Clock::time_point now) {
  if (until <= now) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
  return (ms + 999) / 1000;
}

}  // namespace

std::string LoginGuard::key(std::string_view username, std::string_view ip) {
  // Usernames are case-insensitive; longer ones cannot exist, so 64 bytes tell them apart.
  std::string k(username.substr(0, 64));
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  k += '\n';
  k += ip.substr(0, 64);
  return k;
}

std::int64_t LoginGuard::delay(std::string_view username, std::string_view ip,
                               Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key(username, ip));
  return it == entries_.end() ? 0 : seconds_until(it->second.until, now);
}

std::int64_t LoginGuard::failed(std::string_view username, std::string_view ip,
                                Clock::time_point now) {
  std::lock_guard lock(mu_);
  std::string k = key(username, ip);
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    make_room(now);
    it = entries_.emplace(std::move(k), Entry{0, now, now}).first;
  }
  Entry& e = it->second;
  ++e.failures;
  e.last = now;
  if (e.failures >= opt_.max_failures) {
    const int doublings = std::min(e.failures - opt_.max_failures, 30);
    const auto wait =
        std::min<std::chrono::seconds>(opt_.max_delay, std::chrono::seconds(1LL << doublings));
    e.until = now + wait;
  }
  return seconds_until(e.until, now);
}

void LoginGuard::succeeded(std::string_view username, std::string_view ip) {
  std::lock_guard lock(mu_);
  entries_.erase(key(username, ip));
}

std::size_t LoginGuard::tracked() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void LoginGuard::make_room(Clock::time_point now) {
  // A pair whose delay has passed and that stayed quiet for the longest delay is forgotten
  // (the owner's next failure starts the count again). Swept once a minute, or when full.
  const bool full = entries_.size() >= opt_.max_tracked;
  if (full || now - last_sweep_ > std::chrono::seconds(60)) {
    last_sweep_ = now;
    std::erase_if(entries_, [&](const auto& kv) {
      return kv.second.until <= now && now - kv.second.last > opt_.max_delay;
    });
  }
  if (entries_.size() < opt_.max_tracked) return;
  // Still full (a flood of names): the pair that failed longest ago goes.
  auto oldest =
      std::min_element(entries_.begin(), entries_.end(),
                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
  entries_.erase(oldest);
}

}  // namespace tickstock::app
