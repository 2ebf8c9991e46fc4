// /api/auth/*: login (session cookie + CSRF token), logout, register, change password, me.
#include "web/api.h"
#include "web/json_out.h"

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

// The body of a successful login and of /me.
std::string session_body(const User& u, const SessionRecord& s,
                         const std::vector<StoredAlert>* pending) {
  JsonOut j;
  j.begin_object();
  j.key("user");
  write_user(j, u);
  j.field("csrf_token", s.csrf_token);
  j.field("expires_at", iso_seconds(s.expires_at));
  if (pending != nullptr) {
    j.key("pending_alerts");
    j.begin_array();
    for (const StoredAlert& a : *pending) j.raw(*a.payload);
    j.end_array();
  }
  j.end_object();
  return j.take();
}

HttpResponse locked(std::int64_t until, std::int64_t now) {
  HttpResponse r =
      json_error(423, "locked", "too many failed logins: try again after " + iso_seconds(until));
  r.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, until - now)));
  return r;
}

}  // namespace

HttpResponse api_login(ApiContext& ctx, ApiCall& call) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  std::string username, password;
  if (auto bad = credentials(body, username, password)) return *bad;
  const HttpResponse refused = json_error(401, "unauthorized", "wrong username or password");
  if (!check_username(username) || password.size() > 1024) {
    ctx.metrics.logins_failed.fetch_add(1);
    return refused;
  }
  auto found = ctx.accounts.find_user(username);
  if (!found) return internal_error(found.error());
  if (!*found) {
    verify_dummy_password(password, ctx.auth.hash_cost);  // as slow as a wrong password
    ctx.metrics.logins_failed.fetch_add(1);
    return refused;
  }
  const User& u = **found;
  if (u.locked_until > call.now) {
    ctx.metrics.logins_locked.fetch_add(1);
    return locked(u.locked_until, call.now);
  }
  if (!verify_password(u.password_hash, password)) {
    ctx.metrics.logins_failed.fetch_add(1);
    auto until = ctx.accounts.record_failed_login(u.id, call.now, ctx.auth.max_failures,
                                                  ctx.auth.lockout.count());
    if (!until) return internal_error(until.error());
    return refused;
  }
  if (!u.enabled) return json_error(403, "forbidden", "this account is disabled");
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
  // Alerts that came while the user was away are handed over now, once.
  auto pending = ctx.accounts.take_pending_alerts(u.id, call.now);
  if (!pending) return internal_error(pending.error());
  User me = u;
  me.last_login_at = call.now;
  HttpResponse r = json_ok(session_body(me, s, &*pending));
  r.headers.emplace_back(
      "Set-Cookie", session_cookie(token, ctx.auth.session_ttl.count(), call.req.cookie_secure));
  r.headers.emplace_back("Set-Cookie",
                         hint_cookie(true, ctx.auth.session_ttl.count(), call.req.cookie_secure));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse api_logout(ApiContext& ctx, ApiCall& call) {
  const std::string& hash = call.session->session.token_hash;
  if (auto r = ctx.accounts.delete_session(hash); !r) return internal_error(r.error());
  ctx.sessions.forget(hash);
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
  auto found = ctx.accounts.find_user(me.username);
  if (!found) return internal_error(found.error());
  if (!*found || !verify_password((*found)->password_hash, current))
    return json_error(403, "forbidden", "the current password is wrong");
  auto hash = hash_password(next, ctx.auth.hash_cost);
  if (!hash) return internal_error(hash.error());
  if (auto r = ctx.accounts.set_password(me.id, *hash); !r) return internal_error(r.error());
  // Every other session of the user ends; this one goes on.
  if (auto r = ctx.accounts.delete_user_sessions(me.id); !r) return internal_error(r.error());
  if (auto r = ctx.accounts.create_session(call.session->session); !r)
    return internal_error(r.error());
  ctx.sessions.forget_user(me.id);
  return json_ok("{\"status\":\"password_changed\"}");
}

HttpResponse api_me(ApiContext&, ApiCall& call) {
  return json_ok(session_body(call.session->user, call.session->session, nullptr));
}

}  // namespace tickstock::app
