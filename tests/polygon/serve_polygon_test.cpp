// tickstockapp serve --feed polygon against the fake server: the bars equal a replay of the
// same trades; the API key never appears in what it prints; auth_failed is a clear exit.
#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "app/app_process.h"
#include "app/app_support.h"
#include "polygon/polygon_harness.h"
#include "support/fake_polygon_server.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "fake-key-7Qw9";
const std::string kEnv =
    "env -u DATABASE_URL -u POLYGON_API_KEY -u REDIS_URL -u REDIS_HOST -u TICKSTOCK_PATTERNS -u "
    "TICKSTOCK_SYMBOLS "
    "-u TICKSTOCK_NO_BAR_EVENTS -u TICKSTOCK_UNIVERSE -u TICKSTOCK_SYMBOLS_FILE "
    "POLYGON_CONDITIONS=builtin POLYGON_REST_URL=http://127.0.0.1:9";

// symbol|timeframe|start -> "open,high,low,close,volume" of the last line of each bar.
std::map<std::string, std::string> final_bar_lines(const std::string& out) {
  std::map<std::string, std::string> m;
  for (const auto& l : json_lines(out, "bar"))
    m[json_field(l, "symbol") + "|" + json_field(l, "timeframe") + "|" + json_field(l, "start")] =
        json_field(l, "open") + "," + json_field(l, "high") + "," + json_field(l, "low") + "," +
        json_field(l, "close") + "," + json_field(l, "volume");
  return m;
}

// An AM frame for the `k`-th 1m bar of `sym` in `bars` (k = 1: one share too many).
std::string am_frame(const std::map<std::string, std::string>& bars, const std::string& sym,
                     int k) {
  int seen = 0;
  for (const auto& [key, v] : bars) {
    if (key.rfind(sym + "|1m|", 0) != 0 || seen++ != k) continue;
    const std::string start = key.substr(key.rfind('|') + 1);
    std::vector<std::string> f;
    std::stringstream in(v);
    for (std::string x; std::getline(in, x, ',');) f.push_back(x);
    const auto t = parse_timestamp(start);
    const std::string s = std::to_string(*t / 1'000'000);
    const double volume = std::stod(f[4]) + k;
    return R"([{"ev":"AM","sym":")" + sym + R"(","v":)" + std::to_string(volume) + R"(,"o":)" +
           f[0] + R"(,"h":)" + f[1] + R"(,"l":)" + f[2] + R"(,"c":)" + f[3] + R"(,"s":)" + s +
           R"(,"e":)" + std::to_string(*t / 1'000'000 + 60'000) + "}]";
  }
  return "[]";
}

}  // namespace

TEST_CASE("serve --feed polygon: a full session gives the bars of replaying the same trades",
          "[polygon][serve]") {
  const auto trades = session_trades();
  const std::string csv = write_ticks_csv("polygon-session.csv", trades);
  const auto direct = run_app("serve --feed replay:" + csv + " --speed max --exit-on-eof", kEnv);
  REQUIRE(direct.exit_code == 0);
  const auto want = final_bar_lines(direct.out);
  REQUIRE(want.size() > 100);

  FakePolygonOptions so;
  so.trades = trades;
  so.per_frame = 200;
  so.end_status = true;
  so.conditions_json =
      R"({"results":[{"id":37,"update_rules":{"consolidated":{"updates_high_low":false,)"
      R"("updates_open_close":false,"updates_volume":true}}}],"status":"OK"})";
  so.minute_aggregates = {am_frame(want, trades.front().sym, 0),
                          am_frame(want, trades.front().sym, 1)};
  FakePolygonServer server(so);
  std::string symbols;
  for (const auto& s : symbols_of(trades)) symbols += (symbols.empty() ? "" : ",") + s;
  AppProcess app("serve --feed polygon --symbols " + symbols,
                 kEnv + " POLYGON_API_KEY=" + kKey + " POLYGON_WS_URL=" + server.url() +
                     " POLYGON_REST_URL=" + server.rest_url() + " POLYGON_CONDITIONS=reference");
  REQUIRE(FakePolygonServer::wait_for(
      [&] { return app.err().find("end of test data") != std::string::npos; }, 60s));
  app.signal(SIGINT);
  const RunResult r{app.wait(), app.out(), app.err()};
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto got = final_bar_lines(r.out);
  CHECK(got.size() == want.size());
  CHECK(got == want);
  CHECK(r.err.find("polygon: authenticated") != std::string::npos);
  CHECK(r.err.find("trade condition rules from Polygon's reference") != std::string::npos);
  CHECK(r.err.find("feed lag (frame received -> bars updated): p50 <= ") != std::string::npos);
  // The first minute's AM agrees with our bar, the second one's volume is off by one.
  CHECK(r.err.find("AM cross-check: 2 minutes compared with Polygon's AM bars, 1 disagreed") !=
        std::string::npos);
  CHECK(r.err.find("polygon: AM cross-check: " + trades.front().sym) != std::string::npos);
  CHECK(r.err.find(std::to_string(trades.size()) + " trades") != std::string::npos);
  // The key went to the server, and nowhere else.
  bool key_sent = false;
  for (const auto& m : server.received()) key_sent |= m.find(kKey) != std::string::npos;
  CHECK(key_sent);
  CHECK(r.out.find(kKey) == std::string::npos);
  CHECK(r.err.find(kKey) == std::string::npos);
}

TEST_CASE("serve --feed polygon: auth_failed exits 1 with a clear message, key not shown",
          "[polygon][serve]") {
  FakePolygonOptions so;
  so.refuse_auth = true;
  FakePolygonServer server(so);
  const auto r = run_app("serve --feed polygon --symbols SPY",
                         kEnv + " POLYGON_API_KEY=wrong-key-Zx81 POLYGON_WS_URL=" + server.url());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("Polygon refused the API key (auth_failed") != std::string::npos);
  CHECK(r.err.find("check POLYGON_API_KEY") != std::string::npos);
  CHECK(r.err.find("wrong-key-Zx81") == std::string::npos);
  CHECK(r.out.find("wrong-key-Zx81") == std::string::npos);
  CHECK(server.connections() == 1);
}

TEST_CASE("serve --feed polygon: missing key, symbols or a bad URL are usage errors",
          "[polygon][serve]") {
  auto r = run_app("serve --feed polygon --symbols SPY", kEnv);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("POLYGON_API_KEY is not set") != std::string::npos);
  r = run_app("serve --feed polygon", kEnv + " POLYGON_API_KEY=k");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no symbols to subscribe") != std::string::npos);
  r = run_app("serve --feed polygon --symbols SPY --polygon-channels T,XX",
              kEnv + " POLYGON_API_KEY=k");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("'XX' is not one of T, AM, A, Q") != std::string::npos);
  r = run_app("serve --feed polygon --symbols SPY --polygon-ws-url http://x/y",
              kEnv + " POLYGON_API_KEY=k");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("expected ws:// or wss://") != std::string::npos);
}
