// The dashboard on PostgreSQL: accounts made by `tickstockapp user add`, sessions and
// subscriptions stored, the data routes reading what serve stored.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "support/pg_test_db.h"

using namespace tickstock::test;

namespace {

std::set<std::string> ids_in_db(const TestDatabase& db, const std::string& where) {
  const std::string list = db.query(
      "SELECT coalesce(string_agg(id::text, ','), '') FROM pattern_detections WHERE " + where);
  std::set<std::string> ids;
  std::stringstream in(list);
  for (std::string id; std::getline(in, id, ',');) ids.insert(id);
  return ids;
}

}  // namespace

TEST_CASE("dashboard: keeps accounts in PostgreSQL and reads what serve stored",
          "[app][web][api][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  REQUIRE(
      run_app("user add ops --role admin", "printf 'ops-password-1\\n' | " + db.env()).exit_code ==
      0);
  auto env = memory_env();
  env[0].second = db.url();
  WebServe serve({"--speed", "max", "--synthetic-minutes", "120", "--synthetic-symbols", "5",
                  "--rate-limit-ip", "0", "--rate-limit-user", "0", "--login-max-failures", "2",
                  "--spill-dir", "/tmp"},
                 env);
  REQUIRE(serve.port() > 0);
  CHECK(serve.process().err().find("accounts in PostgreSQL") != std::string::npos);
  HttpClient c(serve.port());
  const Login l = login(c, "ops", "ops-password-1");
  REQUIRE(l.ok());
  // The session is stored by the hash of its token, never the token.
  const std::string token = l.cookie.substr(std::string("tickstock_session=").size());
  CHECK(db.query("SELECT count(*) FROM sessions") == "1");
  CHECK(db.query("SELECT count(*) FROM sessions WHERE token_hash = '" + token + "'") == "0");
  CHECK(db.query("SELECT csrf_token FROM sessions") == l.csrf);
  // 503 once the feed ends; the database is fine (the details are for admins).
  const HttpReply ready = c.get("/ready", {{"Cookie", l.cookie}});
  CHECK(
      ready.body.find("\"database\":{\"ok\":true,\"configured\":true,\"detail\":\"connected\"}") !=
      std::string::npos);

  // Wait for the run to end and be stored: the feed done, nothing waiting for PostgreSQL, and
  // the stored detections unchanged since the last look (the engine closes the open bars after
  // the feed ends, and those detections come after a moment with an empty backlog).
  std::string last_count;
  for (int i = 0; i < 300; ++i) {
    const std::string m = c.get("/metrics").body;
    const std::string count = db.query("SELECT count(*) FROM pattern_detections");
    if (m.find("tickstock_feed_running 0\n") != std::string::npos &&
        m.find("tickstock_queue_depth{queue=\"postgres_backlog\"} 0\n") != std::string::npos &&
        db.query("SELECT count(*) > 0 FROM pattern_detections WHERE timeframe = '15m'") == "t" &&
        count == last_count)
      break;
    last_count = count;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const std::set<std::string> stored = ids_in_db(db, "timeframe = '15m'");
  REQUIRE(!stored.empty());
  std::set<std::string> paged;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    const HttpReply r =
        c.get("/api/patterns?timeframe=15m&limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor),
              auth(l));
    REQUIRE(r.status == 200);
    for (const auto& id : ids_of(r.body)) CHECK(paged.insert(id).second);
    cursor = json_field(r.body, "next");
    if (cursor == "null") break;
  }
  CHECK(paged == stored);
  const std::string symbol = db.query("SELECT min(symbol) FROM pattern_detections");
  CHECK(
      ids_of(c.get("/api/patterns?limit=500&min_confidence=0.5&symbol=" + symbol, auth(l)).body) ==
      ids_in_db(db, "confidence >= 0.5 AND symbol = '" + symbol + "'"));
  const HttpReply bars = c.get("/api/bars?symbol=" + symbol + "&timeframe=15m", auth(l));
  CHECK(bars.status == 200);
  CHECK(static_cast<std::size_t>(std::count(bars.body.begin(), bars.body.end(), '{')) - 1 ==
        std::stoul(db.query("SELECT count(*) FROM ohlcv_15min WHERE symbol = '" + symbol + "'")));
  const HttpReply ind =
      c.get("/api/indicators?symbol=" + symbol + "&timeframe=1m&limit=3", auth(l));
  CHECK(ind.status == 200);
  CHECK(ind.body.find("\"values\":{") != std::string::npos);
  CHECK(ind.body.find("null") == std::string::npos);
  CHECK(c.get("/api/symbols?q=SYN", auth(l)).body.find("\"symbol\":\"" + symbol + "\"") !=
        std::string::npos);
  // SQL meta characters never reach SQL: refused, and the tables are intact.
  CHECK(c.get("/api/patterns?symbol=SYN00%27%3BDELETE%20FROM%20users%3B--", auth(l)).status == 400);
  CHECK(c.get("/api/symbols?q=%25", auth(l)).status == 400);
  CHECK(db.query("SELECT count(*) FROM users") == "1");

  // Subscriptions are stored; failed logins delay the address that made them (in memory).
  CHECK(c.request("POST", "/api/subscriptions",
                  "{\"pattern\":\"CDLDOJI\",\"symbols\":[\"SYN01\"],\"min_confidence\":0.4}",
                  auth(l))
            .status == 201);
  CHECK(db.query("SELECT pattern || ' ' || symbols::text || ' ' || min_confidence FROM "
                 "user_subscriptions") == "CDLDOJI {SYN01} 0.4");
  HttpClient other(serve.port());
  CHECK(login(other, "ops", "wrong-password").reply.status == 401);
  CHECK(login(other, "ops", "wrong-password").reply.status == 401);
  CHECK(login(other, "ops", "ops-password-1").reply.status == 401);
  CHECK(c.get("/api/auth/me", auth(l)).status == 200);  // a session made before goes on
  CHECK(serve.stop() == 0);
}
