// Users, sessions, alert subscriptions and stored alerts: what the dashboard keeps per
// account. Two stores implement it: PostgreSQL (sql/004_accounts.sql) and memory (serve
// without a database). Calls block (PostgreSQL round trips): the server makes them from its
// worker threads, never from the io_context. Times are Unix seconds. Implementations are
// thread-safe.
#ifndef TICKSTOCKAPP_WEB_ACCOUNT_STORE_H_
#define TICKSTOCKAPP_WEB_ACCOUNT_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

enum class Role { kUser, kAdmin };
// "user" or "admin".
const char* role_name(Role r);
// The role named `name`; nullopt for anything else.
std::optional<Role> parse_role(std::string_view name);

struct User {
  std::int64_t id = 0;
  std::string username;
  Role role = Role::kUser;
  bool enabled = true;
  int failed_logins = 0;          // since the last successful login
  std::int64_t locked_until = 0;  // no login before this (0: not locked)
  std::int64_t created_at = 0;
  std::int64_t last_login_at = 0;  // 0: never
  std::string password_hash;       // filled only by find_user(), for the login check
};

struct SessionRecord {
  std::string token_hash;  // token_digest() of the cookie's token
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::string client_ip;
};

// Which pattern alerts a user receives: `pattern` is a TA-Lib name or "*" (every pattern);
// empty symbols/timeframes mean all of them.
struct Subscription {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string pattern = "*";
  std::vector<std::string> symbols;
  std::vector<std::string> timeframes;
  double min_confidence = 0;
  bool enabled = true;
  std::int64_t created_at = 0;
};

// An alert kept for a user: the JSON sent to the browser, and when it was delivered (0: it
// waits for the next login).
struct StoredAlert {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  // A JSON object; the same alert sent to many users shares one copy.
  std::shared_ptr<const std::string> payload;
  std::int64_t created_at = 0;
  std::int64_t delivered_at = 0;
};

// One page of a list, newest first; `next` is the cursor for the following page (0: none).
template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t next = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Adds a user; nullopt when the username is taken (case-insensitively).
  virtual Result<std::optional<User>> create_user(const std::string& username,
                                                  const std::string& password_hash, Role role,
                                                  std::int64_t now) = 0;
  // The user named `username` (case-insensitive), with password_hash.
  virtual Result<std::optional<User>> find_user(const std::string& username) = 0;
  virtual Result<std::optional<User>> user_by_id(std::int64_t id) = 0;
  // Every user, by id.
  virtual Result<std::vector<User>> list_users() = 0;
  // Changes what is given; false when there is no such user.
  virtual Result<bool> update_user(std::int64_t id, std::optional<Role> role,
                                   std::optional<bool> enabled) = 0;
  virtual Result<void> set_password(std::int64_t id, const std::string& password_hash) = 0;
  // Counts a failed login: after `max_failures` in a row the user is locked until
  // now + lockout_s (and the count starts again). Returns the user's locked_until.
  virtual Result<std::int64_t> record_failed_login(std::int64_t id, std::int64_t now,
                                                   int max_failures, std::int64_t lockout_s) = 0;
  // A successful login: clears the failures, sets last_login_at.
  virtual Result<void> record_login(std::int64_t id, std::int64_t now) = 0;
  // How many users have the admin role.
  virtual Result<std::int64_t> count_admins() = 0;

  virtual Result<void> create_session(const SessionRecord& s) = 0;
  // The session with this token hash, if it has not expired at `now`.
  virtual Result<std::optional<SessionRecord>> find_session(const std::string& token_hash,
                                                            std::int64_t now) = 0;
  virtual Result<void> delete_session(const std::string& token_hash) = 0;
  // Ends every session of a user (password changed, user disabled); returns how many.
  virtual Result<std::int64_t> delete_user_sessions(std::int64_t user_id) = 0;

  virtual Result<std::vector<Subscription>> list_subscriptions(std::int64_t user_id) = 0;
  // Every enabled subscription of every enabled user (the alert router's table).
  virtual Result<std::vector<Subscription>> active_subscriptions() = 0;
  // Adds `s` (its id and created_at are assigned) and returns it.
  virtual Result<Subscription> create_subscription(const Subscription& s, std::int64_t now) = 0;
  // Replaces the user's subscription s.id; false when the user has none with that id.
  virtual Result<bool> update_subscription(const Subscription& s) = 0;
  virtual Result<bool> delete_subscription(std::int64_t user_id, std::int64_t id) = 0;

  // Keeps alerts (delivered_at as given in each).
  virtual Result<void> add_alerts(const std::vector<StoredAlert>& alerts) = 0;
  // The user's undelivered alerts, oldest first, now marked delivered at `now`.
  virtual Result<std::vector<StoredAlert>> take_pending_alerts(std::int64_t user_id,
                                                               std::int64_t now) = 0;
  // The user's alerts with id < before (0: from the newest), newest first, at most `limit`.
  virtual Result<Page<StoredAlert>> alert_history(std::int64_t user_id, std::int64_t before,
                                                  int limit) = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_ACCOUNT_STORE_H_
