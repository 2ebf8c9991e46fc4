// A login flood from many addresses (all of 127.0.0.0/8 is this machine: client sockets bound
// to 127.0.0.2.. act as other clients) against serve with the real password hashing cost, while
// a logged-in user works and pattern alerts flow to a user who is away: the user is served (no
// 503) and every alert is stored.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>

#include "app/web/api_support.h"

using namespace tickstock::test;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Many keep-alive connections from several source addresses, each sending wrong-password
// logins one after the other (a pause after each answer) until `until`. Counts the answers by
// status.
class LoginFlood {
 public:
  LoginFlood(int port, int addresses, int per_address, std::chrono::steady_clock::time_point until)
      : port_(port), until_(until) {
    for (int a = 0; a < addresses; ++a)
      for (int i = 0; i < per_address; ++i)
        conns_.push_back(std::make_unique<Conn>(ioc_, "127.0.0." + std::to_string(a + 2)));
  }
  void run() {
    for (auto& c : conns_) start(*c);
    ioc_.run_until(until_ + std::chrono::seconds(5));
  }
  std::uint64_t answered(int status) const { return counts_[status % 600].load(); }
  std::uint64_t total() const { return total_.load(); }

 private:
  struct Conn {
    Conn(net::io_context& ioc, std::string from) : sock(ioc), timer(ioc), local(std::move(from)) {}
    tcp::socket sock;
    net::steady_timer timer;
    std::string local;
    std::string in;
    std::string out;
    int n = 0;
  };

  void start(Conn& c) {
    boost::system::error_code ec;
    c.sock.open(tcp::v4(), ec);
    if (!ec) c.sock.bind(tcp::endpoint(net::ip::make_address(c.local), 0), ec);
    if (ec) return;
    c.sock.async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)),
        [this, &c](boost::system::error_code e) {
          if (!e) send(c);
        });
  }
  void send(Conn& c) {
    if (std::chrono::steady_clock::now() >= until_) return close(c);
    const std::string body = credentials_json("ann", "guess-" + std::to_string(c.n++));
    c.out =
        "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    net::async_write(c.sock, net::buffer(c.out),
                     [this, &c](boost::system::error_code e, std::size_t) {
                       if (e) return close(c);
                       c.in.clear();
                       read(c);
                     });
  }
  void read(Conn& c) {
    auto buf = std::make_shared<std::array<char, 4096>>();
    c.sock.async_read_some(net::buffer(*buf),
                           [this, &c, buf](boost::system::error_code e, std::size_t n) {
                             if (e) return close(c);
                             c.in.append(buf->data(), n);
                             const auto head = c.in.find("\r\n\r\n");
                             const auto len_at = c.in.find("Content-Length: ");
                             if (head == std::string::npos || len_at == std::string::npos)
                               return read(c);
                             const std::size_t len = std::stoul(c.in.substr(len_at + 16));
                             if (c.in.size() < head + 4 + len) return read(c);
                             const int status = std::stoi(c.in.substr(9, 3));
                             counts_[status % 600].fetch_add(1);
                             total_.fetch_add(1);
                             c.timer.expires_after(std::chrono::milliseconds(250));
                             c.timer.async_wait([this, &c](boost::system::error_code) { send(c); });
                           });
  }
  void close(Conn& c) {
    boost::system::error_code ignored;
    c.sock.close(ignored);
  }

  int port_;
  std::chrono::steady_clock::time_point until_;
  net::io_context ioc_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::array<std::atomic<std::uint64_t>, 600> counts_{};
  std::atomic<std::uint64_t> total_{0};
};

// A pattern alert's identity: symbol, timeframe, bar time, pattern and revision.
std::string alert_key(const std::string& a) {
  return json_field(a, "symbol") + "|" + json_field(a, "timeframe") + "|" + json_field(a, "time") +
         "|" + json_field(a, "pattern") + "|" + json_field(a, "revision");
}

}  // namespace

TEST_CASE("dashboard: a login flood from many addresses starves neither users nor alert storage",
          "[app][web][api][auth][ws]") {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  WARN("skipped under sanitizers: needs Release throughput (runs in the Release pass)");
  return;
#endif
  // The real hashing cost (HashCost::kInteractive: 64 MiB, ~0.1 s a check here) and the default
  // login rate and pools.
  WebServe serve({"--admin-password-file", admin_password_file(), "--registration", "--speed",
                  "3000", "--synthetic-symbols", "3", "--ws-batch-ms", "100", "--alert-history",
                  "100000"});
  REQUIRE(serve.port() > 0);
  const int port = serve.port();
  HttpClient c(port);
  const Headers json{{"Content-Type", "application/json"}};
  for (const char* u : {"ann", "ben"})
    REQUIRE(
        c.request("POST", "/api/auth/register", credentials_json(u, "password-123"), json).status ==
        201);
  HttpClient cb(port);
  const Login ann = login(c, "ann", "password-123");
  const Login ben = login(cb, "ben", "password-123");
  REQUIRE((ann.ok() && ben.ok()));
  // Both want every pattern of SYN00 on 1m; ann is connected, ben never opens a socket (away).
  WsClient ws(port,
              {{"Cookie", ann.cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(port)}});
  REQUIRE(ws.ok());
  const std::string sub = "{\"pattern\":\"*\",\"symbols\":[\"SYN00\"],\"timeframes\":[\"1m\"]}";
  REQUIRE(c.request("POST", "/api/subscriptions", sub, auth(ann)).status == 201);
  REQUIRE(cb.request("POST", "/api/subscriptions", sub, auth(ben)).status == 201);

  // 11 addresses x 100 connections: more logins waiting than the workers' whole queue (1024).
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(12);
  LoginFlood flood(port, 11, 100, until);
  std::thread flooder([&] { flood.run(); });
  std::set<std::string> received;
  std::vector<int> statuses;
  double slowest = 0;
  while (std::chrono::steady_clock::now() < until) {
    const auto t0 = std::chrono::steady_clock::now();
    for (const char* path : {"/api/auth/me", "/api/subscriptions", "/api/alerts?limit=5"})
      statuses.push_back(c.get(path, auth(ann)).status);
    slowest = std::max(
        slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    // A round every 300 ms (about 10 calls a second: within the per-user rate); alerts are
    // read meanwhile.
    const auto next = t0 + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < next) {
      std::istringstream frame(ws.receive(std::chrono::milliseconds(50)));
      for (std::string m; std::getline(frame, m);)
        if (json_field(m, "type") == "pattern_alert") received.insert(alert_key(m));
    }
  }
  flooder.join();
  WARN("flood answers: " << flood.total() << ", 429: " << flood.answered(429)
                         << ", 503: " << flood.answered(503) << ", 401: " << flood.answered(401)
                         << "; user's calls: " << statuses.size() << ", slowest round " << slowest
                         << " s; alerts received: " << received.size());
  // The flood was one: many answers, most refused early.
  CHECK(flood.total() > 2000);
  CHECK(flood.answered(429) > 1000);
  // The logged-in user was served all along.
  CHECK(statuses.size() >= 60);
  INFO("user's answers other than 200: " << [&] {
    std::string o;
    for (int st : statuses)
      if (st != 200) o += std::to_string(st) + " ";
    return o;
  }());
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == static_cast<long>(statuses.size()));
  CHECK(std::count(statuses.begin(), statuses.end(), 503) == 0);
  CHECK(slowest < 2.0);
  // Every alert reached the store: ann's (delivered) and ben's (pending) histories hold all
  // that ann received.
  REQUIRE(received.size() >= 3);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the last round's batch
  auto history = [&](HttpClient& client, const Login& who) {
    std::set<std::string> keys;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      const HttpReply r = client.get(
          "/api/alerts?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor), auth(who));
      REQUIRE(r.status == 200);
      for (std::size_t p = r.body.find("\"alert\":{"); p != std::string::npos;
           p = r.body.find("\"alert\":{", p + 1))
        keys.insert(alert_key(r.body.substr(p, r.body.find('}', p) - p + 1)));
      cursor = json_field(r.body, "next");
      if (cursor == "null" || cursor.empty()) break;
    }
    return keys;
  };
  const std::set<std::string> ann_kept = history(c, ann), ben_kept = history(cb, ben);
  for (const std::string& k : received) {
    INFO(k);
    CHECK(ann_kept.count(k) == 1);
    CHECK(ben_kept.count(k) == 1);
  }
  const std::string m = c.get("/metrics").body;
  CHECK(m.find("tickstock_alerts_not_stored_total 0\n") != std::string::npos);
  CHECK(m.find("tickstock_alerts_queue_overflow_total 0\n") != std::string::npos);
  CHECK(m.find("tickstock_web_busy_total 0\n") != std::string::npos);
  CHECK(serve.stop() == 0);
}
