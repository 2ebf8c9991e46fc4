// PgAccountStore: one parameterised statement per call on a pooled connection.
#include "web/store/pg_account_store.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace tickstock::app {
namespace {

constexpr const char* kUserColumns =
    "id, username, role, enabled, extract(epoch FROM created_at)::bigint, "
    "coalesce(extract(epoch FROM last_login_at)::bigint, 0), password_hash";
constexpr const char* kSubscriptionColumns =
    "id, user_id, pattern, array_to_string(symbols, ','), array_to_string(timeframes, ','), "
    "min_confidence, enabled, extract(epoch FROM created_at)::bigint";
constexpr const char* kAlertColumns =
    "id, user_id, payload::text, extract(epoch FROM created_at)::bigint, "
    "coalesce(extract(epoch FROM delivered_at)::bigint, 0)";

std::int64_t int_at(const PGresult* r, int row, int col) {
  return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}
std::string text_at(const PGresult* r, int row, int col) { return PQgetvalue(r, row, col); }

User user_at(const PGresult* r, int i) {
  User u;
  u.id = int_at(r, i, 0);
  u.username = text_at(r, i, 1);
  u.role = parse_role(text_at(r, i, 2)).value_or(Role::kUser);
  u.enabled = text_at(r, i, 3) == "t";
  u.created_at = int_at(r, i, 4);
  u.last_login_at = int_at(r, i, 5);
  u.password_hash = text_at(r, i, 6);
  return u;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Subscription subscription_at(const PGresult* r, int i) {
  Subscription s;
  s.id = int_at(r, i, 0);
  s.user_id = int_at(r, i, 1);
  s.pattern = text_at(r, i, 2);
  s.symbols = split_commas(text_at(r, i, 3));
  s.timeframes = split_commas(text_at(r, i, 4));
  s.min_confidence = std::strtod(PQgetvalue(r, i, 5), nullptr);
  s.enabled = text_at(r, i, 6) == "t";
  s.created_at = int_at(r, i, 7);
  return s;
}

StoredAlert alert_at(const PGresult* r, int i) {
  StoredAlert a;
  a.id = int_at(r, i, 0);
  a.user_id = int_at(r, i, 1);
  a.payload = std::make_shared<const std::string>(text_at(r, i, 2));
  a.created_at = int_at(r, i, 3);
  a.delivered_at = int_at(r, i, 4);
  return a;
}

std::string str(std::int64_t v) { return std::to_string(v); }

}  // namespace

Result<std::optional<User>> PgAccountStore::create_user(const std::string& username,
                                                        const std::string& password_hash, Role role,
                                                        std::int64_t now) {
  auto r = query(std::string("INSERT INTO users (username, email, password_hash, role, is_admin, "
                             "created_at, password_changed_at) VALUES ($1, NULL, $2, $3, $3 = "
                             "'admin', to_timestamp($4), to_timestamp($4)) ON CONFLICT DO "
                             "NOTHING RETURNING ") +
                     kUserColumns,
                 {username, password_hash, role_name(role), str(now)}, "adding a user");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return std::optional<User>();
  User u = user_at(r->get(), 0);
  u.password_hash.clear();
  return std::optional<User>(u);
}

Result<std::optional<User>> PgAccountStore::find_user(const std::string& username) {
  auto r =
      query(std::string("SELECT ") + kUserColumns + " FROM users WHERE lower(username) = lower($1)",
            {username}, "reading a user");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return std::optional<User>();
  return std::optional<User>(user_at(r->get(), 0));
}

Result<std::optional<User>> PgAccountStore::user_by_id(std::int64_t id) {
  auto r = query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {str(id)},
                 "reading a user");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return std::optional<User>();
  User u = user_at(r->get(), 0);
  u.password_hash.clear();
  return std::optional<User>(u);
}

Result<std::vector<User>> PgAccountStore::list_users() {
  auto r =
      query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id", {}, "listing users");
  if (!r) return r.error();
  std::vector<User> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    out.push_back(user_at(r->get(), i));
    out.back().password_hash.clear();
  }
  return out;
}

Result<bool> PgAccountStore::update_user(std::int64_t id, std::optional<Role> role,
                                         std::optional<bool> enabled) {
  // NULL leaves a column as it is.
  std::vector<std::string> p{str(id), role ? role_name(*role) : "",
                             enabled ? (*enabled ? "true" : "false") : ""};
  auto r = query(
      "UPDATE users SET role = coalesce(nullif($2, ''), role), is_admin = coalesce(nullif($2, "
      "''), role) = 'admin', enabled = coalesce(nullif($3, '')::boolean, enabled) WHERE id = $1",
      p, "updating a user");
  if (!r) return r.error();
  return std::string(PQcmdTuples(r->get())) == "1";
}

Result<void> PgAccountStore::set_password(std::int64_t id, const std::string& password_hash) {
  auto r = query("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1",
                 {str(id), password_hash}, "changing a password");
  if (!r) return r.error();
  return {};
}

Result<void> PgAccountStore::record_login(std::int64_t id, std::int64_t now) {
  auto r = query("UPDATE users SET last_login_at = to_timestamp($2) WHERE id = $1",
                 {str(id), str(now)}, "recording a login");
  if (!r) return r.error();
  return {};
}

Result<std::int64_t> PgAccountStore::count_admins() {
  auto r = query("SELECT count(*) FROM users WHERE role = 'admin'", {}, "counting admins");
  if (!r) return r.error();
  return int_at(r->get(), 0, 0);
}

Result<void> PgAccountStore::create_session(const SessionRecord& s) {
  // The user's expired sessions go at the same time, so the table does not grow forever.
  auto r = query(
      "WITH expired AS (DELETE FROM sessions WHERE user_id = $2 AND expires_at < "
      "to_timestamp($4)) INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
      "expires_at, last_seen_at, client_ip) VALUES ($1, $2, $3, to_timestamp($4), "
      "to_timestamp($5), to_timestamp($4), $6)",
      {s.token_hash, str(s.user_id), s.csrf_token, str(s.created_at), str(s.expires_at),
       s.client_ip},
      "storing a session");
  if (!r) return r.error();
  return {};
}

Result<std::optional<SessionRecord>> PgAccountStore::find_session(const std::string& token_hash,
                                                                  std::int64_t now) {
  auto r = query(
      "SELECT token_hash, user_id, csrf_token, extract(epoch FROM created_at)::bigint, "
      "extract(epoch FROM expires_at)::bigint, coalesce(client_ip, '') FROM sessions WHERE "
      "token_hash = $1 AND expires_at > to_timestamp($2)",
      {token_hash, str(now)}, "reading a session");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return std::optional<SessionRecord>();
  SessionRecord s;
  s.token_hash = text_at(r->get(), 0, 0);
  s.user_id = int_at(r->get(), 0, 1);
  s.csrf_token = text_at(r->get(), 0, 2);
  s.created_at = int_at(r->get(), 0, 3);
  s.expires_at = int_at(r->get(), 0, 4);
  s.client_ip = text_at(r->get(), 0, 5);
  return std::optional<SessionRecord>(s);
}

Result<void> PgAccountStore::delete_session(const std::string& token_hash) {
  auto r = query("DELETE FROM sessions WHERE token_hash = $1", {token_hash}, "ending a session");
  if (!r) return r.error();
  return {};
}

Result<std::int64_t> PgAccountStore::delete_user_sessions(std::int64_t user_id) {
  auto r = query("DELETE FROM sessions WHERE user_id = $1", {str(user_id)}, "ending sessions");
  if (!r) return r.error();
  return std::strtoll(PQcmdTuples(r->get()), nullptr, 10);
}

Result<std::vector<std::string>> PgAccountStore::live_sessions(
    const std::vector<std::string>& token_hashes, std::int64_t now) {
  if (token_hashes.empty()) return std::vector<std::string>();
  auto r = query(
      "SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = "
      "ANY($1::text[]) AND s.expires_at > to_timestamp($2) AND u.enabled",
      {pg_text_array(token_hashes), str(now)}, "checking sessions");
  if (!r) return r.error();
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(text_at(r->get(), i, 0));
  return out;
}

Result<std::vector<Subscription>> PgAccountStore::list_subscriptions(std::int64_t user_id) {
  auto r = query(std::string("SELECT ") + kSubscriptionColumns +
                     " FROM user_subscriptions WHERE user_id = $1 ORDER BY id",
                 {str(user_id)}, "listing subscriptions");
  if (!r) return r.error();
  std::vector<Subscription> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(subscription_at(r->get(), i));
  return out;
}

Result<std::vector<Subscription>> PgAccountStore::active_subscriptions() {
  auto r = query(std::string("SELECT ") + kSubscriptionColumns +
                     " FROM user_subscriptions s WHERE enabled AND EXISTS (SELECT 1 FROM users u "
                     "WHERE u.id = s.user_id AND u.enabled) ORDER BY id",
                 {}, "reading subscriptions");
  if (!r) return r.error();
  std::vector<Subscription> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(subscription_at(r->get(), i));
  return out;
}

Result<Subscription> PgAccountStore::create_subscription(const Subscription& s, std::int64_t now) {
  auto r = query(std::string("INSERT INTO user_subscriptions (user_id, pattern, symbols, "
                             "timeframes, min_confidence, enabled, created_at) VALUES ($1, $2, "
                             "$3, $4, $5, $6, to_timestamp($7)) RETURNING ") +
                     kSubscriptionColumns,
                 {str(s.user_id), s.pattern, pg_text_array(s.symbols), pg_text_array(s.timeframes),
                  std::to_string(s.min_confidence), s.enabled ? "true" : "false", str(now)},
                 "adding a subscription");
  if (!r) return r.error();
  return subscription_at(r->get(), 0);
}

Result<bool> PgAccountStore::update_subscription(const Subscription& s) {
  auto r = query(
      "UPDATE user_subscriptions SET pattern = $3, symbols = $4, timeframes = $5, "
      "min_confidence = $6, enabled = $7 WHERE id = $1 AND user_id = $2",
      {str(s.id), str(s.user_id), s.pattern, pg_text_array(s.symbols), pg_text_array(s.timeframes),
       std::to_string(s.min_confidence), s.enabled ? "true" : "false"},
      "changing a subscription");
  if (!r) return r.error();
  return std::string(PQcmdTuples(r->get())) == "1";
}

Result<bool> PgAccountStore::delete_subscription(std::int64_t user_id, std::int64_t id) {
  auto r = query("DELETE FROM user_subscriptions WHERE id = $1 AND user_id = $2",
                 {str(id), str(user_id)}, "removing a subscription");
  if (!r) return r.error();
  return std::string(PQcmdTuples(r->get())) == "1";
}

Result<AlertWrite> PgAccountStore::add_alerts(const std::vector<StoredAlert>& alerts) {
  AlertWrite out;
  out.ids.assign(alerts.size(), 0);
  if (alerts.empty()) return out;
  if (auto r = insert_alerts(alerts, 0, alerts.size(), out); !r) return r.error();
  std::vector<std::string> users;
  for (const StoredAlert& a : alerts) users.push_back(str(a.user_id));
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  if (auto r = trim_alerts(users); !r) return r.error();
  return out;
}

Result<void> PgAccountStore::insert_alerts(const std::vector<StoredAlert>& alerts, std::size_t from,
                                           std::size_t to, AlertWrite& out) {
  // One statement for the range: parallel arrays unnested. Payloads are JSON objects, so a
  // text[] literal of them needs only pg_text_array's quoting.
  std::vector<std::string> users, payloads, created, delivered;
  for (std::size_t i = from; i < to; ++i) {
    const StoredAlert& a = alerts[i];
    users.push_back(str(a.user_id));
    payloads.push_back(*a.payload);
    created.push_back(str(a.created_at));
    delivered.push_back(str(a.delivered_at));
  }
  // The ids are drawn first, in the order given (nextval runs as the ordered rows come), so
  // that the caller learns each alert's id; the alerts of unknown users get none.
  std::string state;
  auto r = pool_.query(
      "WITH t AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('pending_alerts', 'id')) "
      "AS id, u, p, c, d, n FROM (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], "
      "$4::bigint[]) WITH ORDINALITY AS x(u, p, c, d, n) WHERE EXISTS (SELECT 1 FROM users "
      "WHERE users.id = x.u) ORDER BY n) o), ins AS (INSERT INTO pending_alerts (id, user_id, "
      "payload, created_at, delivered_at) SELECT id, u, p::jsonb, to_timestamp(c), CASE WHEN d = "
      "0 THEN NULL ELSE to_timestamp(d) END FROM t) SELECT n, id FROM t",
      {pg_text_array(users), pg_text_array(payloads), pg_text_array(created),
       pg_text_array(delivered)},
      "storing alerts", &state);
  if (r) {
    const int rows = PQntuples(r->get());
    for (int i = 0; i < rows; ++i) {
      const std::int64_t n = int_at(r->get(), i, 0);  // 1-based within [from, to)
      if (n >= 1 && static_cast<std::size_t>(n) <= to - from)
        out.ids[from + static_cast<std::size_t>(n) - 1] = int_at(r->get(), i, 1);
    }
    out.stored += static_cast<std::size_t>(rows);
    return {};
  }
  // Class 22 is "data exception" (jsonb refusing \u0000, bad UTF-8, ...): a row's fault, not
  // the database's. Anything else fails the batch (the caller tries it again later).
  if (state.rfind("22", 0) != 0) return r.error();
  if (to - from == 1) {
    out.refused.push_back({from, r.error().message});
    return {};
  }
  const std::size_t mid = from + (to - from) / 2;
  if (auto left = insert_alerts(alerts, from, mid, out); !left) return left;
  return insert_alerts(alerts, mid, to, out);
}

Result<void> PgAccountStore::trim_alerts(const std::vector<std::string>& users) {
  // Per user, the id of the newest alert past the cap (the index on (user_id, id DESC) finds
  // it); that one and the older go.
  auto r = query(
      "DELETE FROM pending_alerts p USING (SELECT u.id AS uid, (SELECT a.id FROM pending_alerts "
      "a WHERE a.user_id = u.id ORDER BY a.id DESC OFFSET $2 LIMIT 1) AS edge FROM "
      "unnest($1::bigint[]) AS u(id)) e WHERE p.user_id = e.uid AND p.id <= e.edge",
      {pg_text_array(users), std::to_string(max_alerts_)}, "trimming the alert history");
  if (!r) return r.error();
  return {};
}

Result<Page<StoredAlert>> PgAccountStore::alert_history(std::int64_t user_id, std::int64_t before,
                                                        int limit, bool pending_only) {
  auto r =
      query(std::string("SELECT ") + kAlertColumns +
                " FROM pending_alerts WHERE user_id = $1 AND ($2::bigint = 0 OR id < "
                "$2::bigint) AND (NOT $4::boolean OR delivered_at IS NULL) ORDER BY id DESC "
                "LIMIT $3",
            {str(user_id), str(before), std::to_string(limit + 1), pending_only ? "true" : "false"},
            "reading alerts");
  if (!r) return r.error();
  Page<StoredAlert> page;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    if (i == limit) {
      page.next = page.items.back().id;
      break;
    }
    page.items.push_back(alert_at(r->get(), i));
  }
  return page;
}

Result<std::int64_t> PgAccountStore::count_pending_alerts(std::int64_t user_id) {
  auto r = query("SELECT count(*) FROM pending_alerts WHERE user_id = $1 AND delivered_at IS NULL",
                 {str(user_id)}, "counting pending alerts");
  if (!r) return r.error();
  return int_at(r->get(), 0, 0);
}

Result<std::int64_t> PgAccountStore::mark_alerts_delivered(std::int64_t user_id,
                                                           const std::vector<std::int64_t>& ids,
                                                           std::int64_t now) {
  if (ids.empty()) return std::int64_t{0};
  std::vector<std::string> text;
  for (std::int64_t id : ids) text.push_back(str(id));
  auto r = query(
      "UPDATE pending_alerts SET delivered_at = to_timestamp($3) WHERE user_id = $1 AND id = "
      "ANY($2::bigint[]) AND delivered_at IS NULL",
      {str(user_id), pg_text_array(text), str(now)}, "marking alerts delivered");
  if (!r) return r.error();
  return std::strtoll(PQcmdTuples(r->get()), nullptr, 10);
}

}  // namespace tickstock::app
