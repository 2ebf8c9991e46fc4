// The dashboard's data routes over real sockets: bars, patterns (filters, paging), indicators,
// symbols, the catalogue, subscriptions and alerts; every parameter checked. In memory mode
// here; api_pg_test.cpp runs them against PostgreSQL.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "web/api/api.h"

using namespace tickstock::test;

namespace {

// A finished synthetic run (the process waits for Ctrl-C): 2 hours of 5 symbols.
std::vector<std::string> data_args() {
  return api_args({"--registration", "--speed", "max", "--synthetic-minutes", "120",
                   "--synthetic-symbols", "5", "--ws-batch-ms", "0", "--rate-limit-ip", "0",
                   "--rate-limit-user", "0"});
}

// Waits until the run's detections reached the API: the feed has ended and the newest
// detections have not changed for a second (the engine and the hub may still be draining
// what the feed made; under a sanitizer that takes seconds).
std::string wait_for_patterns(HttpClient& c, const Login& l) {
  std::string last;
  int same = 0;
  for (int i = 0; i < 240; ++i) {
    const HttpReply r = c.get("/api/patterns?limit=500", auth(l));
    const bool ended =
        c.get("/metrics").body.find("tickstock_feed_running 0\n") != std::string::npos;
    if (r.status == 200 && ended && r.body.find("\"items\":[{") != std::string::npos) {
      same = r.body == last ? same + 1 : 0;
      if (same == 4) return r.body;
    }
    last = r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return "";
}

}  // namespace

TEST_CASE("dashboard: bars, patterns and indicators of the run, with filters and paging",
          "[app][web][api][data]") {
  WebServe serve(data_args());
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  const std::string all = wait_for_patterns(c, l);
  REQUIRE(!all.empty());
  INFO(all.substr(0, 400));
  // The 15-minute detections: few enough for one page of 500.
  const std::set<std::string> every =
      ids_of(c.get("/api/patterns?timeframe=15m&limit=500", auth(l)).body);
  REQUIRE(every.size() >= 4);
  REQUIRE(every.size() < 500);

  // Paging: pages of 3 cover the same detections, without overlap, newest first.
  std::set<std::string> paged;
  std::string cursor;
  int pages = 0;
  do {
    const HttpReply r =
        c.get("/api/patterns?timeframe=15m&limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor),
              auth(l));
    REQUIRE(r.status == 200);
    for (const auto& id : ids_of(r.body)) CHECK(paged.insert(id).second);
    cursor = json_field(r.body, "next");
    if (cursor == "null") cursor.clear();
    ++pages;
  } while (!cursor.empty() && pages < 1000);
  CHECK(paged == every);

  // Filters narrow the list and every item matches them.
  const std::string symbol = json_field(all, "symbol");
  const std::string pattern = json_field(all, "pattern");
  const HttpReply by = c.get("/api/patterns?symbol=" + symbol + "&pattern=" + pattern +
                                 "&timeframe=1m&min_confidence=0.3&since=2024-01-01",
                             auth(l));
  CHECK(by.status == 200);
  for (std::size_t p = by.body.find("{\"id\":"); p != std::string::npos;
       p = by.body.find("{\"id\":", p + 1)) {
    const std::string item = by.body.substr(p);
    CHECK(json_field(item, "symbol") == symbol);
    CHECK(json_field(item, "pattern") == pattern);
    CHECK(json_field(item, "timeframe") == "1m");
    CHECK(std::stod(json_field(item, "confidence")) >= 0.3);
  }
  CHECK(c.get("/api/patterns?min_confidence=1&since=2100-01-01", auth(l)).body ==
        "{\"items\":[],\"next\":null}");

  const HttpReply bars = c.get("/api/bars?symbol=" + symbol + "&timeframe=5m", auth(l));
  CHECK(bars.status == 200);
  CHECK(bars.body.find("\"bars\":[{\"time\":") != std::string::npos);
  CHECK(bars.body.find("\"open\":") != std::string::npos);
  const HttpReply few = c.get(
      "/api/bars?symbol=" + symbol + "&timeframe=1m&from=2024-01-02T15:00:00Z&limit=2", auth(l));
  CHECK(few.status == 200);
  CHECK(ids_of(few.body).empty());
  CHECK(std::count(few.body.begin(), few.body.end(), '{') == 3);  // the object and 2 bars
  const HttpReply ind =
      c.get("/api/indicators?symbol=" + symbol + "&timeframe=1m&limit=5", auth(l));
  CHECK(ind.status == 200);
  CHECK(ind.body.find("\"rsi\":") != std::string::npos);
  const HttpReply syms = c.get("/api/symbols?q=syn", auth(l));
  CHECK(syms.status == 200);
  CHECK(syms.body.find("\"symbol\":\"" + symbol + "\"") != std::string::npos);
  const HttpReply cat = c.get("/api/patterns/catalogue", auth(l));
  CHECK(cat.status == 200);
  CHECK(std::count(cat.body.begin(), cat.body.end(), '{') == 62);
  CHECK(cat.body.find("\"pattern\":\"CDLENGULFING\",\"name\":\"Engulfing Pattern\"") !=
        std::string::npos);
  CHECK(c.get("/api/universes", auth(l)).body == "{\"items\":[]}");
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: bad parameters get 400 with a reason, never 500", "[app][web][api][data]") {
  WebServe serve(api_args());
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  for (const char* target : {"/api/bars",
                             "/api/bars?symbol=SPY",
                             "/api/bars?symbol=SPY&timeframe=2m",
                             "/api/bars?symbol=SP%27Y&timeframe=1m",
                             "/api/bars?symbol=SPY&timeframe=1m&from=yesterday",
                             "/api/bars?symbol=SPY&timeframe=1m&from=2024-02-01&to=2024-01-01",
                             "/api/bars?symbol=SPY&timeframe=1m&limit=0",
                             "/api/bars?symbol=SPY&timeframe=1m&limit=9999999",
                             "/api/bars?symbol=SPY&timeframe=1m&extra=1",
                             "/api/patterns?symbol=SPY%27%3B%20DROP%20TABLE%20users%3B--",
                             "/api/patterns?pattern=CDLDOJI%27%20OR%20%271%27%3D%271",
                             "/api/patterns?pattern=%25",
                             "/api/patterns?timeframe=1w",
                             "/api/patterns?min_confidence=abc",
                             "/api/patterns?min_confidence=1.5",
                             "/api/patterns?min_confidence=-0.1",
                             "/api/patterns?limit=-1",
                             "/api/patterns?limit=501",
                             "/api/patterns?since=never",
                             "/api/patterns?cursor=abc",
                             "/api/patterns?cursor=1_",
                             "/api/patterns?sort=id",
                             "/api/indicators?symbol=SPY&timeframe=1m&limit=x",
                             "/api/symbols?q=%22%3B",
                             "/api/symbols?limit=0",
                             "/api/alerts?limit=0",
                             "/api/alerts?cursor=-5",
                             "/api/universes?x=1",
                             "/api/patterns/catalogue?x=1"}) {
    INFO(target);
    const HttpReply r = c.get(target, auth(l));
    CHECK(r.status == 400);
    CHECK(json_field(r.body, "error") == "bad_request");
    CHECK(!json_field(r.body, "detail").empty());
  }
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: subscriptions: create, list, replace, delete, validated and private",
          "[app][web][api][data]") {
  WebServe serve(api_args({"--registration"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  const HttpReply made = c.request(
      "POST", "/api/subscriptions",
      "{\"pattern\":\"cdlengulfing\",\"symbols\":[\"spy\",\"AAPL\"],\"timeframes\":[\"1m\","
      "\"5min\"],\"min_confidence\":0.6}",
      auth(l));
  REQUIRE(made.status == 201);
  CHECK(made.body.find("\"pattern\":\"CDLENGULFING\",\"symbols\":[\"SPY\",\"AAPL\"],"
                       "\"timeframes\":[\"1m\",\"5m\"],\"min_confidence\":0.6,\"enabled\":true") !=
        std::string::npos);
  const std::string id = json_field(made.body, "id");
  CHECK(c.get("/api/subscriptions", auth(l)).body.find("\"id\":" + id) != std::string::npos);
  const HttpReply put = c.request("PUT", "/api/subscriptions/" + id,
                                  "{\"pattern\":\"*\",\"enabled\":false}", auth(l));
  CHECK(put.status == 200);
  CHECK(put.body.find("\"pattern\":\"*\",\"symbols\":[],\"timeframes\":[]") != std::string::npos);
  for (const char* body :
       {"{}", "{\"pattern\":\"CDLNOTHING\"}", "{\"pattern\":\"*\",\"symbols\":\"SPY\"}",
        "{\"pattern\":\"*\",\"symbols\":[\"SPY'; DROP TABLE users;--\"]}",
        "{\"pattern\":\"*\",\"symbols\":[1]}", "{\"pattern\":\"*\",\"timeframes\":[\"7m\"]}",
        "{\"pattern\":\"*\",\"min_confidence\":2}", "{\"pattern\":\"*\",\"min_confidence\":\"x\"}",
        "{\"pattern\":\"*\",\"enabled\":\"yes\"}", "{\"pattern\":\"*\",\"owner\":1}", "[]"}) {
    INFO(body);
    CHECK(c.request("POST", "/api/subscriptions", body, auth(l)).status == 400);
  }
  CHECK(c.request("PUT", "/api/subscriptions/abc", "{\"pattern\":\"*\"}", auth(l)).status == 400);
  CHECK(c.request("DELETE", "/api/subscriptions/999999", "", auth(l)).status == 404);
  // Another user sees none of them and can change none.
  CHECK(c.request("POST", "/api/auth/register", credentials_json("eve", "eve-password"),
                  {{"Content-Type", "application/json"}})
            .status == 201);
  HttpClient c2(serve.port());
  const Login eve = login(c2, "eve", "eve-password");
  REQUIRE(eve.ok());
  CHECK(c2.get("/api/subscriptions", auth(eve)).body == "{\"items\":[]}");
  CHECK(c2.request("PUT", "/api/subscriptions/" + id, "{\"pattern\":\"*\"}", auth(eve)).status ==
        404);
  CHECK(c2.request("DELETE", "/api/subscriptions/" + id, "", auth(eve)).status == 404);
  CHECK(c.request("DELETE", "/api/subscriptions/" + id, "", auth(l)).status == 204);
  CHECK(c.get("/api/subscriptions", auth(l)).body == "{\"items\":[]}");
  CHECK(c.get("/api/alerts", auth(l)).body == "{\"items\":[],\"next\":null}");
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: the OpenAPI document describes every route and only those",
          "[app][web][api]") {
  WebServe serve(api_args());
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  const HttpReply doc = c.get("/api/openapi.json", auth(l));
  REQUIRE(doc.status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::object paths;
  REQUIRE(parser.parse(doc.body)["paths"].get_object().get(paths) == simdjson::SUCCESS);
  std::set<std::string> documented, routed;
  for (auto [path, item] : paths) {
    simdjson::dom::object ops;
    REQUIRE(item.get_object().get(ops) == simdjson::SUCCESS);
    for (auto [method, op] : ops) {
      std::string m(method);
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(m + " " + std::string(path));
      std::string_view summary;
      CHECK(op["summary"].get_string().get(summary) == simdjson::SUCCESS);
    }
  }
  for (const auto& r : tickstock::app::api_routes())
    routed.insert(std::string(r.method) + " " + r.pattern);
  CHECK(routed.size() == tickstock::app::api_routes().size());
  CHECK(documented == routed);
  CHECK(serve.stop() == 0);
}
