// The account store in PostgreSQL (users, sessions, user_subscriptions, pending_alerts; schema
// 004), through a PgPool: a database outage fails the calls made during it and no more.
#ifndef TICKSTOCKAPP_WEB_STORE_PG_ACCOUNT_STORE_H_
#define TICKSTOCKAPP_WEB_STORE_PG_ACCOUNT_STORE_H_

#include "web/store/account_store.h"
#include "web/store/pg_pool.h"

namespace tickstock::app {

// Thread-safe: each call takes a connection of its own from the pool. Keeps at most
// `max_alerts_per_user` alerts per user (the oldest go when alerts are added).
class PgAccountStore final : public AccountStore {
 public:
  // REQUIRES: `pool` outlives the store; max_alerts_per_user >= 1.
  explicit PgAccountStore(PgPool& pool, std::size_t max_alerts_per_user = kDefaultAlertHistory)
      : pool_(pool), max_alerts_(max_alerts_per_user) {}

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
  // Inserts alerts[from, to); what the database refuses as bad data is split off, halving,
  // until each refused alert stands alone.
  Result<void> insert_alerts(const std::vector<StoredAlert>& alerts, std::size_t from,
                             std::size_t to, AlertWrite& out);
  // Deletes the oldest alerts of `users` beyond the cap.
  Result<void> trim_alerts(const std::vector<std::string>& users);
  Result<PgResult> query(const std::string& sql, const std::vector<std::string>& params,
                         const std::string& what) {
    return pool_.query(sql, params, what);
  }
  PgPool& pool_;
  std::size_t max_alerts_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_PG_ACCOUNT_STORE_H_
