// The dashboard's accounts over real sockets: login, sessions, CSRF, lockout, rate limits,
// registration, password changes, admin routes (serve in memory mode).
#include <string>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "web/api/api.h"

using namespace tickstock::test;

TEST_CASE("dashboard: login sets an HttpOnly SameSite session cookie and bad credentials get 401",
          "[app][web][api][auth]") {
  WebServe serve(api_args());
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login ok = login(c, "admin", kAdminPassword);
  REQUIRE(ok.ok());
  const std::string& set_cookie = ok.reply.set_cookies.at(0);
  CHECK(set_cookie.find("; HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(set_cookie.find("; Path=/") != std::string::npos);
  CHECK(set_cookie.find("; Max-Age=43200") != std::string::npos);
  CHECK(set_cookie.find("Secure") == std::string::npos);  // plain HTTP
  CHECK(json_field(ok.reply.body, "username") == "admin");
  CHECK(json_field(ok.reply.body, "role") == "admin");
  CHECK(ok.reply.header("cache-control") == "no-store");

  const Login wrong = login(c, "admin", "not-the-password");
  CHECK(wrong.reply.status == 401);
  CHECK(json_field(wrong.reply.body, "error") == "unauthorized");
  CHECK(wrong.cookie.empty());
  CHECK(login(c, "nobody", "whatever-pass").reply.status == 401);
  CHECK(login(c, "x'; DROP TABLE users; --", "pw").reply.status == 401);

  // Malformed bodies: 400 or 415, never 500.
  CHECK(c.request("POST", "/api/auth/login", "{\"username\":\"admin\"}",
                  {{"Content-Type", "application/json"}})
            .status == 400);
  CHECK(c.request("POST", "/api/auth/login", "{not json", {{"Content-Type", "application/json"}})
            .status == 400);
  CHECK(c.request("POST", "/api/auth/login", "[1,2]", {{"Content-Type", "application/json"}})
            .status == 400);
  CHECK(c.request("POST", "/api/auth/login", credentials_json("admin", kAdminPassword),
                  {{"Content-Type", "text/plain"}})
            .status == 415);
  CHECK(c.get("/api/auth/login").status == 405);
  CHECK(c.get("/api/nothing-here").status == 404);

  // The session works, and ends at logout (which needs the CSRF token).
  const HttpReply me = c.get("/api/auth/me", {{"Cookie", ok.cookie}});
  CHECK(me.status == 200);
  CHECK(json_field(me.body, "csrf_token") == ok.csrf);
  CHECK(c.get("/api/auth/me").status == 401);
  CHECK(c.get("/api/auth/me", {{"Cookie", "tickstock_session=forged"}}).status == 401);
  const HttpReply no_csrf = c.request("POST", "/api/auth/logout", "", {{"Cookie", ok.cookie}});
  CHECK(no_csrf.status == 403);
  CHECK(json_field(no_csrf.body, "error") == "csrf");
  CHECK(c.request("POST", "/api/auth/logout", "",
                  {{"Cookie", ok.cookie}, {"X-CSRF-Token", ok.csrf + "x"}})
            .status == 403);
  const HttpReply out = c.request("POST", "/api/auth/logout", "", auth(ok));
  CHECK(out.status == 200);
  CHECK(out.set_cookies.at(0).find("Max-Age=0") != std::string::npos);
  CHECK(c.get("/api/auth/me", {{"Cookie", ok.cookie}}).status == 401);
  // Secrets never reach the log.
  const std::string err = serve.process().err();
  CHECK(err.find(kAdminPassword) == std::string::npos);
  CHECK(err.find(ok.cookie.substr(18)) == std::string::npos);
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: every /api/ route but login and register needs a session",
          "[app][web][api][auth]") {
  WebServe serve(api_args());
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  int checked = 0;
  for (const auto& route : tickstock::app::api_routes()) {
    std::string path = route.pattern;
    for (auto b = path.find('{'); b != std::string::npos; b = path.find('{'))
      path.replace(b, path.find('}', b) - b + 1, "1");
    const HttpReply r = c.request(route.method, path, "{}", {{"Content-Type", "application/json"}});
    INFO(route.method << " " << path << " -> " << r.status << " " << r.body);
    if (route.access == tickstock::app::Access::kPublic) {
      CHECK(r.status != 401);
    } else {
      CHECK(r.status == 401);
      CHECK(json_field(r.body, "error") == "unauthorized");
      ++checked;
    }
  }
  CHECK(checked >= 19);
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: per-IP and per-user rate limits answer 429 with Retry-After",
          "[app][web][api][auth]") {
  {
    WebServe serve(api_args({"--rate-limit-ip", "1/5"}));
    REQUIRE(serve.port() > 0);
    HttpClient c(serve.port());
    int limited = 0;
    HttpReply last;
    for (int i = 0; i < 8; ++i) {
      last = c.get("/api/auth/me");
      if (last.status == 429) {
        ++limited;
        CHECK(last.header("retry-after") == "1");
        CHECK(json_field(last.body, "error") == "too_many_requests");
      }
    }
    CHECK(limited == 3);                    // 5 in the burst, then 1 a second
    CHECK(c.get("/health").status == 200);  // only /api/ is limited
    CHECK(c.get("/metrics").body.find("tickstock_http_rate_limited_total 3\n") !=
          std::string::npos);
    CHECK(serve.stop() == 0);
  }
  {
    WebServe serve(api_args({"--rate-limit-user", "0.5/3"}));
    REQUIRE(serve.port() > 0);
    HttpClient c(serve.port());
    const Login l = login(c, "admin", kAdminPassword);
    REQUIRE(l.ok());
    int limited = 0;
    for (int i = 0; i < 5; ++i) {
      const HttpReply r = c.get("/api/auth/me", auth(l));
      if (r.status == 429) {
        ++limited;
        CHECK(r.header("retry-after") == "2");
      }
    }
    CHECK(limited == 2);
    CHECK(serve.stop() == 0);
  }
}

TEST_CASE("dashboard: registration, password changes and the admin's user management",
          "[app][web][api][auth]") {
  WebServe closed(api_args());
  REQUIRE(closed.port() > 0);
  HttpClient cc(closed.port());
  CHECK(cc.request("POST", "/api/auth/register", credentials_json("bob", "bob-password"),
                   {{"Content-Type", "application/json"}})
            .status == 403);
  CHECK(closed.stop() == 0);

  WebServe serve(api_args({"--registration"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Headers json{{"Content-Type", "application/json"}};
  const HttpReply made =
      c.request("POST", "/api/auth/register", credentials_json("bob", "bob-password"), json);
  CHECK(made.status == 201);
  CHECK(json_field(made.body, "role") == "user");
  CHECK(c.request("POST", "/api/auth/register", credentials_json("BOB", "other-password"), json)
            .status == 409);
  CHECK(c.request("POST", "/api/auth/register", credentials_json("b b", "bob-password"), json)
            .status == 400);
  CHECK(c.request("POST", "/api/auth/register", credentials_json("carol", "short"), json).status ==
        400);

  Login bob = login(c, "bob", "bob-password");
  REQUIRE(bob.ok());
  HttpClient c2(serve.port());
  const Login bob2 = login(c2, "bob", "bob-password");  // a second session
  REQUIRE(bob2.ok());
  CHECK(c.get("/api/admin/users", auth(bob)).status == 403);
  const std::string change =
      "{\"current_password\":\"wrong-one\",\"new_password\":\"bob-new-pass\"}";
  CHECK(c.request("POST", "/api/auth/password", change, auth(bob)).status == 403);
  CHECK(c.request("POST", "/api/auth/password",
                  "{\"current_password\":\"bob-password\",\"new_password\":\"bob-new-pass\"}",
                  auth(bob))
            .status == 200);
  CHECK(c.get("/api/auth/me", auth(bob)).status == 200);    // this session goes on
  CHECK(c2.get("/api/auth/me", auth(bob2)).status == 401);  // the other one ended
  CHECK(login(c2, "bob", "bob-password").reply.status == 401);
  CHECK(login(c2, "bob", "bob-new-pass").ok());

  const Login admin = login(c2, "admin", kAdminPassword);
  REQUIRE(admin.ok());
  const HttpReply users = c2.get("/api/admin/users", auth(admin));
  CHECK(users.status == 200);
  CHECK(users.body.find("\"username\":\"bob\"") != std::string::npos);
  const std::string bob_id = json_field(made.body, "id");
  CHECK(c2.request("PATCH", "/api/admin/users/" + bob_id, "{\"role\":\"boss\"}", auth(admin))
            .status == 400);
  CHECK(c2.request("PATCH", "/api/admin/users/abc", "{\"enabled\":false}", auth(admin)).status ==
        400);
  CHECK(c2.request("PATCH", "/api/admin/users/999", "{\"enabled\":false}", auth(admin)).status ==
        404);
  CHECK(c2.request("PATCH", "/api/admin/users/" + json_field(admin.reply.body, "id"),
                   "{\"role\":\"user\"}", auth(admin))
            .status == 409);  // not your own account
  const HttpReply disabled =
      c2.request("PATCH", "/api/admin/users/" + bob_id, "{\"enabled\":false}", auth(admin));
  CHECK(disabled.status == 200);
  CHECK(json_field(disabled.body, "enabled") == "false");
  CHECK(c.get("/api/auth/me", auth(bob)).status == 401);       // the session ended at once
  CHECK(login(c, "bob", "bob-new-pass").reply.status == 401);  // as any refusal
  const HttpReply added = c2.request(
      "POST", "/api/admin/users",
      "{\"username\":\"dora\",\"password\":\"dora-password\",\"role\":\"admin\"}", auth(admin));
  CHECK(added.status == 201);
  CHECK(json_field(added.body, "role") == "admin");
  CHECK(login(c, "dora", "dora-password").ok());
  const HttpReply stats = c2.get("/api/admin/stats", auth(admin));
  CHECK(stats.status == 200);
  CHECK(stats.body.find("\"feed_running\":true") != std::string::npos);
  CHECK(stats.body.find("\"database\":false") != std::string::npos);
  CHECK(serve.stop() == 0);
}
