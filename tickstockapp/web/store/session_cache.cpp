// SessionCache: a map by token hash with a fetch time; misses ask the store.
#include "web/store/session_cache.h"

#include "web/store/passwords.h"

namespace tickstock::app {

Result<std::optional<SessionInfo>> SessionCache::resolve(const std::string& token,
                                                         std::int64_t now) {
  if (token.empty() || token.size() > 128) return std::optional<SessionInfo>();
  const std::string hash = token_digest(token);
  const auto t = Clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(hash);
    if (it != entries_.end()) {
      if (t - it->second.fetched < ttl_ && it->second.info.session.expires_at > now)
        return std::optional<SessionInfo>(it->second.info);
      entries_.erase(it);
    }
  }
  auto s = store_.find_session(hash, now);
  if (!s) return s.error();
  if (!*s) return std::optional<SessionInfo>();
  auto u = store_.user_by_id((*s)->user_id);
  if (!u) return u.error();
  if (!*u || !(*u)->enabled) return std::optional<SessionInfo>();
  SessionInfo info{std::move(**s), std::move(**u)};
  std::lock_guard lock(mu_);
  if (entries_.size() > 100000) entries_.clear();  // bounded; refilled from the store
  entries_[hash] = Entry{info, t};
  return std::optional<SessionInfo>(std::move(info));
}

void SessionCache::forget(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  entries_.erase(token_hash);
}

void SessionCache::forget_user(std::int64_t user_id) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.info.user.id == user_id; });
}

}  // namespace tickstock::app
