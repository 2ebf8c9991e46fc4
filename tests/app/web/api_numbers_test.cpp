// Huge, negative, fractional and garbage numbers in every numeric query and path parameter of
// the API: a clear 400 naming the parameter and quoting the value, never a wrap-around, a
// silently clamped value or undefined behaviour (this suite runs under UBSan in scripts/test).
#include <cctype>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "support/pg_test_db.h"

using namespace tickstock::test;

namespace {

// Values no numeric parameter may take as given.
const std::vector<std::string> kGarbage{"9223372036854775808",
                                        "99999999999999999999999999",
                                        "-9223372036854775809",
                                        "1.5",
                                        "1e3",
                                        "0x10",
                                        "abc",
                                        "",
                                        "%205",
                                        "%2B5",
                                        "nan",
                                        "inf",
                                        "-inf",
                                        "1e309",
                                        "5abc",
                                        "--5",
                                        "5-",
                                        "٣"};

// `value` percent-encoded where a query needs it (what is already encoded stays).
std::string query_value(const std::string& v) {
  std::string out;
  for (const unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '%') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// What the server should have decoded from query_value(v).
std::string decoded(const std::string& v) {
  if (v == "%205") return " 5";
  if (v == "%2B5") return "+5";
  return v;
}

struct Param {
  std::string path;  // with the other required parameters
  std::string name;  // the numeric parameter
};

const std::vector<Param> kParams{
    {"/api/symbols?", "limit"},
    {"/api/bars?symbol=SPY&timeframe=1m&", "limit"},
    {"/api/bars?symbol=SPY&timeframe=1m&", "from"},
    {"/api/bars?symbol=SPY&timeframe=1m&", "to"},
    {"/api/indicators?symbol=SPY&timeframe=1m&", "limit"},
    {"/api/indicators?symbol=SPY&timeframe=1m&", "from"},
    {"/api/indicators?symbol=SPY&timeframe=1m&", "to"},
    {"/api/patterns?", "limit"},
    {"/api/patterns?", "since"},
    {"/api/patterns?", "min_confidence"},
    {"/api/patterns?", "cursor"},
    {"/api/alerts?", "limit"},
    {"/api/alerts?", "cursor"},
};

// Every parameter and path parameter with every bad value: 400 naming both, and the server
// still answers afterwards.
void check_numbers(HttpClient& c, const Login& l) {
  for (const Param& p : kParams) {
    for (const std::string& v : kGarbage) {
      const std::string target = p.path + p.name + "=" + query_value(v);
      INFO(target);
      const HttpReply r = c.get(target, auth(l));
      REQUIRE(r.status == 400);
      CHECK(r.body.find("\"error\":\"bad_request\"") != std::string::npos);
      CHECK(r.body.find(p.name) != std::string::npos);
      const std::string shown = decoded(v).substr(0, 40);
      if (!shown.empty() && shown.find_first_of("\"\\") == std::string::npos)
        CHECK(r.body.find("'" + shown) != std::string::npos);
    }
  }
  // Integers at and beyond the edges of int64 and of each range.
  struct Edge {
    std::string target;
    int status;
  };
  const std::vector<Edge> edges{
      {"/api/patterns?cursor=9223372036854775807_1", 400},  // us * 1000 would overflow
      {"/api/patterns?cursor=9223372036854775_9223372036854775807", 200},  // the largest valid
      {"/api/patterns?cursor=9223372036854776_1", 400},
      {"/api/patterns?cursor=1_9223372036854775808", 400},
      {"/api/patterns?cursor=-1_1", 400},
      {"/api/patterns?cursor=1_0", 400},
      {"/api/patterns?cursor=1_", 400},
      {"/api/patterns?cursor=_1", 400},
      {"/api/patterns?cursor=1_2_3", 400},
      {"/api/patterns?since=9223372036854775807", 200},  // 2262-04-11, in range
      {"/api/patterns?since=-9223372036854775808", 200},
      {"/api/patterns?limit=500", 200},
      {"/api/patterns?limit=501", 400},
      {"/api/patterns?limit=0", 400},
      {"/api/patterns?limit=-1", 400},
      {"/api/patterns?limit=-0", 400},
      {"/api/patterns?min_confidence=-0", 200},
      {"/api/patterns?min_confidence=0.5", 200},
      {"/api/patterns?min_confidence=1.0000000000000000001", 200},  // rounds to 1
      {"/api/patterns?min_confidence=" + std::string(70, '0') + "1", 400},
      {"/api/bars?symbol=SPY&timeframe=1m&from=9223372036854775807&to=9223372036854775807", 200},
      {"/api/bars?symbol=SPY&timeframe=1m&from=-9223372036854775808&to=9223372036854775807", 200},
      {"/api/bars?symbol=SPY&timeframe=1m&from=2262-04-12", 400},  // beyond int64 ns
      {"/api/bars?symbol=SPY&timeframe=1m&from=1677-09-21", 400},
      {"/api/bars?symbol=SPY&timeframe=1m&to=9999-12-31T23:59:59Z", 400},
      {"/api/bars?symbol=SPY&timeframe=1m&from=2024-01-02T14:30:00.9999999999999999999Z", 200},
      {"/api/bars?symbol=SPY&timeframe=1m&limit=5000", 200},
      {"/api/bars?symbol=SPY&timeframe=1m&limit=5001", 400},
      {"/api/symbols?limit=10000", 200},
      {"/api/symbols?limit=10001", 400},
      {"/api/alerts?cursor=9223372036854775807", 200},
      {"/api/alerts?cursor=0", 400},
      {"/api/alerts?limit=500", 200},
  };
  for (const Edge& e : edges) {
    INFO(e.target);
    const HttpReply r = c.get(e.target, auth(l));
    CHECK(r.status == e.status);
  }
  // Path parameters: ids.
  for (const std::string& v :
       std::vector<std::string>{"9223372036854775808", "99999999999999999999", "-1", "0", "1.5",
                                "1e3", "abc", "%2B1", "%201", "0x1", "-9223372036854775808"}) {
    INFO(v);
    for (const auto& [method, path, name] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"PUT", "/api/subscriptions/", "the subscription id"},
             {"DELETE", "/api/subscriptions/", "the subscription id"},
             {"PATCH", "/api/admin/users/", "the user id"}}) {
      const HttpReply r =
          c.request(method, path + v, "{\"pattern\":\"*\",\"enabled\":true}", auth(l));
      CHECK(r.status == 400);
      CHECK(r.body.find(name) != std::string::npos);
    }
  }
  // The largest id is an id: not found, not refused.
  CHECK(c.request("DELETE", "/api/subscriptions/9223372036854775807", "", auth(l)).status == 404);
  CHECK(c.request("PATCH", "/api/admin/users/9223372036854775807", "{\"enabled\":true}", auth(l))
            .status == 404);
  CHECK(c.get("/health").status == 200);
}

// serve with `env` (memory or PostgreSQL), logged in as the admin, through check_numbers.
void serve_and_check(const std::vector<std::pair<std::string, std::string>>& env) {
  WebServe serve(api_args({"--rate-limit-ip", "0", "--rate-limit-user", "0"}), env);
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  check_numbers(c, l);
  CHECK(serve.stop() == 0);
}

}  // namespace

TEST_CASE("dashboard: huge and garbage numbers in every numeric parameter get a clear 400",
          "[app][web][api][abuse]") {
  serve_and_check(memory_env());
}

TEST_CASE("dashboard: huge and garbage numbers against PostgreSQL", "[app][web][api][abuse][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  auto env = memory_env();
  env[0].second = db.url();
  serve_and_check(env);
}
