// tickstockapp serve --feed polygon against the fake server: the bars equal a replay of the
// same trades; the API key never appears in what it prints; auth_failed is a clear exit.
#include <csignal>
#include <map>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "polygon/polygon_harness.h"
#include "support/fake_polygon_server.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "fake-key-7Qw9";
const std::string kEnv =
    "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST -u TICKSTOCK_PATTERNS -u TICKSTOCK_SYMBOLS "
    "-u TICKSTOCK_NO_BAR_EVENTS -u TICKSTOCK_UNIVERSE -u TICKSTOCK_SYMBOLS_FILE";

// symbol|timeframe|start -> "open,high,low,close,volume" of the last line of each bar.
std::map<std::string, std::string> final_bar_lines(const std::string& out) {
  std::map<std::string, std::string> m;
  for (const auto& l : json_lines(out, "bar"))
    m[json_field(l, "symbol") + "|" + json_field(l, "timeframe") + "|" + json_field(l, "start")] =
        json_field(l, "open") + "," + json_field(l, "high") + "," + json_field(l, "low") + "," +
        json_field(l, "close") + "," + json_field(l, "volume");
  return m;
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
  FakePolygonServer server(so);
  std::string symbols;
  for (const auto& s : symbols_of(trades)) symbols += (symbols.empty() ? "" : ",") + s;
  AppProcess app("serve --feed polygon --symbols " + symbols,
                 kEnv + " POLYGON_API_KEY=" + kKey + " POLYGON_WS_URL=" + server.url());
  REQUIRE(FakePolygonServer::wait_for(
      [&] { return app.err_so_far().find("end of test data") != std::string::npos; }, 60s));
  app.signal(SIGINT);
  const auto r = app.wait();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto got = final_bar_lines(r.out);
  CHECK(got.size() == want.size());
  CHECK(got == want);
  CHECK(r.err.find("polygon: authenticated") != std::string::npos);
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
  auto r = run_app("serve --feed polygon --symbols SPY", kEnv + " -u POLYGON_API_KEY");
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
