// Live pattern alerts follow the rule of the alert history: every alert is stored pending, a
// live one reaches the client with its stored id, and only a client's acknowledgement delivers
// it. A socket cut before the client acknowledged leaves the alert pending for the next login;
// one acknowledged over /ws is not handed over again. While PostgreSQL is down, live alerts
// still reach open sockets (without ids) and are counted as not stored. Real serve, real /ws
// clients, the memory store and PostgreSQL.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "app/web/proxied_database.h"

using namespace tickstock::test;
using Env = std::vector<std::pair<std::string, std::string>>;

namespace {

constexpr const char* kSyn00 = R"({"pattern":"*","symbols":["SYN00"],"timeframes":["1m"]})";

std::vector<std::string> serve_args(const std::vector<std::string>& extra) {
  std::vector<std::string> a{"--speed",         "3000", "--synthetic-symbols", "3",
                             "--ws-batch-ms",   "100",  "--rate-limit-user",   "0",
                             "--rate-limit-ip", "0"};
  a.insert(a.end(), extra.begin(), extra.end());
  return api_args(a);
}

// The value of a counter in /metrics (-1 when absent).
long long metric(HttpClient& c, const std::string& name) {
  const std::string m = c.get("/metrics").body;
  const auto at = m.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoll(m.substr(at + name.size() + 2));
}

// The item of alert `id` in the user's whole history ("" when it is not there).
std::string history_item(HttpClient& c, const Login& who, const std::string& id) {
  const std::string body = c.get("/api/alerts?limit=500", auth(who)).body;
  const auto at = body.find("{\"id\":" + id + ",");
  return at == std::string::npos ? "" : body.substr(at, body.find("\"alert\":", at) - at);
}

// The admin subscribes to SYN00's 1m patterns with a socket open, receives live alerts,
// acknowledges the first two over /ws and loses the socket; at the next login the rest wait.
void live_alerts_wait_for_acknowledgement(const std::vector<std::string>& extra, const Env& env) {
  WebServe serve(serve_args(extra), env);
  REQUIRE(serve.port() > 0);
  const int port = serve.port();
  HttpClient c(port);
  const Login first = login(c, "admin", kAdminPassword);
  REQUIRE(first.ok());
  auto ws = std::make_unique<WsClient>(port, ws_headers(first, port));
  REQUIRE(ws->ok());
  REQUIRE(ws_collect(*ws, "hello", std::chrono::seconds(5)).size() == 1);
  const HttpReply sub = c.request("POST", "/api/subscriptions", kSyn00, auth(first));
  REQUIRE(sub.status == 201);

  // Live alerts carry the id they were stored under, each once.
  const auto live = ws_collect(*ws, "pattern_alert", std::chrono::seconds(30), 4);
  REQUIRE(live.size() >= 4);
  std::vector<std::string> ids;
  for (const std::string& a : live) {
    INFO(a);
    CHECK(json_field(a, "symbol") == "SYN00");
    ids.push_back(json_field(a, "id"));
    REQUIRE(!ids.back().empty());
  }
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  // Received is not delivered: all of them wait until acknowledged.
  const std::set<std::string> waiting = alert_ids(c, first, true);
  for (const std::string& id : ids) CHECK(waiting.count(id) == 1);

  // The first two are acknowledged over /ws.
  ws->send("{\"type\":\"ack\",\"ids\":[" + ids[0] + "," + ids[1] + "]}");
  const auto acked = ws_collect(*ws, "acked", std::chrono::seconds(5));
  REQUIRE(acked.size() == 1);
  CHECK(json_field(acked[0], "acked") == "2");
  // No more alerts; then the socket is cut (no close handshake: a network loss, a closed tab).
  REQUIRE(c.request("DELETE", "/api/subscriptions/" + json_field(sub.body, "id"), "", auth(first))
              .status == 204);
  ws.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // The next login: the unacknowledged ones are pending again, the acknowledged ones are not.
  const Login next = login(c, "admin", kAdminPassword);
  REQUIRE(next.ok());
  CHECK(std::stoll(json_field(next.reply.body, "pending_count")) >=
        static_cast<long long>(ids.size() - 2));
  const std::set<std::string> pending = alert_ids(c, next, true);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO("alert " << ids[i]);
    CHECK(pending.count(ids[i]) == (i < 2 ? 0u : 1u));
    const std::string item = history_item(c, next, ids[i]);
    REQUIRE(!item.empty());
    CHECK((json_field(item, "delivered_at") == "null") == (i >= 2));
  }
  // A new socket's greeting counts them as well.
  WsClient again(port, ws_headers(next, port));
  REQUIRE(again.ok());
  const auto hello = ws_collect(again, "hello", std::chrono::seconds(5));
  REQUIRE(hello.size() == 1);
  CHECK(json_field(hello[0], "pending_count") == std::to_string(pending.size()));
  CHECK(metric(c, "tickstock_alerts_not_stored_total") == 0);
  CHECK(serve.stop() == 0);
}

}  // namespace

TEST_CASE("dashboard: a live alert stays pending until acked, across a cut socket (memory)",
          "[app][web][ws][alerts]") {
  live_alerts_wait_for_acknowledgement({}, memory_env());
}

TEST_CASE("dashboard: a live alert stays pending until acked, across a cut socket (PostgreSQL)",
          "[app][web][ws][alerts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  ProxiedDatabase pg("liveack");
  live_alerts_wait_for_acknowledgement({"--spill-dir", pg.spill}, pg.env);
}

TEST_CASE("dashboard: live alerts reach open sockets while PostgreSQL is down",
          "[app][web][ws][alerts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  ProxiedDatabase pg("alerts-down");
  WebServe serve(serve_args({"--spill-dir", pg.spill}), pg.env);
  REQUIRE(serve.port() > 0);
  const int port = serve.port();
  HttpClient c(port);
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  WsClient ws(port, ws_headers(l, port));
  REQUIRE(ws.ok());
  REQUIRE(c.request("POST", "/api/subscriptions", kSyn00, auth(l)).status == 201);
  const auto stored = ws_collect(ws, "pattern_alert", std::chrono::seconds(30), 2);
  REQUIRE(stored.size() >= 2);  // one frame may carry several
  for (const std::string& a : stored) CHECK(!json_field(a, "id").empty());
  const long long not_stored = metric(c, "tickstock_alerts_not_stored_total");
  REQUIRE(not_stored == 0);

  // The database goes away: alerts go on reaching the socket, without ids, and are counted.
  pg.proxy.cut();
  std::size_t without_id = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline &&
         (without_id < 5 || metric(c, "tickstock_alerts_not_stored_total") == 0)) {
    for (const std::string& a : ws_collect(ws, "pattern_alert", std::chrono::seconds(1), 100))
      if (json_field(a, "id").empty()) ++without_id;
  }
  CHECK(without_id >= 5);
  CHECK(metric(c, "tickstock_alerts_not_stored_total") > 0);
  CHECK(!ws.closed());

  // Back again: the live alerts carry ids again.
  pg.proxy.restore();
  bool with_id = false;
  const auto back = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!with_id && std::chrono::steady_clock::now() < back)
    for (const std::string& a : ws_collect(ws, "pattern_alert", std::chrono::seconds(1), 100))
      with_id = with_id || !json_field(a, "id").empty();
  CHECK(with_id);
  CHECK(serve.stop() == 0);
}
