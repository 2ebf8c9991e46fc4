// MemoryAccountStore: maps under one mutex.
#include "web/store/memory_account_store.h"

#include <algorithm>
#include <cctype>

namespace tickstock::app {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

User* MemoryAccountStore::by_name(const std::string& username) {
  const std::string key = lower(username);
  for (auto& [id, u] : users_)
    if (lower(u.username) == key) return &u;
  return nullptr;
}

Result<std::optional<User>> MemoryAccountStore::create_user(const std::string& username,
                                                            const std::string& password_hash,
                                                            Role role, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (by_name(username) != nullptr) return std::optional<User>();
  User u;
  u.id = next_id_++;
  u.username = username;
  u.password_hash = password_hash;
  u.role = role;
  u.created_at = now;
  users_[u.id] = u;
  u.password_hash.clear();
  return std::optional<User>(u);
}

Result<std::optional<User>> MemoryAccountStore::find_user(const std::string& username) {
  std::lock_guard lock(mu_);
  const User* u = by_name(username);
  return u != nullptr ? std::optional<User>(*u) : std::nullopt;
}

Result<std::optional<User>> MemoryAccountStore::user_by_id(std::int64_t id) {
  std::lock_guard lock(mu_);
  auto it = users_.find(id);
  if (it == users_.end()) return std::optional<User>();
  User u = it->second;
  u.password_hash.clear();
  return std::optional<User>(u);
}

Result<std::vector<User>> MemoryAccountStore::list_users() {
  std::lock_guard lock(mu_);
  std::vector<User> out;
  for (const auto& [id, u] : users_) {
    out.push_back(u);
    out.back().password_hash.clear();
  }
  return out;
}

Result<bool> MemoryAccountStore::update_user(std::int64_t id, std::optional<Role> role,
                                             std::optional<bool> enabled) {
  std::lock_guard lock(mu_);
  auto it = users_.find(id);
  if (it == users_.end()) return false;
  if (role) it->second.role = *role;
  if (enabled) it->second.enabled = *enabled;
  return true;
}

Result<void> MemoryAccountStore::set_password(std::int64_t id, const std::string& password_hash) {
  std::lock_guard lock(mu_);
  if (auto it = users_.find(id); it != users_.end()) it->second.password_hash = password_hash;
  return {};
}

Result<void> MemoryAccountStore::record_login(std::int64_t id, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (auto it = users_.find(id); it != users_.end()) it->second.last_login_at = now;
  return {};
}

Result<std::int64_t> MemoryAccountStore::count_admins() {
  std::lock_guard lock(mu_);
  return static_cast<std::int64_t>(std::count_if(
      users_.begin(), users_.end(), [](const auto& kv) { return kv.second.role == Role::kAdmin; }));
}

Result<void> MemoryAccountStore::create_session(const SessionRecord& s) {
  std::lock_guard lock(mu_);
  sessions_[s.token_hash] = s;
  return {};
}

Result<std::optional<SessionRecord>> MemoryAccountStore::find_session(const std::string& token_hash,
                                                                      std::int64_t now) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(token_hash);
  if (it == sessions_.end()) return std::optional<SessionRecord>();
  if (it->second.expires_at <= now) {
    sessions_.erase(it);
    return std::optional<SessionRecord>();
  }
  return std::optional<SessionRecord>(it->second);
}

Result<void> MemoryAccountStore::delete_session(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  sessions_.erase(token_hash);
  return {};
}

Result<std::int64_t> MemoryAccountStore::delete_user_sessions(std::int64_t user_id) {
  std::lock_guard lock(mu_);
  return static_cast<std::int64_t>(
      std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user_id == user_id; }));
}

Result<std::vector<std::string>> MemoryAccountStore::live_sessions(
    const std::vector<std::string>& token_hashes, std::int64_t now) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const std::string& h : token_hashes) {
    auto s = sessions_.find(h);
    if (s == sessions_.end() || s->second.expires_at <= now) continue;
    auto u = users_.find(s->second.user_id);
    if (u != users_.end() && u->second.enabled) out.push_back(h);
  }
  return out;
}

Result<std::vector<Subscription>> MemoryAccountStore::list_subscriptions(std::int64_t user_id) {
  std::lock_guard lock(mu_);
  std::vector<Subscription> out;
  for (const auto& [id, s] : subscriptions_)
    if (s.user_id == user_id) out.push_back(s);
  return out;
}

Result<std::vector<Subscription>> MemoryAccountStore::active_subscriptions() {
  std::lock_guard lock(mu_);
  std::vector<Subscription> out;
  for (const auto& [id, s] : subscriptions_) {
    auto u = users_.find(s.user_id);
    if (s.enabled && u != users_.end() && u->second.enabled) out.push_back(s);
  }
  return out;
}

Result<Subscription> MemoryAccountStore::create_subscription(const Subscription& s,
                                                             std::int64_t now) {
  std::lock_guard lock(mu_);
  Subscription copy = s;
  copy.id = next_id_++;
  copy.created_at = now;
  subscriptions_[copy.id] = copy;
  return copy;
}

Result<bool> MemoryAccountStore::update_subscription(const Subscription& s) {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(s.id);
  if (it == subscriptions_.end() || it->second.user_id != s.user_id) return false;
  const std::int64_t created = it->second.created_at;
  it->second = s;
  it->second.created_at = created;
  return true;
}

Result<bool> MemoryAccountStore::delete_subscription(std::int64_t user_id, std::int64_t id) {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end() || it->second.user_id != user_id) return false;
  subscriptions_.erase(it);
  return true;
}

Result<AlertWrite> MemoryAccountStore::add_alerts(const std::vector<StoredAlert>& alerts) {
  std::lock_guard lock(mu_);
  AlertWrite out{alerts.size(), {}, {}};
  out.ids.reserve(alerts.size());
  for (const StoredAlert& in : alerts) {
    auto& mine = alerts_[in.user_id];
    mine.push_back(in);
    mine.back().id = next_id_++;
    out.ids.push_back(mine.back().id);
    while (mine.size() > max_alerts_) mine.pop_front();
  }
  return out;
}

Result<Page<StoredAlert>> MemoryAccountStore::alert_history(std::int64_t user_id,
                                                            std::int64_t before, int limit,
                                                            bool pending_only) {
  std::lock_guard lock(mu_);
  Page<StoredAlert> page;
  auto mine = alerts_.find(user_id);
  if (mine == alerts_.end()) return page;
  for (auto it = mine->second.rbegin(); it != mine->second.rend(); ++it) {
    if ((before != 0 && it->id >= before) || (pending_only && it->delivered_at != 0)) continue;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = page.items.back().id;
      break;
    }
    page.items.push_back(*it);
  }
  return page;
}

Result<std::int64_t> MemoryAccountStore::count_pending_alerts(std::int64_t user_id) {
  std::lock_guard lock(mu_);
  auto mine = alerts_.find(user_id);
  if (mine == alerts_.end()) return std::int64_t{0};
  return static_cast<std::int64_t>(
      std::count_if(mine->second.begin(), mine->second.end(),
                    [](const StoredAlert& a) { return a.delivered_at == 0; }));
}

Result<std::int64_t> MemoryAccountStore::mark_alerts_delivered(std::int64_t user_id,
                                                               const std::vector<std::int64_t>& ids,
                                                               std::int64_t now) {
  std::lock_guard lock(mu_);
  auto mine = alerts_.find(user_id);
  if (mine == alerts_.end()) return std::int64_t{0};
  std::int64_t marked = 0;
  for (std::int64_t id : ids) {
    // Ids grow along the deque: a binary search finds each.
    auto it = std::lower_bound(mine->second.begin(), mine->second.end(), id,
                               [](const StoredAlert& a, std::int64_t v) { return a.id < v; });
    if (it == mine->second.end() || it->id != id || it->delivered_at != 0) continue;
    it->delivered_at = now;
    ++marked;
  }
  return marked;
}

}  // namespace tickstock::app
