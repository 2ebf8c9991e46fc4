// /api/backtests on PostgreSQL: a user submits a backtest, serve runs it, and the user reads
// the job, its statistics (filtered, sorted, as JSON and CSV) and its files; another user sees
// none of it, an admin all; the per-user queue bound, cancel of queued, running and finished
// jobs, the original application's aliases, and refusals that name the field.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/stored_days.h"
#include "app/web/api_support.h"
#include "support/json_test.h"
#include "support/pg_test_db.h"
#include "support/test_support.h"

using namespace tickstock::test;
namespace fs = std::filesystem;

namespace {

const std::string kGood =
    R"({"request_id":"web-1","symbols":["AAA","BBB"],"timeframe":"daily",)"
    R"("start":"2019-06-03","end":"2020-06-30","params":{"horizons":[1,5],"strategy":true}})";
const std::string kSmall =
    R"({"symbols":["AAA"],"timeframe":"daily","start":"2019-06-03","end":"2019-12-31",)"
    R"("params":{"horizons":[1]}})";

std::vector<std::pair<std::string, std::string>> db_env(const TestDatabase& db) {
  auto env = memory_env();
  env[0].second = db.url();
  return env;
}

Login add_user(HttpClient& c, const Login& admin, const std::string& name) {
  const std::string password = name + "-password-1";
  REQUIRE(
      c.request("POST", "/api/admin/users", credentials_json(name, password), auth(admin)).status ==
      201);
  return login(c, name, password);
}

std::string detail(const HttpReply& r) { return json_field(r.body, "detail"); }

}  // namespace

TEST_CASE("dashboard: backtests are submitted, queued within bounds and cancelled over REST",
          "[app][web][api][db][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // The runner is off: every job stays queued.
  WebServe serve(api_args({"--no-backtests", "--rate-limit-user", "0", "--rate-limit-ip", "0"}),
                 db_env(db));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login admin = login(c, "admin", kAdminPassword);
  REQUIRE(admin.ok());
  const Login alice = add_user(c, admin, "alice");
  const Login bob = add_user(c, admin, "bob");
  REQUIRE(alice.ok());
  REQUIRE(bob.ok());

  const HttpReply config = c.get("/api/backtests/config", auth(alice));
  REQUIRE(config.status == 200);
  const Json cfg(config.body);
  CHECK(std::int64_t(cfg["limits"]["max_symbols"]) == 50);
  CHECK(std::int64_t(cfg["limits"]["max_queued_per_user"]) == 10);
  CHECK(simdjson::dom::array(cfg["patterns"]).size() == 61);
  CHECK(double(cfg["defaults"]["strategy"]["initial_capital"]) == 100000);
  CHECK(c.get("/api/tickstockpl/backtest/config", auth(alice)).body == config.body);

  // Refusals name the field.
  std::string many = R"({"symbols":[)";
  for (int i = 0; i < 51; ++i) many += (i ? ",\"S" : "\"S") + std::to_string(i) + "\"";
  many += R"(],"timeframe":"daily","start":"2019-06-03","end":"2020-06-30"})";
  const struct {
    std::string body, says;
  } refused[] = {
      {many, "symbols"},
      {R"({"symbols":["AAA"],"timeframe":"daily","start":"2019-06-03"})", "end"},
      {R"({"symbols":["AAA"],"timeframe":"daily","start":"2019-06-03","end":"2020-06-30",)"
       R"("params":{"horizons":[0]}})",
       "params.horizons"},
      {R"({"symbols":["AAA"],"timeframe":"daily","start":"2019-06-03","end":"2020-06-30",)"
       R"("patterns":["CDLNOSUCH"]})",
       "CDLNOSUCH"},
      {R"({"symbols":["AAA"],"timeframe":"daily","start":"2015-01-02","end":"2020-06-30"})",
       "5 years"},
      {R"({"symbols":["AAA"],"timeframe":"daily","start":"2019-06-03","end":"2020-06-30",)"
       R"("params":{"strategy":{"stop_loss":2}}})",
       "stop_loss"},
  };
  for (const auto& r : refused) {
    INFO(r.body);
    const HttpReply reply = c.request("POST", "/api/backtests", r.body, auth(alice));
    CHECK(reply.status == 400);
    CHECK_THAT(detail(reply), Catch::Contains(r.says));
  }
  Headers text = auth(alice);
  text[2].second = "text/plain";
  CHECK(c.request("POST", "/api/backtests", kGood, text).status == 415);
  CHECK(c.request("POST", "/api/backtests", kGood, {{"Cookie", alice.cookie}}).status == 403);
  CHECK(db.query("SELECT count(*) FROM jobs") == "0");

  // Ten queued jobs per user: the eleventh waits; another user is not affected.
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    const HttpReply r = c.request("POST", "/api/backtests", i == 0 ? kGood : kSmall, auth(alice));
    REQUIRE(r.status == 201);
    ids.push_back(json_field(r.body, "job_id"));
    CHECK(r.header("location") == "/api/backtests/" + ids.back());
  }
  CHECK(json_field(c.request("POST", "/api/backtests", kGood, auth(alice)).body, "job_id").empty());
  const HttpReply full = c.request("POST", "/api/backtests", kSmall, auth(alice));
  CHECK(full.status == 429);
  CHECK(full.header("retry-after") == "10");
  CHECK(c.request("POST", "/api/backtests", kSmall, auth(bob)).status == 201);
  CHECK(db.query("SELECT count(*) FROM jobs WHERE user_id = (SELECT id FROM users WHERE "
                 "username = 'alice')") == "10");

  // Lists page newest first; each user sees their own, the admin all.
  std::vector<std::string> paged;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    const HttpReply r =
        c.get("/api/backtests?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor), auth(alice));
    REQUIRE(r.status == 200);
    const Json page(r.body);
    for (auto item : simdjson::dom::array(page["items"]))
      paged.push_back(std::to_string(std::int64_t(item["id"])));
    cursor = json_field(r.body, "next");
    if (cursor == "null") break;
  }
  CHECK(paged == std::vector<std::string>(ids.rbegin(), ids.rend()));
  CHECK(Json(c.get("/api/backtests", auth(bob)).body)["items"].get_array().size() == 1);
  CHECK(Json(c.get("/api/backtests?limit=100", auth(admin)).body)["items"].get_array().size() ==
        11);
  const Json first(c.get("/api/backtests/" + ids[0], auth(alice)).body);
  CHECK(std::string(std::string_view(first["job"]["status"])) == "queued");
  CHECK(std::string(std::string_view(first["job"]["request_id"])) == "web-1");
  CHECK(simdjson::dom::array(first["job"]["params"]["params"]["horizons"]).size() == 2);
  CHECK(c.get("/api/backtests/" + ids[0], auth(bob)).status == 404);
  CHECK(c.get("/api/backtests/" + ids[0], auth(admin)).status == 200);
  CHECK(c.get("/api/backtests/abc", auth(alice)).status == 400);
  CHECK(c.get("/api/backtests?status=lost", auth(alice)).status == 400);
  CHECK(c.get("/api/backtests/" + ids[0] + "/stats", auth(alice)).status == 409);
  CHECK(c.get("/api/backtests/" + ids[0] + "/results.json", auth(alice)).status == 409);

  // Cancel: a queued job at once, a running one by flag, a finished one not at all; never
  // someone else's.
  CHECK(c.request("POST", "/api/backtests/" + ids[1] + "/cancel", "", auth(bob)).status == 404);
  const HttpReply cancelled =
      c.request("POST", "/api/backtests/" + ids[1] + "/cancel", "", auth(alice));
  CHECK(cancelled.status == 200);
  CHECK(json_field(cancelled.body, "status") == "cancelled");
  CHECK(db.query("SELECT status || ' ' || (finished_at IS NOT NULL) FROM jobs WHERE id = " +
                 ids[1]) == "cancelled true");
  CHECK(c.request("POST", "/api/backtests/" + ids[1] + "/cancel", "", auth(alice)).status == 409);
  db.query("UPDATE jobs SET status = 'running', started_at = now() WHERE id = " + ids[2]);
  const HttpReply flagged =
      c.request("POST", "/api/tickstockpl/backtest/job/" + ids[2] + "/cancel", "", auth(alice));
  CHECK(flagged.status == 202);
  CHECK(db.query("SELECT status || ' ' || cancel_requested FROM jobs WHERE id = " + ids[2]) ==
        "running true");
  // With one job cancelled and one running, two more fit in the queue.
  CHECK(c.request("POST", "/api/backtests", kSmall, auth(alice)).status == 201);
  CHECK(c.request("POST", "/api/backtests", kSmall, auth(alice)).status == 201);
  CHECK(c.request("POST", "/api/backtests", kSmall, auth(alice)).status == 429);

  // The original application's form through its alias: the login's user, not the body's.
  const HttpReply original =
      c.request("POST", "/api/tickstockpl/backtest/submit",
                R"({"type":"backtest_job","job_id":"orig-7","user_id":1,"symbols":["AAA"],)"
                R"("start_date":"2019-06-03","end_date":"2019-12-31","patterns":["CDLDOJI"],)"
                R"("parameters":{"initial_capital":50000,"stop_loss":0.03}})",
                auth(bob));
  REQUIRE(original.status == 201);
  const std::string orig = json_field(original.body, "job_id");
  CHECK(db.query("SELECT u.username FROM jobs j JOIN users u ON u.id = j.user_id WHERE j.id = " +
                 orig) == "bob");
  const Json shown(c.get("/api/tickstockpl/backtest/job/" + orig, auth(bob)).body);
  CHECK(std::string(std::string_view(shown["job"]["request_id"])) == "orig-7");
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: a finished backtest's statistics and files over REST",
          "[app][web][api][db][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  char tmpl[] = "/tmp/tickstock-apibt-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  store_days(db, "AAA", 1, dir + "/AAA.1d.csv");
  store_days(db, "BBB", 2, dir + "/BBB.1d.csv");
  WebServe serve(api_args({"--backtest-dir", dir + "/jobs", "--backtest-threads", "2"}),
                 db_env(db));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login admin = login(c, "admin", kAdminPassword);
  const Login alice = add_user(c, admin, "alice");
  const Login bob = add_user(c, admin, "bob");
  // The owner's open WebSockets see the job's progress and result; another user's do not.
  WsClient alice_ws(serve.port(), ws_headers(alice, serve.port()));
  WsClient bob_ws(serve.port(), ws_headers(bob, serve.port()));
  REQUIRE(alice_ws.ok());
  REQUIRE(bob_ws.ok());
  REQUIRE(!ws_collect(alice_ws, "hello", std::chrono::seconds(5)).empty());
  const HttpReply submitted = c.request("POST", "/api/backtests", kGood, auth(alice));
  REQUIRE(submitted.status == 201);
  const std::string id = json_field(submitted.body, "job_id");
  const std::string base = "/api/backtests/" + id;
  REQUIRE(wait_for([&] { return json_field(c.get(base, auth(alice)).body, "status") == "done"; }));
  std::vector<std::string> progress, result;
  for (int i = 0; i < 50 && result.empty(); ++i) {
    std::istringstream frame(alice_ws.receive(std::chrono::milliseconds(200)));
    for (std::string m; std::getline(frame, m);) {
      if (json_field(m, "type") == "backtest_progress") progress.push_back(m);
      if (json_field(m, "type") == "backtest_result") result.push_back(m);
    }
  }
  REQUIRE(result.size() == 1);
  CHECK(json_field(result[0], "job_id") == id);
  CHECK(json_field(result[0], "status") == "done");
  CHECK(json_field(result[0], "request_id") == "web-1");
  REQUIRE(!progress.empty());
  CHECK(json_field(progress.front(), "progress") == "0");
  CHECK(json_field(progress.back(), "progress") == "1");
  CHECK(ws_collect(bob_ws, "backtest_result", std::chrono::milliseconds(500)).empty());
  const Json job(c.get(base, auth(alice)).body);
  CHECK(double(job["job"]["progress"]) == 1);
  CHECK(std::int64_t(job["job"]["results"]["signals"]) > 100);
  CHECK(simdjson::dom::array(job["job"]["results"]["warnings"]).size() == 0);
  CHECK(std::string(std::string_view(job["job"]["links"]["csv"])) == base + "/stats?format=csv");
  CHECK(c.request("POST", base + "/cancel", "", auth(alice)).status == 409);

  // Every cell, as the table holds them; filters and sort as asked.
  const std::string cells = db.query("SELECT count(*) FROM backtest_stats WHERE job_id = " + id);
  const Json all(c.get(base + "/stats?limit=10000", auth(alice)).body);
  CHECK(std::to_string(std::int64_t(all["total"])) == cells);
  CHECK(std::to_string(simdjson::dom::array(all["items"]).size()) == cells);
  CHECK(all["next_offset"].is_null());
  const HttpReply sorted =
      c.get(base + "/stats?symbol=ALL&horizon=5&direction=bullish&sort=-n&limit=7", auth(alice));
  REQUIRE(sorted.status == 200);
  const Json top(sorted.body);
  CHECK(std::to_string(std::int64_t(top["total"])) ==
        db.query("SELECT count(*) FROM backtest_stats WHERE job_id = " + id +
                 " AND symbol = 'ALL' AND horizon = 5 AND direction = 'bullish'"));
  std::int64_t last_n = INT64_MAX;
  for (auto cell : simdjson::dom::array(top["items"])) {
    CHECK(std::string(std::string_view(cell["symbol"])) == "ALL");
    CHECK(std::int64_t(cell["horizon"]) == 5);
    CHECK(std::int64_t(cell["n"]) <= last_n);
    last_n = std::int64_t(cell["n"]);
  }
  CHECK(top["next_offset"].is_null() == (std::int64_t(top["total"]) <= 7));
  const HttpReply csv = c.get(base + "/stats?format=csv&symbol=AAA", auth(alice));
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").rfind("text/csv", 0) == 0);
  CHECK(csv.body.rfind("pattern,symbol,timeframe,direction,horizon,n,n_eff,", 0) == 0);
  CHECK(
      std::to_string(std::count(csv.body.begin(), csv.body.end(), '\n') - 1) ==
      db.query("SELECT count(*) FROM backtest_stats WHERE job_id = " + id + " AND symbol = 'AAA'"));
  CHECK(
      c.get("/api/tickstockpl/backtest/stats?job_id=" + id + "&format=csv&symbol=AAA", auth(alice))
          .body == csv.body);
  for (const char* q : {"sort=nosuch", "horizon=0", "pattern=CDLNOSUCH", "format=xml", "x=1"}) {
    INFO(q);
    CHECK(c.get(base + "/stats?" + std::string(q), auth(alice)).status == 400);
  }
  CHECK(c.get(base + "/stats", auth(bob)).status == 404);

  // A series' signals, re-scanned: as many as the cells counted (stats.csv's `events`, the
  // same for every horizon), each with a return per horizon.
  std::int64_t counted = 0;
  {
    std::istringstream in(read_file(dir + "/jobs/" + id + "/stats.csv"));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line))
      if (line.rfind("CDLDOJI,AAA,1d,", 0) == 0 && line.find(",1,") != std::string::npos) {
        std::vector<std::string> f;
        std::stringstream fields(line);
        for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
        if (f[4] == "1") counted += std::stoll(f[5]);
      }
  }
  REQUIRE(counted > 0);
  const HttpReply signals =
      c.get(base + "/events?symbol=AAA&timeframe=1d&pattern=CDLDOJI", auth(alice));
  REQUIRE(signals.status == 200);
  const Json sig(signals.body);
  CHECK(std::int64_t(sig["total"]) == counted);
  CHECK(simdjson::dom::array(sig["items"]).size() == static_cast<std::size_t>(counted));
  for (auto e : simdjson::dom::array(sig["items"])) {
    CHECK(std::string(std::string_view(e["pattern"])) == "CDLDOJI");
    CHECK(simdjson::dom::array(e["r"]).size() == 2);
  }
  CHECK(c.get(base + "/events?symbol=ZZZ", auth(alice)).status == 400);
  CHECK(c.get(base + "/events?timeframe=1m", auth(alice)).status == 400);
  CHECK(c.get(base + "/events", auth(bob)).status == 404);

  // The files are the runner's, byte for byte.
  const std::string jobs = dir + "/jobs/" + id + "/";
  const HttpReply results = c.get(base + "/results.json", auth(alice));
  CHECK(results.status == 200);
  CHECK(results.body == read_file(jobs + "results.json"));
  const HttpReply trades = c.get(base + "/trades", auth(alice));
  CHECK(trades.body == read_file(jobs + "trades.csv"));
  CHECK(trades.header("content-disposition").find("backtest-" + id + "-trades.csv") !=
        std::string::npos);
  CHECK(c.get(base + "/equity", auth(alice)).body == read_file(jobs + "equity.csv"));
  CHECK(c.get(base + "/nosuch.txt", auth(alice)).status == 404);
  CHECK(c.get(base + "/..%2F..%2Fetc%2Fpasswd", auth(alice)).status == 404);
  CHECK(c.get(base + "/results.json", auth(bob)).status == 404);
  CHECK(c.get(base + "/results.json", auth(admin)).status == 200);
  CHECK(serve.stop() == 0);
  fs::remove_all(dir);
}

TEST_CASE("dashboard: without a database the backtest routes say what they need",
          "[app][web][api][backtest]") {
  WebServe serve(api_args());
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  const HttpReply r = c.request("POST", "/api/backtests", kGood, auth(l));
  CHECK(r.status == 503);
  CHECK_THAT(detail(r), Catch::Contains("database"));
  CHECK(c.get("/api/backtests", auth(l)).status == 503);
  CHECK(c.get("/api/backtests/config", auth(l)).status == 200);
  CHECK(serve.stop() == 0);
}
