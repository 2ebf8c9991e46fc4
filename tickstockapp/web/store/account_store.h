// Users, sessions, alert subscriptions and stored alerts: what the dashboard keeps per
// account. Two stores implement it: PostgreSQL (sql/004_accounts.sql) and memory (serve
// without a database). Calls block (PostgreSQL round trips): the server makes them from its
// worker threads, never from the io_context. Times are Unix seconds. Implementations are
// thread-safe.
#ifndef TICKSTOCKAPP_WEB_STORE_ACCOUNT_STORE_H_
#define TICKSTOCKAPP_WEB_STORE_ACCOUNT_STORE_H_

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

// An alert kept for a user: the JSON sent to the browser, and when it was delivered (0: not
// yet: pending until a client acknowledges it, whether it was sent live or not).
struct StoredAlert {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  // A JSON object; the same alert sent to many users shares one copy.
  std::shared_ptr<const std::string> payload;
  std::int64_t created_at = 0;
  std::int64_t delivered_at = 0;
};

// Why add_alerts() did not keep one alert of a batch: its index there, and the database's reason.
struct RefusedAlert {
  std::size_t index = 0;
  std::string reason;
};

// What add_alerts() kept and refused (the alerts of unknown users are neither).
struct AlertWrite {
  std::size_t stored = 0;
  std::vector<RefusedAlert> refused;
  // Per alert given, in order: the id it was stored under; 0 when it was not stored.
  std::vector<std::int64_t> ids;
};

// One page of a list, newest first; `next` is the cursor for the following page (0: none).
template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t next = 0;
};

// Alerts kept per user by default (--alert-history): beyond it the oldest go.
constexpr std::size_t kDefaultAlertHistory = 1000;

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // True when a write returns at once (memory): the hub's AlertWriter then stores on the hub's
  // thread instead of its own (one thread hop less for live alerts).
  virtual bool writes_at_once() const { return false; }

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
  // A successful login: sets last_login_at.
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
  // Of `token_hashes`, those whose session has not expired at `now` and whose user is enabled.
  virtual Result<std::vector<std::string>> live_sessions(
      const std::vector<std::string>& token_hashes, std::int64_t now) = 0;

  virtual Result<std::vector<Subscription>> list_subscriptions(std::int64_t user_id) = 0;
  // Every enabled subscription of every enabled user (the alert router's table).
  virtual Result<std::vector<Subscription>> active_subscriptions() = 0;
  // Adds `s` (its id and created_at are assigned) and returns it.
  virtual Result<Subscription> create_subscription(const Subscription& s, std::int64_t now) = 0;
  // Replaces the user's subscription s.id; false when the user has none with that id.
  virtual Result<bool> update_subscription(const Subscription& s) = 0;
  virtual Result<bool> delete_subscription(std::int64_t user_id, std::int64_t id) = 0;

  // Keeps alerts (delivered_at as given in each) under ids it assigns, growing in the order
  // given; beyond the store's cap per user the oldest go. An alert the database refuses (e.g.
  // a payload jsonb cannot hold) is left out and reported, and the rest of the batch is kept.
  // Errors: the store failed as a whole.
  virtual Result<AlertWrite> add_alerts(const std::vector<StoredAlert>& alerts) = 0;
  // The user's alerts with id < before (0: from the newest), newest first, at most `limit`;
  // with `pending_only`, only the undelivered ones.
  virtual Result<Page<StoredAlert>> alert_history(std::int64_t user_id, std::int64_t before,
                                                  int limit, bool pending_only) = 0;
  // How many of the user's alerts are undelivered.
  virtual Result<std::int64_t> count_pending_alerts(std::int64_t user_id) = 0;
  // Marks the user's alerts `ids` delivered at `now` (those not yet so); returns how many were.
  virtual Result<std::int64_t> mark_alerts_delivered(std::int64_t user_id,
                                                     const std::vector<std::int64_t>& ids,
                                                     std::int64_t now) = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_ACCOUNT_STORE_H_
