// Resolves session cookies to users: from a short-lived cache, else from the account store.
// A cached session is trusted for `ttl` at most, so a change made elsewhere (another server,
// `user` command) takes effect within it; changes made through this server drop the cached
// entries at once. Calls may block (the store): worker threads only.
#ifndef TICKSTOCKAPP_WEB_STORE_SESSION_CACHE_H_
#define TICKSTOCKAPP_WEB_STORE_SESSION_CACHE_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "web/store/account_store.h"

namespace tickstock::app {

// Which of a user's sessions ended, for closing their WebSockets: one (logout), all but one
// (password changed there), all (user disabled).
enum class EndedSessions { kThis, kAllButThis, kAll };

// A logged-in request's session and user.
struct SessionInfo {
  SessionRecord session;
  User user;
};

// Thread-safe.
class SessionCache {
 public:
  using Clock = std::chrono::steady_clock;
  // REQUIRES: `store` outlives the cache.
  SessionCache(AccountStore& store, std::chrono::seconds ttl) : store_(store), ttl_(ttl) {}
  // The session of cookie token `token` at `now` (Unix seconds): none when unknown, expired
  // or its user is disabled.
  Result<std::optional<SessionInfo>> resolve(const std::string& token, std::int64_t now);
  // Drops the cached session of `token_hash`, or every session of `user_id`.
  void forget(const std::string& token_hash);
  void forget_user(std::int64_t user_id);

 private:
  struct Entry {
    SessionInfo info;
    Clock::time_point fetched;
  };
  AccountStore& store_;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // by token hash
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_SESSION_CACHE_H_
