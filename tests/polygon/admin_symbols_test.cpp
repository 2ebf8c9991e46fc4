// The dashboard's admin API changes the Polygon feed's symbols at run time, on the open
// connection; other feeds answer that they have no subscriptions to change.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "support/fake_polygon_server.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::pair<std::string, std::string>> polygon_env(const FakePolygonServer& server) {
  auto env = memory_env();
  for (const char* unset : {"TICKSTOCK_SYMBOLS", "TICKSTOCK_UNIVERSE", "TICKSTOCK_SYMBOLS_FILE",
                            "TICKSTOCK_PATTERNS", "TICKSTOCK_NO_BAR_EVENTS"})
    env.emplace_back(unset, "");
  env.emplace_back("POLYGON_API_KEY", "fake-key-7Qw9");
  env.emplace_back("POLYGON_WS_URL", server.url());
  env.emplace_back("POLYGON_REST_URL", server.rest_url());
  env.emplace_back("POLYGON_CONDITIONS", "builtin");
  return env;
}

}  // namespace

TEST_CASE("serve --feed polygon: an admin changes the subscribed symbols over the API",
          "[polygon][serve][universe][web]") {
  FakePolygonOptions so;
  so.trades = synthetic_trades(3, 3000);
  so.hold_at = 1500;  // the stream waits there until release()
  FakePolygonServer server(so);
  WebServe serve(api_args({"--feed", "polygon", "--symbols", "S0", "--spill-dir", ""}),
                 polygon_env(server));
  REQUIRE(serve.port() > 0);
  REQUIRE(FakePolygonServer::wait_for(
      [&] {
        return server.subscriptions() == std::set<std::string>{"AM.S0", "T.S0"};
      },
      30s));
  HttpClient c(serve.port());
  const Login admin = login(c, "admin", kAdminPassword);
  REQUIRE(admin.ok());

  HttpReply r = c.get("/api/admin/feed/symbols", auth(admin));
  CHECK(r.status == 200);
  CHECK(r.body == R"({"symbols":["S0"]})");

  r = c.request("PUT", "/api/admin/feed/symbols", R"({"symbols":["s1","S2","S1"]})", auth(admin));
  CHECK(r.status == 200);
  CHECK(r.body == R"({"symbols":["S1","S2"]})");
  REQUIRE(FakePolygonServer::wait_for(
      [&] {
        return server.subscriptions() == std::set<std::string>{"AM.S1", "AM.S2", "T.S1", "T.S2"};
      },
      10s));
  CHECK(c.get("/api/admin/feed/symbols", auth(admin)).body == R"({"symbols":["S1","S2"]})");
  CHECK(server.connections() == 1);  // changed on the open connection

  // Bad requests change nothing and say what is wrong.
  for (const char* bad : {R"({"symbols":"SPY"})", R"({"symbols":[]})", R"({"symbols":["S'1"]})",
                          R"({"symbols":["*","S1"]})", R"({"symbols":[7]})", "not json"}) {
    r = c.request("PUT", "/api/admin/feed/symbols", bad, auth(admin));
    INFO(bad);
    CHECK(r.status == 400);
    CHECK(json_field(r.body, "error") == "bad_request");
  }
  // Without the CSRF token, or without a session, nothing changes either.
  r = c.request("PUT", "/api/admin/feed/symbols", R"({"symbols":["S0"]})",
                {{"Cookie", admin.cookie}, {"Content-Type", "application/json"}});
  CHECK(r.status == 403);
  r = c.request("PUT", "/api/admin/feed/symbols", R"({"symbols":["S0"]})",
                {{"Content-Type", "application/json"}});
  CHECK(r.status == 401);
  CHECK(server.subscriptions() == std::set<std::string>{"AM.S1", "AM.S2", "T.S1", "T.S2"});

  // "*" subscribes to everything.
  r = c.request("PUT", "/api/admin/feed/symbols", R"({"symbols":["*"]})", auth(admin));
  CHECK(r.status == 200);
  REQUIRE(FakePolygonServer::wait_for(
      [&] {
        return server.subscriptions() == std::set<std::string>{"AM.*", "T.*"};
      },
      10s));
  server.release();
  CHECK(serve.stop() == 0);
  CHECK(serve.process().err().find("fake-key-7Qw9") == std::string::npos);
}

TEST_CASE("dashboard: a feed without subscriptions refuses symbol changes (409)",
          "[polygon][serve][web]") {
  WebServe serve(api_args({"--feed", "synthetic", "--speed", "1"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login admin = login(c, "admin", kAdminPassword);
  REQUIRE(admin.ok());
  HttpReply r = c.get("/api/admin/feed/symbols", auth(admin));
  CHECK(r.status == 409);
  CHECK(json_field(r.body, "error") == "conflict");
  r = c.request("PUT", "/api/admin/feed/symbols", R"({"symbols":["SPY"]})", auth(admin));
  CHECK(r.status == 409);
  CHECK(serve.stop() == 0);
}
