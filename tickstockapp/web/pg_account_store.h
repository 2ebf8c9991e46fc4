// The account store in PostgreSQL (users, sessions, user_subscriptions, pending_alerts; schema
// 004). Keeps a few connections, made as needed and reused; a broken one is dropped and the
// next call connects again, so a database outage fails the calls made during it and no more.
#ifndef TICKSTOCKAPP_WEB_PG_ACCOUNT_STORE_H_
#define TICKSTOCKAPP_WEB_PG_ACCOUNT_STORE_H_

#include <mutex>
#include <vector>

#include "db/pg_util.h"
#include "web/account_store.h"

namespace tickstock::app {

// Thread-safe: each call takes a connection of its own from the pool.
class PgAccountStore final : public AccountStore {
 public:
  // Connects lazily to `url`; keeps at most `max_idle` idle connections.
  explicit PgAccountStore(std::string url, std::size_t max_idle = 4)
      : url_(std::move(url)), max_idle_(max_idle) {}

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

  // Runs `sql` with text parameters on a pooled connection (for the REST queries that read
  // bars and detections); the error is "<what>: <message>".
  Result<PgResult> query(const std::string& sql, const std::vector<std::string>& params,
                         const std::string& what);

 private:
  Result<PgConn> acquire();
  void release(PgConn c);

  std::string url_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<PgConn> idle_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_PG_ACCOUNT_STORE_H_
