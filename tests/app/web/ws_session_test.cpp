// An open /ws ends with its session: logout closes that session's sockets, a password change
// those of the user's other sessions, disabling the user all of them; and every few seconds each
// socket's session is read again, so that a change made elsewhere (another server, the
// database, expiry) closes it too. Real sockets, real /ws clients.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "support/pg_test_db.h"

using namespace tickstock::test;

namespace {

// Seconds until the server closed `ws` (reading what comes meanwhile); -1 when it stayed open
// for `wait`.
double closed_within(WsClient& ws, std::chrono::milliseconds wait) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < wait) {
    ws.receive(std::chrono::milliseconds(100));
    if (ws.closed())
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return -1;
}

// True when `ws` still answers a ping.
bool answers(WsClient& ws) {
  ws.send("{\"type\":\"ping\"}");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && !ws.closed())
    if (json_field(ws.receive(std::chrono::milliseconds(200)), "type") == "pong") return true;
  return false;
}

// True once /metrics has `line` (a socket's close is counted when its close handshake ends,
// just after the client sees it); waits up to 5 s.
bool metrics_show(HttpClient& c, const std::string& line) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (c.get("/metrics").body.find(line) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("dashboard: logout, a password change and disabling close the sockets at once",
          "[app][web][ws][auth]") {
  WebServe serve(api_args({"--registration"}));
  REQUIRE(serve.port() > 0);
  const int port = serve.port();
  HttpClient c(port);
  REQUIRE(c.request("POST", "/api/auth/register", credentials_json("bob", "bob-password"),
                    {{"Content-Type", "application/json"}})
              .status == 201);
  const Login admin = login(c, "admin", kAdminPassword);
  HttpClient ca(port), cb(port), cc(port);
  const Login a = login(ca, "bob", "bob-password");
  const Login b = login(cb, "bob", "bob-password");
  REQUIRE((admin.ok() && a.ok() && b.ok()));
  WsClient ws_a(port, ws_headers(a, port));
  WsClient ws_b(port, ws_headers(b, port));
  WsClient ws_admin(port, ws_headers(admin, port));
  REQUIRE((ws_a.ok() && ws_b.ok() && ws_admin.ok()));
  REQUIRE((answers(ws_a) && answers(ws_b)));

  // Logout: that session's socket, not the other session's.
  REQUIRE(cb.request("POST", "/api/auth/logout", "", auth(b)).status == 200);
  const double after_logout = closed_within(ws_b, std::chrono::seconds(5));
  CHECK(after_logout >= 0);
  CHECK(after_logout < 2);  // well before a re-check (every 3 s) would find it
  CHECK(ws_b.close_code() == 1008);
  CHECK(answers(ws_a));

  // A password change: the other sessions' sockets, not this session's.
  const Login c2 = login(cc, "bob", "bob-password");
  REQUIRE(c2.ok());
  WsClient ws_c(port, ws_headers(c2, port));
  REQUIRE(answers(ws_c));
  REQUIRE(ca.request("POST", "/api/auth/password",
                     "{\"current_password\":\"bob-password\",\"new_password\":\"bob-new-pass\"}",
                     auth(a))
              .status == 200);
  const double after_change = closed_within(ws_c, std::chrono::seconds(5));
  CHECK(after_change >= 0);
  CHECK(after_change < 2);
  CHECK(answers(ws_a));

  // Disabling the user: all of its sockets; the admin's stays.
  const std::string bob_id = json_field(a.reply.body, "id");
  REQUIRE(
      c.request("PATCH", "/api/admin/users/" + bob_id, "{\"enabled\":false}", auth(admin)).status ==
      200);
  const double after_disable = closed_within(ws_a, std::chrono::seconds(5));
  CHECK(after_disable >= 0);
  CHECK(after_disable < 2);
  CHECK(answers(ws_admin));

  CHECK(metrics_show(c, "tickstock_ws_disconnects_total{reason=\"logout\"} 1\n"));
  CHECK(metrics_show(c, "tickstock_ws_disconnects_total{reason=\"password_changed\"} 1\n"));
  CHECK(metrics_show(c, "tickstock_ws_disconnects_total{reason=\"disabled\"} 1\n"));
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: sockets close within seconds of a session ended elsewhere",
          "[app][web][ws][auth][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  auto env = memory_env();
  env[0].second = db.url();
  WebServe serve(api_args({"--registration"}), env);
  REQUIRE(serve.port() > 0);
  const int port = serve.port();
  HttpClient c(port);
  for (const char* u : {"ann", "ben", "cat"})
    REQUIRE(c.request("POST", "/api/auth/register", credentials_json(u, "password-123"),
                      {{"Content-Type", "application/json"}})
                .status == 201);
  HttpClient c1(port), c2(port), c3(port);
  const Login ann = login(c1, "ann", "password-123");
  const Login ben = login(c2, "ben", "password-123");
  const Login cat = login(c3, "cat", "password-123");
  REQUIRE((ann.ok() && ben.ok() && cat.ok()));
  WsClient ws_ann(port, ws_headers(ann, port));
  WsClient ws_ben(port, ws_headers(ben, port));
  WsClient ws_cat(port, ws_headers(cat, port));
  REQUIRE((answers(ws_ann) && answers(ws_ben) && answers(ws_cat)));
  // What another server, the `user` command or time would do, straight in the database.
  db.query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'ann')");
  db.query("UPDATE users SET enabled = false WHERE username = 'ben'");
  db.query(
      "UPDATE sessions SET expires_at = now() WHERE user_id = (SELECT id FROM users WHERE "
      "username = 'cat')");
  for (WsClient* ws : {&ws_ann, &ws_ben, &ws_cat}) {
    const double s = closed_within(*ws, std::chrono::seconds(8));
    CHECK(s >= 0);
    CHECK(ws->close_code() == 1008);
  }
  CHECK(metrics_show(c, "tickstock_ws_disconnects_total{reason=\"session_ended\"} 3\n"));
  CHECK(serve.stop() == 0);
}
