// PolygonFeed against the fake server over real sockets: full sessions (ws and wss) give the
// bars of a direct aggregation; faults end in a recovery or a clear stop, with the bars intact.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "polygon/polygon_harness.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;

namespace {

// Runs the pipeline until every trade is through and returns its final bars.
std::map<std::string, Bar> run_all(FeedPipeline& p, std::size_t trades) {
  p.start();
  REQUIRE(p.wait_items(trades));
  p.finish();
  REQUIRE(p.result.has_value());
  return final_bars(p.sink.bars);
}

}  // namespace

TEST_CASE("Polygon feed: a full session streams every trade into the bars of a direct replay",
          "[polygon][feed]") {
  const auto trades = session_trades();
  const auto want = direct_bars(trades);
  REQUIRE(want.size() > 100);
  FakePolygonOptions so;
  so.trades = trades;
  so.per_frame = 100;
  SECTION("ws://") {
    FakePolygonServer server(so);
    FeedPipeline p(FeedPipeline::options_for(server, symbols_of(trades)));
    const auto got = run_all(p, trades.size());
    CHECK(bar_differences(got, want).empty());
    CHECK(server.connections() == 1);
    const auto& st = p.feed.polygon_stats();
    CHECK(st.trades.load() == trades.size());
    CHECK(st.sessions.load() == 1);
    CHECK(st.bad_frames.load() == 0);
    CHECK(st.dropped_items.load() == 0);
  }
  SECTION("wss:// with a certificate made for the test") {
    TestCertificate cert;
    so.tls = true;
    so.cert_file = cert.cert();
    so.key_file = cert.key();
    FakePolygonServer server(so);
    auto o = FeedPipeline::options_for(server, {"*"});
    o.ca_file = cert.cert();
    FeedPipeline p(o);
    const auto got = run_all(p, trades.size());
    CHECK(bar_differences(got, want).empty());
    CHECK(server.subscriptions() == std::set<std::string>{"AM.*", "T.*"});
  }
}

TEST_CASE("Polygon feed: wss:// refuses a server whose certificate it cannot verify",
          "[polygon][feed][faults]") {
  TestCertificate cert;
  FakePolygonOptions so;
  so.tls = true;
  so.cert_file = cert.cert();
  so.key_file = cert.key();
  FakePolygonServer server(so);
  FeedPipeline p(FeedPipeline::options_for(server, {"*"}));  // no ca_file: not trusted
  p.start();
  REQUIRE(
      FakePolygonServer::wait_for([&] { return p.feed.polygon_stats().disconnects >= 2; }, 10s));
  p.finish();
  CHECK(p.feed.polygon_stats().sessions == 0);
  CHECK(p.feed.last_disconnect().find("TLS handshake") != std::string::npos);
}

TEST_CASE("Polygon feed: auth_failed stops the feed with a clear error and no retry",
          "[polygon][feed][faults]") {
  FakePolygonOptions so;
  so.refuse_auth = true;
  FakePolygonServer server(so);
  FeedPipeline p(FeedPipeline::options_for(server, {"SPY"}));
  p.start();
  REQUIRE(FakePolygonServer::wait_for([&] { return p.feed_done.load(); }, 10s));
  std::this_thread::sleep_for(300ms);
  p.finish();
  REQUIRE_FALSE(p.result.has_value());
  const std::string& m = p.result.error().message;
  CHECK(m.find("auth_failed") != std::string::npos);
  CHECK(m.find("POLYGON_API_KEY") != std::string::npos);
  CHECK(m.find("fake-key-7Qw9") == std::string::npos);
  CHECK(server.connections() == 1);
}

TEST_CASE("Polygon feed: control characters in the auth message are escaped, not dropped",
          "[polygon][feed][faults]") {
  FakePolygonServer server(FakePolygonOptions{});
  auto o = FeedPipeline::options_for(server, {"SPY"});
  o.api_key = std::string("key\x01") + "\t2";
  FeedPipeline p(o);
  p.start();
  REQUIRE(FakePolygonServer::wait_for([&] { return p.feed_done.load(); }, 10s));
  p.finish();
  REQUIRE_FALSE(p.result.has_value());  // the server knows another key
  const auto received = server.received();
  REQUIRE(!received.empty());
  CHECK(received[0].find(R"("params":"key\u0001\u00092")") != std::string::npos);
}

TEST_CASE("Polygon feed: max_connections waits long before the next attempt",
          "[polygon][feed][faults]") {
  const auto trades = synthetic_trades(3, 3000);
  FakePolygonOptions so;
  so.trades = trades;
  so.max_connections_for = 1;
  FakePolygonServer server(so);
  auto o = FeedPipeline::options_for(server, symbols_of(trades));
  o.max_connections_wait = 700ms;
  FeedPipeline p(o);
  const auto got = run_all(p, trades.size());
  const auto times = server.connect_times();
  REQUIRE(times.size() == 2);
  CHECK(times[1] - times[0] >= 700ms);  // not the 20 ms of an ordinary reconnect
  CHECK(p.feed.polygon_stats().sessions == 1);
  CHECK(bar_differences(got, direct_bars(trades)).empty());
}

TEST_CASE("Polygon feed: a frame cut half way reconnects, resubscribes, and loses nothing",
          "[polygon][feed][faults]") {
  const auto trades = synthetic_trades(5, 5000);
  FakePolygonOptions so;
  so.trades = trades;
  so.cut_on = 1;
  so.cut_frame = 7;
  FakePolygonServer server(so);
  const auto symbols = symbols_of(trades);
  FeedPipeline p(FeedPipeline::options_for(server, symbols));
  const auto got = run_all(p, trades.size());
  CHECK(server.connections() == 2);
  CHECK(p.feed.polygon_stats().sessions == 2);
  CHECK(p.feed.last_disconnect().find("connection broke") != std::string::npos);
  // Both sessions subscribed to exactly the same channels.
  std::vector<std::string> subs[3];
  for (const auto& r : server.received())
    if (r.find("subscribe") != std::string::npos) subs[r[0] - '0'].push_back(r.substr(3));
  CHECK(subs[1] == subs[2]);
  CHECK(!subs[1].empty());
  CHECK(bar_differences(got, direct_bars(trades)).empty());
}

TEST_CASE("Polygon feed: a silent server is left after the idle timeout",
          "[polygon][feed][faults]") {
  const auto trades = synthetic_trades(2, 2000);
  FakePolygonOptions so;
  so.trades = trades;
  so.silent_on = 1;
  FakePolygonServer server(so);
  auto o = FeedPipeline::options_for(server, symbols_of(trades));
  o.idle_timeout = 600ms;
  FeedPipeline p(o);
  const auto t0 = std::chrono::steady_clock::now();
  const auto got = run_all(p, trades.size());
  CHECK(std::chrono::steady_clock::now() - t0 >= 600ms);
  CHECK(server.connections() == 2);
  CHECK(p.feed.polygon_stats().disconnects >= 1);
  CHECK(bar_differences(got, direct_bars(trades)).empty());
}

TEST_CASE("Polygon feed: malformed JSON, unknown events, odd fields and a huge frame",
          "[polygon][feed][faults]") {
  const auto trades = synthetic_trades(3, 4000);
  FakePolygonOptions so;
  so.trades = trades;
  so.inject[500] = {R"([{"ev":"T","sym":)", "{not json}", R"({"ev":"T","sym":"S1"})",
                    R"([{"ev":"XQ","foo":1},{"ev":"T","sym":"S1","p":"bad","s":1,"t":1},)"
                    R"({"ev":"status","status":"weird","message":"?","extra":[1,{"a":2}]}])"};
  std::string huge = "[";
  for (int i = 0; i < 3000; ++i)
    huge +=
        std::string(i ? "," : "") +
        R"({"ev":"Q","sym":"S1","bx":1,"bp":1.0,"bs":1,"ax":1,"ap":1.1,"as":1,"t":1704205800000})";
  huge += "]";
  so.inject[2000] = {huge};
  so.inject_pause = 300ms;
  FakePolygonServer server(so);
  auto o = FeedPipeline::options_for(server, symbols_of(trades));
  o.max_frame_bytes = 64 * 1024;
  FeedPipeline p(o);
  const auto got = run_all(p, trades.size());
  const auto& st = p.feed.polygon_stats();
  CHECK(st.bad_frames == 3);  // truncated, not JSON, not an array
  CHECK(st.bad_messages == 1);
  CHECK(st.unknown_events == 1);
  CHECK(st.disconnects == 1);  // the huge frame
  CHECK(server.connections() == 2);
  CHECK(bar_differences(got, direct_bars(trades)).empty());
}

TEST_CASE("Polygon feed: a reconnection storm backs off exponentially, then recovers",
          "[polygon][feed][faults]") {
  const auto trades = synthetic_trades(2, 1000);
  FakePolygonOptions so;
  so.trades = trades;
  so.drop_after_handshake_for = 5;
  FakePolygonServer server(so);
  auto o = FeedPipeline::options_for(server, symbols_of(trades));
  o.reconnect_min = 40ms;
  o.reconnect_max = 400ms;
  FeedPipeline p(o);
  const auto got = run_all(p, trades.size());
  const auto times = server.connect_times();
  REQUIRE(times.size() == 6);
  // Waits of at least half of 40, 80, 160, 320 and 400 (capped) ms: 500 ms in all.
  CHECK(times[5] - times[0] >= 500ms);
  for (std::size_t i = 2; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= 20ms);
  CHECK(bar_differences(got, direct_bars(trades)).empty());
}

TEST_CASE("Polygon feed: a full engine queue drops and counts, the reader never waits",
          "[polygon][feed][faults]") {
  const auto trades = synthetic_trades(2, 3000);
  FakePolygonOptions so;
  so.trades = trades;
  so.per_frame = 10;
  FakePolygonServer server(so);
  FeedPipeline p(FeedPipeline::options_for(server, symbols_of(trades)), 2);
  p.start(false);  // nobody drains the queue
  REQUIRE(FakePolygonServer::wait_for([&] { return server.all_sent(); }, 20s));
  const auto& st = p.feed.polygon_stats();
  REQUIRE(FakePolygonServer::wait_for(
      [&] { return p.feed.stats().items + st.dropped_items == trades.size(); }, 5s));
  CHECK(p.feed.stats().items == 20);  // two batches of 10 fit
  CHECK(st.dropped_items == trades.size() - 20);
  // The queue also counts the idle clock items it refused (none matter: the next one comes).
  CHECK(p.queue.dropped_items() >= st.dropped_items);
  p.finish();
}
