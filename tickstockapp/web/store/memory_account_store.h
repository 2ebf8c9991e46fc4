// The account store of serve without a database: everything in memory, gone at exit.
#ifndef TICKSTOCKAPP_WEB_STORE_MEMORY_ACCOUNT_STORE_H_
#define TICKSTOCKAPP_WEB_STORE_MEMORY_ACCOUNT_STORE_H_

#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

#include "web/store/account_store.h"

namespace tickstock::app {

// Thread-safe (one mutex). Keeps at most `max_alerts_per_user` alerts per user (the oldest go).
class MemoryAccountStore final : public AccountStore {
 public:
  // REQUIRES: max_alerts_per_user >= 1.
  explicit MemoryAccountStore(std::size_t max_alerts_per_user = kDefaultAlertHistory)
      : max_alerts_(max_alerts_per_user) {}

  bool writes_at_once() const override { return true; }

  Result<std::optional<User>> create_user(const std::string& username,
                                          const std::string& password_hash, Role role,
                                          std::int64_t now) override;
  Result<std::optional<User>> find_user(const std::string& username) override;
  Result<std::optional<User>> user_by_id(std::int64_t id) override;
  Result<std::vector<User>> list_users() override;
  Result<bool> update_user(std::int64_t id, std::optional<Role> role,
                           std::optional<bool> enabled) override;
  Result<void> set_password(std::int64_t id, const std::string& password_hash) override;
  Result<void> record_login(std::int64_t id, std::int64_t now) override;
  Result<std::int64_t> count_admins() override;

  Result<void> create_session(const SessionRecord& s) override;
  Result<std::optional<SessionRecord>> find_session(const std::string& token_hash,
                                                    std::int64_t now) override;
  Result<void> delete_session(const std::string& token_hash) override;
  Result<std::int64_t> delete_user_sessions(std::int64_t user_id) override;
  Result<std::vector<std::string>> live_sessions(const std::vector<std::string>& token_hashes,
                                                 std::int64_t now) override;

  Result<std::vector<Subscription>> list_subscriptions(std::int64_t user_id) override;
  Result<std::vector<Subscription>> active_subscriptions() override;
  Result<Subscription> create_subscription(const Subscription& s, std::int64_t now) override;
  Result<bool> update_subscription(const Subscription& s) override;
  Result<bool> delete_subscription(std::int64_t user_id, std::int64_t id) override;

  Result<AlertWrite> add_alerts(const std::vector<StoredAlert>& alerts) override;
  Result<Page<StoredAlert>> alert_history(std::int64_t user_id, std::int64_t before, int limit,
                                          bool pending_only) override;
  Result<std::int64_t> count_pending_alerts(std::int64_t user_id) override;
  Result<std::int64_t> mark_alerts_delivered(std::int64_t user_id,
                                             const std::vector<std::int64_t>& ids,
                                             std::int64_t now) override;

 private:
  User* by_name(const std::string& username);  // REQUIRES: mu_ held

  std::size_t max_alerts_;
  std::mutex mu_;
  std::int64_t next_id_ = 1;  // for users, subscriptions and alerts alike
  std::map<std::int64_t, User> users_;
  std::map<std::string, SessionRecord> sessions_;
  std::map<std::int64_t, Subscription> subscriptions_;
  // Per user, oldest first (ids only grow).
  std::unordered_map<std::int64_t, std::deque<StoredAlert>> alerts_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_MEMORY_ACCOUNT_STORE_H_
