// The account store in PostgreSQL (users, sessions, user_subscriptions, pending_alerts; schema
// 004), through a PgPool: a database outage fails the calls made during it and no more.
#ifndef TICKSTOCKAPP_WEB_PG_ACCOUNT_STORE_H_
#define TICKSTOCKAPP_WEB_PG_ACCOUNT_STORE_H_

#include "web/account_store.h"
#include "web/pg_pool.h"

namespace tickstock::app {

// Thread-safe: each call takes a connection of its own from the pool.
class PgAccountStore final : public AccountStore {
 public:
  // REQUIRES: `pool` outlives the store.
  explicit PgAccountStore(PgPool& pool) : pool_(pool) {}

  Result<std::optional<User>> create_user(const std::string& username,
                                          const std::string& password_hash, Role role,
                                          std::int64_t now) override;
  Result<std::optional<User>> find_user(const std::string& username) override;
  Result<std::optional<User>> user_by_id(std::int64_t id) override;
  Result<std::vector<User>> list_users() override;
  Result<bool> update_user(std::int64_t id, std::optional<Role> role,
                           std::optional<bool> enabled) override;
  Result<void> set_password(std::int64_t id, const std::string& password_hash) override;
  Result<std::int64_t> record_failed_login(std::int64_t id, std::int64_t now, int max_failures,
                                           std::int64_t lockout_s) override;
  Result<void> record_login(std::int64_t id, std::int64_t now) override;
  Result<std::int64_t> count_admins() override;

  Result<void> create_session(const SessionRecord& s) override;
  Result<std::optional<SessionRecord>> find_session(const std::string& token_hash,
                                                    std::int64_t now) override;
  Result<void> delete_session(const std::string& token_hash) override;
  Result<std::int64_t> delete_user_sessions(std::int64_t user_id) override;

  Result<std::vector<Subscription>> list_subscriptions(std::int64_t user_id) override;
  Result<std::vector<Subscription>> active_subscriptions() override;
  Result<Subscription> create_subscription(const Subscription& s, std::int64_t now) override;
  Result<bool> update_subscription(const Subscription& s) override;
  Result<bool> delete_subscription(std::int64_t user_id, std::int64_t id) override;

  Result<void> add_alerts(const std::vector<StoredAlert>& alerts) override;
  Result<std::vector<StoredAlert>> take_pending_alerts(std::int64_t user_id,
                                                       std::int64_t now) override;
  Result<Page<StoredAlert>> alert_history(std::int64_t user_id, std::int64_t before,
                                          int limit) override;

 private:
  Result<PgResult> query(const std::string& sql, const std::vector<std::string>& params,
                         const std::string& what) {
    return pool_.query(sql, params, what);
  }
  PgPool& pool_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_PG_ACCOUNT_STORE_H_
