// /api/auth/*: login (session cookie + CSRF token), logout, register, change password, me.
#include "base/json_out.h"
#include "web/api/api.h"
#include "web/http/client_address.h"

namespace tickstock::app {
namespace {

constexpr const char* kCookie = "tickstock_session";

std::string session_cookie(const std::string& token, std::int64_t max_age, bool secure) {
  return std::string(kCookie) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
         (secure ? "; Secure" : "");
}

// A cookie the page's script can read, holding no secret: it only tells the UI that a session
// may exist, so that a visitor's page does not ask /api/auth/me for a 401.
std::string hint_cookie(bool on, std::int64_t max_age, bool secure) {
  return std::string("tickstock_logged_in=") + (on ? "1" : "") +
         "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(on ? max_age : 0) +
         (secure ? "; Secure" : "");
}

// The "username" and "password" strings of a body; an error response when either is missing.
std::optional<HttpResponse> credentials(const simdjson::dom::object& body, std::string& username,
                                        std::string& password) {
  std::string_view u, p;
  if (body["username"].get_string().get(u) != simdjson::SUCCESS ||
      body["password"].get_string().get(p) != simdjson::SUCCESS)
    return json_error(400, "bad_request", "expected {\"username\": string, \"password\": string}");
  username = std::string(u);
  password = std::string(p);
  return std::nullopt;
}

// The body of a successful login and of /me; a login's also has the first page of the alerts
// that wait for the user, and how many wait (the rest: GET /api/alerts?pending=true).
std::string session_body(const User& u, const SessionRecord& s,
                         const std::vector<StoredAlert>* pending, std::int64_t pending_count) {
  JsonOut j;
  j.begin_object();
  j.key("user");
  write_user(j, u);
  j.field("csrf_token", s.csrf_token);
  j.field("expires_at", iso_seconds(s.expires_at));
  if (pending != nullptr) {
    j.key("pending_alerts");
    write_alert_items(j, *pending);
    j.field("pending_count", pending_count);
  }
  j.end_object();
  return j.take();
}

// Whether `password` is that of `user` (null: no such account). Either way one argon2id
// verification is spent, so that no answer comes sooner than another.
bool password_matches(const ApiContext& ctx, const User* user, std::string_view password) {
  ctx.metrics.password_checks.fetch_add(1);
  if (user == nullptr) {
    verify_dummy_password(password, ctx.auth.hash_cost);
    return false;
  }
  return verify_password(user->password_hash, password);
}

HttpResponse start_session(ApiContext& ctx, ApiCall& call, const User& u) {
  SessionRecord s;
  const std::string token = random_token();
  s.token_hash = token_digest(token);
  s.user_id = u.id;
  s.csrf_token = random_token();
  s.created_at = call.now;
  s.expires_at = call.now + ctx.auth.session_ttl.count();
  s.client_ip = call.req.client_ip;
  if (auto r = ctx.accounts.create_session(s); !r) return internal_error(r.error());
  if (auto r = ctx.accounts.record_login(u.id, call.now); !r) return internal_error(r.error());
  // The alerts that came while the user was away: a first page; they stay pending until a
  // client acknowledges them (POST /api/alerts/ack, or "ack" on /ws).
  auto pending = ctx.accounts.alert_history(u.id, 0, kPendingFirstPage, true);
  if (!pending) return internal_error(pending.error());
  auto count = ctx.accounts.count_pending_alerts(u.id);
  if (!count) return internal_error(count.error());
  User me = u;
  me.last_login_at = call.now;
  HttpResponse r = json_ok(session_body(me, s, &pending->items, *count));
  r.headers.emplace_back(
      "Set-Cookie", session_cookie(token, ctx.auth.session_ttl.count(), call.req.cookie_secure));
  r.headers.emplace_back("Set-Cookie",
                         hint_cookie(true, ctx.auth.session_ttl.count(), call.req.cookie_secure));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

HttpResponse api_login(ApiContext& ctx, ApiCall& call) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  std::string username, password;
  if (auto bad = credentials(body, username, password)) return *bad;
  // Every refusal is this answer, after one password verification: an unknown name, a wrong
  // password, a disabled account and a delayed (account, address) look alike.
  const HttpResponse refused = json_error(401, "unauthorized", "wrong username or password");
  const std::string ip = address_key(call.req.client_ip);  // an IPv6 client: its /64
  const bool delayed = ctx.logins.delay(username, ip) > 0;
  std::optional<User> user;
  if (check_username(username) && password.size() <= 1024) {
    auto found = ctx.accounts.find_user(username);
    if (!found) return internal_error(found.error());
    user = std::move(*found);
  }
  const bool matches =
      password_matches(ctx, user ? &*user : nullptr, std::string_view(password).substr(0, 1024));
  // A try while the pair must wait counts as a failure too: guessing on only makes it longer.
  if (delayed || !matches || !user->enabled) {
    (delayed ? ctx.metrics.logins_locked : ctx.metrics.logins_failed).fetch_add(1);
    ctx.logins.failed(username, ip);
    return refused;
  }
  ctx.logins.succeeded(username, ip);
  return start_session(ctx, call, *user);
}

HttpResponse api_logout(ApiContext& ctx, ApiCall& call) {
  const std::string& hash = call.session->session.token_hash;
  if (auto r = ctx.accounts.delete_session(hash); !r) return internal_error(r.error());
  ctx.sessions.forget(hash);
  if (ctx.sessions_ended) ctx.sessions_ended(call.session->user.id, hash, EndedSessions::kThis);
  HttpResponse r = json_ok("{\"status\":\"logged_out\"}");
  r.headers.emplace_back("Set-Cookie", session_cookie("", 0, call.req.cookie_secure));
  r.headers.emplace_back("Set-Cookie", hint_cookie(false, 0, call.req.cookie_secure));
  return r;
}

HttpResponse api_register(ApiContext& ctx, ApiCall& call) {
  if (!ctx.auth.registration)
    return json_error(403, "forbidden", "registration is disabled on this server");
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  std::string username, password;
  if (auto bad = credentials(body, username, password)) return *bad;
  return create_account(ctx, username, password, Role::kUser, call.now);
}

HttpResponse api_change_password(ApiContext& ctx, ApiCall& call) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  std::string_view current, next;
  if (body["current_password"].get_string().get(current) != simdjson::SUCCESS ||
      body["new_password"].get_string().get(next) != simdjson::SUCCESS)
    return json_error(400, "bad_request",
                      "expected {\"current_password\": string, \"new_password\": string}");
  if (auto ok = check_password(next); !ok)
    return json_error(400, "bad_request", ok.error().message);
  const User& me = call.session->user;
  const std::string ip = address_key(call.req.client_ip);  // an IPv6 client: its /64
  // Wrong current passwords count as failed logins of the account from this address (a stolen
  // cookie is no way around the delays).
  const std::int64_t wait = ctx.logins.delay(me.username, ip);
  auto found = ctx.accounts.find_user(me.username);
  if (!found) return internal_error(found.error());
  const bool matches = password_matches(ctx, *found ? &**found : nullptr, current);
  if (wait > 0) {
    ctx.metrics.logins_locked.fetch_add(1);
    HttpResponse r = json_error(429, "too_many_requests",
                                "too many wrong passwords from this address: try again later");
    r.headers.emplace_back("Retry-After", std::to_string(ctx.logins.failed(me.username, ip)));
    return r;
  }
  if (!matches) {
    ctx.metrics.logins_failed.fetch_add(1);
    ctx.logins.failed(me.username, ip);
    return json_error(403, "forbidden", "the current password is wrong");
  }
  ctx.logins.succeeded(me.username, ip);
  auto hash = hash_password(next, ctx.auth.hash_cost);
  if (!hash) return internal_error(hash.error());
  if (auto r = ctx.accounts.set_password(me.id, *hash); !r) return internal_error(r.error());
  // Every other session of the user ends; this one goes on.
  if (auto r = ctx.accounts.delete_user_sessions(me.id); !r) return internal_error(r.error());
  if (auto r = ctx.accounts.create_session(call.session->session); !r)
    return internal_error(r.error());
  ctx.sessions.forget_user(me.id);
  if (ctx.sessions_ended)
    ctx.sessions_ended(me.id, call.session->session.token_hash, EndedSessions::kAllButThis);
  return json_ok("{\"status\":\"password_changed\"}");
}

HttpResponse api_me(ApiContext&, ApiCall& call) {
  return json_ok(session_body(call.session->user, call.session->session, nullptr, 0));
}

}  // namespace tickstock::app
