// MemoryAccountStore: maps under one mutex.
#include "web/memory_account_store.h"

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

Result<std::int64_t> MemoryAccountStore::record_failed_login(std::int64_t id, std::int64_t now,
                                                             int max_failures,
                                                             std::int64_t lockout_s) {
  std::lock_guard lock(mu_);
  auto it = users_.find(id);
  if (it == users_.end()) return std::int64_t{0};
  User& u = it->second;
  if (++u.failed_logins >= max_failures) {
    u.failed_logins = 0;
    u.locked_until = now + lockout_s;
  }
  return u.locked_until;
}

Result<void> MemoryAccountStore::record_login(std::int64_t id, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (auto it = users_.find(id); it != users_.end()) {
    it->second.failed_logins = 0;
    it->second.last_login_at = now;
  }
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

Result<void> MemoryAccountStore::add_alerts(const std::vector<StoredAlert>& alerts) {
  std::lock_guard lock(mu_);
  for (const StoredAlert& in : alerts) {
    auto& mine = alerts_[in.user_id];
    mine.push_back(in);
    mine.back().id = next_id_++;
    if (mine.size() <= max_alerts_) continue;
    // Over the cap: the oldest delivered alert goes, else the oldest.
    auto victim = std::find_if(mine.begin(), mine.end(),
                               [](const StoredAlert& a) { return a.delivered_at != 0; });
    if (victim == mine.end() || victim == mine.begin())
      mine.pop_front();
    else
      mine.erase(victim);
  }
  return {};
}

Result<std::vector<StoredAlert>> MemoryAccountStore::take_pending_alerts(std::int64_t user_id,
                                                                         std::int64_t now) {
  std::lock_guard lock(mu_);
  std::vector<StoredAlert> out;
  for (auto& a : alerts_[user_id]) {
    if (a.delivered_at != 0) continue;
    a.delivered_at = now;
    out.push_back(a);
  }
  return out;
}

Result<Page<StoredAlert>> MemoryAccountStore::alert_history(std::int64_t user_id,
                                                            std::int64_t before, int limit) {
  std::lock_guard lock(mu_);
  Page<StoredAlert> page;
  const auto& mine = alerts_[user_id];
  for (auto it = mine.rbegin(); it != mine.rend(); ++it) {
    if (before != 0 && it->id >= before) continue;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = page.items.back().id;
      break;
    }
    page.items.push_back(*it);
  }
  return page;
}

}  // namespace tickstock::app
