// A fake Polygon (Massive) stocks WebSocket server for tests, on 127.0.0.1 (ws:// or wss://
// with a certificate made at test time). It speaks the real protocol: `connected`, auth with an
// API key, subscribe/unsubscribe with per-channel symbol filtering, JSON-array frames of trades;
// and it can misbehave on purpose (auth failure, max_connections, dropping connections, going
// silent, cutting a frame half way, injecting raw frames). Trades are sent once, in order,
// across connections: a frame cut off is sent again on the next connection.
#ifndef TICKSTOCK_TESTS_SUPPORT_FAKE_POLYGON_SERVER_H_
#define TICKSTOCK_TESTS_SUPPORT_FAKE_POLYGON_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tickstock::test {

struct FakeTrade {
  std::string sym;
  double price = 0;
  double size = 0;
  std::int64_t t_ms = 0;  // SIP timestamp, Unix ms
  std::vector<int> conditions;
};

// A bar as Polygon's REST aggregates return it.
struct FakeBar {
  std::int64_t t_ms = 0;  // window start, Unix ms
  double o = 0, h = 0, l = 0, c = 0, v = 0, vw = 0;
  int n = 0;
};

struct FakePolygonOptions {
  bool tls = false;
  std::string cert_file, key_file;  // PEM, for tls
  std::string api_key = "fake-key-7Qw9";
  std::vector<FakeTrade> trades;             // streamed once subscribed, in order
  std::size_t per_frame = 50;                // trades per frame (an array)
  std::chrono::microseconds frame_pause{0};  // between data frames (0: as fast as it can)
  // Raw frames sent just before the frame that starts at trade index k.
  std::map<std::size_t, std::vector<std::string>> inject;
  // A pause after injected frames, so that a client that drops the connection over one is gone
  // before more trades are sent (trades sent into a closed connection would be lost).
  std::chrono::milliseconds inject_pause{0};
  std::vector<std::string> minute_aggregates;  // AM frames sent after the first subscription
  // Once every trade is sent, a status {"status":"info","message":"end of test data"} (the
  // client logs unknown statuses), so that a test driving the binary knows all was read.
  bool end_status = false;
  // Trades from this index on wait until release() (a test changes something in between).
  std::size_t hold_at = static_cast<std::size_t>(-1);
  // REST (plain HTTP requests on the same port): /v2/aggs/ticker/{sym}/range/1/{minute|day}/
  // {from}/{to} pages of `rest_page` bars with next_url, and /v3/reference/conditions.
  std::map<std::string, std::vector<FakeBar>> rest_bars;
  std::size_t rest_page = 50000;
  // Aggregates answers sent as they are, by symbol (instead of rest_bars'), for bad answers.
  std::map<std::string, std::string> rest_raw;
  int rest_429_first = 0;  // the first N REST requests get 429 with Retry-After
  std::string rest_retry_after = "1";
  int rest_500_first = 0;  // then the next N get 500
  std::string conditions_json;
  // Faults, by connection number (the first connection is 1).
  bool refuse_auth = false;          // every auth gets auth_failed
  int max_connections_for = 0;       // the first N connections get max_connections
  int drop_after_handshake_for = 0;  // the first N connections are closed at once
  int silent_on = 0;                 // this connection goes silent after auth_success
  int cut_on = 0;                    // on this connection, the `cut_frame`-th data frame
  std::size_t cut_frame = 0;         //   (0-based) is cut half way and the socket closed
};

class FakePolygonServer {
 public:
  explicit FakePolygonServer(FakePolygonOptions options);
  ~FakePolygonServer();
  FakePolygonServer(const FakePolygonServer&) = delete;
  FakePolygonServer& operator=(const FakePolygonServer&) = delete;

  // ws://127.0.0.1:PORT/stocks (wss:// with tls).
  std::string url() const;
  int connections() const;
  // Steady-clock times at which each connection was accepted.
  std::vector<std::chrono::steady_clock::time_point> connect_times() const;
  // Every text message a client sent, prefixed "N: " with its connection number.
  std::vector<std::string> received() const;
  // The current connection's subscriptions, e.g. {"T.SPY", "AM.SPY"}.
  std::set<std::string> subscriptions() const;
  // REST requests: "TARGET" plus " (no key)" when the Authorization header lacked the key.
  std::vector<std::string> rest_requests() const;
  // http://127.0.0.1:PORT (https:// with tls).
  std::string rest_url() const;
  // Trades sent (in whole frames) so far.
  std::size_t trades_sent() const;
  bool all_sent() const { return trades_sent() >= trade_count_; }
  // Lets the trades held at FakePolygonOptions::hold_at go.
  void release();
  // Waits up to `timeout` for `done()` (polled); returns its last value.
  static bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t trade_count_;
};

// A self-signed certificate for 127.0.0.1 made with the openssl command, removed at the end.
class TestCertificate {
 public:
  TestCertificate();
  ~TestCertificate();
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;
  const std::string& cert() const { return cert_; }
  const std::string& key() const { return key_; }

 private:
  std::string dir_, cert_, key_;
};

// The trades of a ticks CSV (ts_ns,symbol,price,size; plain or .gz), ts rounded down to ms.
std::vector<FakeTrade> trades_from_csv(const std::string& path);
// A deterministic day of trades for `symbols` symbols (S0, S1, ...), ms timestamps.
std::vector<FakeTrade> synthetic_trades(int symbols, std::size_t n, std::uint64_t seed = 5);
// Writes `trades` as a ticks CSV (ts_ns,symbol,price,size); returns the path.
std::string write_ticks_csv(const std::string& name, const std::vector<FakeTrade>& trades);

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_FAKE_POLYGON_SERVER_H_
