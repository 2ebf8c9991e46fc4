// Alert history over real sockets: alerts that wait for a user are handed over a bounded page
// at a time (login answer, /ws greeting, GET /api/alerts paging) and stay pending until a
// client acknowledges them (/ws "ack", POST /api/alerts/ack); --alert-history caps what is kept.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"

using namespace tickstock::test;

namespace {

// Waits until the user has at least `n` pending alerts (the feed makes them).
std::size_t wait_for_pending(HttpClient& c, const Login& who, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t have = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    have = alert_ids(c, who, true).size();
    if (have >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return have;
}

}  // namespace

TEST_CASE("dashboard: a large alert backlog is greeted a page at a time and kept until acked",
          "[app][web][ws][alerts]") {
  // A small send queue (64 KiB): the backlog below is several times that.
  WebServe serve(
      api_args({"--registration", "--speed", "3000", "--synthetic-symbols", "3", "--ws-batch-ms",
                "100", "--ws-queue-kb", "64", "--rate-limit-user", "0"}));
  REQUIRE(serve.port() > 0);
  const int port = serve.port();
  HttpClient c(port);
  REQUIRE(c.request("POST", "/api/auth/register", credentials_json("ben", "password-123"),
                    {{"Content-Type", "application/json"}})
              .status == 201);
  Login ben = login(c, "ben", "password-123");
  REQUIRE(ben.ok());
  // Every pattern of every symbol while ben is away (no socket open).
  REQUIRE(c.request("POST", "/api/subscriptions", "{\"pattern\":\"*\"}", auth(ben)).status == 201);
  REQUIRE(wait_for_pending(c, ben, 600) >= 600);
  REQUIRE(c.request("DELETE",
                    "/api/subscriptions/" +
                        json_field(c.get("/api/subscriptions", auth(ben)).body, "id"),
                    "", auth(ben))
              .status == 204);  // the backlog stops growing
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::set<std::string> backlog = alert_ids(c, ben, true);

  // Login: a first page and the count; nothing is delivered by it.
  ben = login(c, "ben", "password-123");
  REQUIRE(ben.ok());
  CHECK(json_field(ben.reply.body, "pending_count") == std::to_string(backlog.size()));
  const std::string first = ben.reply.body.substr(ben.reply.body.find("\"pending_alerts\":"));
  CHECK(ids_of(first).size() == 50);
  CHECK(ben.reply.body.size() < 64 * 1024);

  // The greeting: the same first page and count, within the send queue (no slow-consumer cut).
  WsClient ws(port,
              {{"Cookie", ben.cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(port)}});
  REQUIRE(ws.ok());
  const std::string hello = ws.receive(std::chrono::seconds(5));
  CHECK(json_field(hello, "type") == "hello");
  CHECK(json_field(hello, "pending_count") == std::to_string(backlog.size()));
  const std::set<std::string> greeted = ids_of(hello);
  CHECK(greeted.size() == 50);
  CHECK(hello.size() < 64 * 1024);
  CHECK(alert_ids(c, ben, true) == backlog);  // still all pending
  // Acks: one by "id", the rest of the page by "ids"; an id that is not ben's is ignored.
  auto it = greeted.begin();
  ws.send("{\"type\":\"ack\",\"id\":" + *it + "}");
  CHECK(json_field(ws.receive(std::chrono::seconds(5)), "acked") == "1");
  std::string ids;
  for (++it; it != greeted.end(); ++it) ids += (ids.empty() ? "" : ",") + *it;
  ws.send("{\"type\":\"ack\",\"ids\":[" + ids + ",999999999]}");
  CHECK(json_field(ws.receive(std::chrono::seconds(5)), "acked") == "49");
  ws.send("{\"type\":\"ack\",\"ids\":\"all\"}");
  CHECK(json_field(ws.receive(std::chrono::seconds(5)), "type") == "error");
  CHECK(!ws.closed());
  std::set<std::string> rest = backlog;
  for (const auto& id : greeted) rest.erase(id);
  CHECK(alert_ids(c, ben, true) == rest);
  // The rest through paging and the REST ack.
  std::string all;
  for (const auto& id : rest) all += (all.empty() ? "" : ",") + id;
  std::size_t acked = 0;
  for (std::size_t from = 0; from < all.size();) {
    // At most 500 ids a request.
    std::size_t to = from;
    for (int n = 0; n < 500 && to < all.size(); ++n) {
      to = all.find(',', to);
      to = to == std::string::npos ? all.size() : to + 1;
    }
    const std::string part = all.substr(from, to - from - (to < all.size() ? 1 : 0));
    const HttpReply r = c.request("POST", "/api/alerts/ack", "{\"ids\":[" + part + "]}", auth(ben));
    REQUIRE(r.status == 200);
    acked += std::stoul(json_field(r.body, "acked"));
    from = to;
  }
  CHECK(acked == rest.size());
  CHECK(alert_ids(c, ben, true).empty());
  CHECK(alert_ids(c, ben, false).size() == backlog.size());
  CHECK(c.request("POST", "/api/alerts/ack", "{\"ids\":[-1]}", auth(ben)).status == 400);
  CHECK(c.request("POST", "/api/alerts/ack", "{\"ids\":[1]}", {{"Cookie", ben.cookie}}).status ==
        403);  // CSRF
  CHECK(c.get("/api/alerts?pending=maybe", auth(ben)).status == 400);
  const std::string m = c.get("/metrics").body;
  CHECK(m.find("slow_consumer") == std::string::npos);
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: --alert-history caps the alerts kept per user", "[app][web][alerts]") {
  WebServe serve(
      api_args({"--registration", "--speed", "3000", "--synthetic-symbols", "3", "--ws-batch-ms",
                "100", "--alert-history", "40", "--rate-limit-user", "0"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  REQUIRE(c.request("POST", "/api/auth/register", credentials_json("ben", "password-123"),
                    {{"Content-Type", "application/json"}})
              .status == 201);
  const Login ben = login(c, "ben", "password-123");
  REQUIRE(ben.ok());
  REQUIRE(c.request("POST", "/api/subscriptions", "{\"pattern\":\"*\"}", auth(ben)).status == 201);
  // Many more than 40 arrive; the history keeps the newest 40.
  std::set<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && seen.size() < 200) {
    for (const auto& id : alert_ids(c, ben, false)) seen.insert(id);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(seen.size() >= 200);
  // One page: alerts keep coming, and pages read one after another would see the newest
  // push the oldest out between them.
  const std::set<std::string> kept = alert_ids(c, ben, false, 500);
  CHECK(kept.size() == 40);
  long long oldest = 0;
  for (const auto& id : kept)
    oldest = oldest == 0 ? std::stoll(id) : std::min(oldest, std::stoll(id));
  CHECK(oldest > 100);  // not the first ones
  CHECK(serve.stop() == 0);
}
