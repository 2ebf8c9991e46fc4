// The dashboard against a PostgreSQL reached through a TcpProxy: /ready under a flood (one
// database check a second, however many calls), what /ready tells whom (details such as libpq's
// and Redis's error text to admins only), and a database host that goes silent (accepts, never
// answers): requests, /ready and new /ws connections answer with an error within seconds, not
// TCP's minutes, and what does not need the database goes on.
#include <string>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "app/web/proxied_database.h"

using namespace tickstock::test;

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("serve --http /ready checks the database at most once a second", "[app][web][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  ProxiedDatabase pg("ready");
  WebServe serve({"--spill-dir", pg.spill}, pg.env);
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  REQUIRE(c.get("/ready").status == 200);
  const int before = pg.proxy.accepted();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    const HttpReply r = c.get("/ready");
    REQUIRE(r.status == 200);
    CHECK(r.body.find("\"database\":{\"ok\":true,\"configured\":true}") != std::string::npos);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int connections = pg.proxy.accepted() - before;
  INFO("200 calls in " << seconds << " s opened " << connections << " connections");
  CHECK(connections <= static_cast<int>(seconds) + 2);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http /ready gives details to admins only", "[app][web][http]") {
  // A replay that ends: the feed is not ready, and Redis (a closed port) is not connected.
  const std::string ticks =
      write_temp("ready-admin.csv", "ts_ns,symbol,price,size\n1704205800000000000,SPY,470.1,100\n");
  WebServe serve(api_args({"--registration", "--feed", "replay:" + ticks, "--speed", "max",
                           "--redis-url", "redis://127.0.0.1:1/0", "--redis-no-jobs"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login admin = login(c, "admin", kAdminPassword);
  REQUIRE(admin.ok());
  REQUIRE(c.request("POST", "/api/auth/register", credentials_json("eve", "password-123"),
                    {{"Content-Type", "application/json"}})
              .status == 201);
  HttpClient ce(serve.port());
  const Login eve = login(ce, "eve", "password-123");
  REQUIRE(eve.ok());
  HttpReply anonymous;
  for (int i = 0; i < 100; ++i) {
    anonymous = c.get("/ready");
    if (anonymous.body.find("\"feed\":{\"ok\":false") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(anonymous.status == 503);
  for (const HttpReply& r : {anonymous, ce.get("/ready", {{"Cookie", eve.cookie}}),
                             c.get("/ready", {{"Cookie", "tickstock_session=forged"}})}) {
    INFO(r.body);
    CHECK(r.status == 503);
    CHECK(r.body.find("\"feed\":{\"ok\":false,\"configured\":true}") != std::string::npos);
    CHECK(r.body.find("\"redis\":{\"ok\":false,\"configured\":true}") != std::string::npos);
    CHECK(r.body.find("detail") == std::string::npos);
    CHECK(r.body.find("127.0.0.1") == std::string::npos);
  }
  const HttpReply full = c.get("/ready", {{"Cookie", admin.cookie}});
  INFO(full.body);
  CHECK(full.status == 503);
  CHECK(full.body.find("\"feed\":{\"ok\":false,\"configured\":true,\"detail\":\"ended\"}") !=
        std::string::npos);
  CHECK(full.body.find("\"redis\":{\"ok\":false,\"configured\":true,\"detail\":\"not connected") !=
        std::string::npos);
  CHECK(serve.stop() == 0);
  std::remove(ticks.c_str());
}

TEST_CASE("serve --http /ready with a session cookie is rate-limited like the API",
          "[app][web][http][abuse]") {
  // Each cookie costs a session lookup in the store; without one the cached answer is free.
  WebServe serve({"--rate-limit-ip", "0.01/3"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Headers forged{{"Cookie", "tickstock_session=forged"}};
  for (int i = 0; i < 3; ++i) CHECK(c.get("/ready", forged).status == 200);
  const HttpReply limited = c.get("/ready", forged);
  CHECK(limited.status == 429);
  CHECK(!limited.header("retry-after").empty());
  for (int i = 0; i < 20; ++i) CHECK(c.get("/ready").status == 200);
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: a silent database host fails requests within the timeouts",
          "[app][web][db][abuse]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  ProxiedDatabase pg("silent");
  WebServe serve(api_args({"--http-db-timeout-s", "2", "--rate-limit-ip", "0", "--rate-limit-user",
                           "0", "--spill-dir", pg.spill, "--synthetic-symbols", "2", "--speed",
                           "600", "--ws-batch-ms", "0"}),
                 pg.env);
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  REQUIRE(c.get("/api/symbols", auth(l)).status == 200);
  WsClient ws(serve.port(), {{"Cookie", l.cookie},
                             {"Origin", "http://127.0.0.1:" + std::to_string(serve.port())}});
  REQUIRE(ws.ok());
  ws.send("{\"type\":\"subscribe\",\"symbol\":\"SYN00\",\"timeframe\":\"1m\"}");

  pg.proxy.silence();
  // The statement timeout is 2 s, an answer is awaited 3 s more, a connection 5 s: every call
  // ends well within 15 s.
  for (const char* target : {"/api/bars?symbol=SYN00&timeframe=1m", "/api/patterns",
                             "/api/subscriptions", "/api/symbols"}) {
    INFO(target);
    const auto t0 = std::chrono::steady_clock::now();
    const HttpReply r = c.get(target, auth(l));
    CHECK(r.status == 500);
    CHECK(since(t0) < 15);
  }
  {
    const auto t0 = std::chrono::steady_clock::now();
    const HttpReply r = c.request("POST", "/api/subscriptions", "{\"pattern\":\"*\"}", auth(l));
    CHECK(r.status == 500);
    CHECK(since(t0) < 15);
  }
  {
    const auto t0 = std::chrono::steady_clock::now();
    const HttpReply r = c.get("/ready", {{"Cookie", l.cookie}});
    INFO(r.body);
    CHECK(r.status == 503);
    CHECK(r.body.find("\"database\":{\"ok\":false") != std::string::npos);
    CHECK(since(t0) < 15);
  }
  {
    // A new WebSocket asks the database (its session once the cache's 15 s are over, and the
    // alerts waiting for the user): answered in time, refused (500) or opened without them.
    const auto t0 = std::chrono::steady_clock::now();
    WsClient late(serve.port(), {{"Cookie", l.cookie},
                                 {"Origin", "http://127.0.0.1:" + std::to_string(serve.port())}});
    CHECK((late.ok() || late.refused_status() == 500));
    CHECK(since(t0) < 15);
  }
  // What needs no database goes on: liveness, metrics, and the open WebSocket's chart.
  CHECK(c.get("/health").status == 200);
  CHECK(c.get("/metrics").status == 200);
  bool bar = false;
  for (int i = 0; i < 100 && !bar; ++i)
    bar = ws.receive(std::chrono::milliseconds(100)).find("\"type\":\"bar\"") != std::string::npos;
  CHECK(bar);
  const std::string err = serve.process().err();
  // Which call met the silence first decides the words: a pooled connection waits for an
  // answer, a new one for connect_timeout.
  INFO(err);
  CHECK((err.find("did not answer in time") != std::string::npos ||
         err.find("failed: timeout expired") != std::string::npos));
  serve.process().signal(SIGKILL);  // PgSink would wait for the silent host to flush
  serve.process().wait();
}
