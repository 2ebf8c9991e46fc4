#include "support/fake_polygon_server.h"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "support/test_support.h"

namespace tickstock::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto kAwait = net::use_awaitable;

std::string status(const char* st, const std::string& message) {
  return std::string("[{\"ev\":\"status\",\"status\":\"") + st + "\",\"message\":\"" + message +
         "\"}]";
}

void append_number(std::string& out, double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// One trade as Polygon writes it.
void append_trade(std::string& out, const FakeTrade& t, std::size_t seq) {
  out += "{\"ev\":\"T\",\"sym\":\"" + t.sym + "\",\"i\":\"" + std::to_string(seq) +
         "\",\"x\":4,\"p\":";
  append_number(out, t.price);
  out += ",\"s\":";
  append_number(out, t.size);
  if (!t.conditions.empty()) {
    out += ",\"c\":[";
    for (std::size_t i = 0; i < t.conditions.size(); ++i)
      out += (i ? "," : "") + std::to_string(t.conditions[i]);
    out += "]";
  }
  out += ",\"t\":" + std::to_string(t.t_ms) + ",\"q\":" + std::to_string(seq) + ",\"z\":2}";
}

// The params of a subscribe/unsubscribe message, split at commas and trimmed.
std::vector<std::string> params_of(const std::string& msg) {
  std::vector<std::string> out;
  const auto p = msg.find("\"params\":\"");
  if (p == std::string::npos) return out;
  const auto e = msg.find('"', p + 10);
  std::stringstream in(msg.substr(p + 10, e - p - 10));
  for (std::string item; std::getline(in, item, ',');) {
    const auto a = item.find_first_not_of(' ');
    const auto b = item.find_last_not_of(' ');
    if (a != std::string::npos) out.push_back(item.substr(a, b - a + 1));
  }
  return out;
}

}  // namespace

struct FakePolygonServer::Impl {
  explicit Impl(FakePolygonOptions o) : opt(std::move(o)) {}
  FakePolygonOptions opt;
  net::io_context ioc{1};
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  unsigned short port = 0;
  std::thread thread;
  mutable std::mutex mu;
  int connections = 0;                                       // guarded by mu
  std::vector<std::chrono::steady_clock::time_point> times;  // guarded by mu
  std::vector<std::string> received;                         // guarded by mu
  std::set<std::string> subs;                                // guarded by mu
  std::atomic<std::size_t> cursor{0};                        // next trade to send
  std::atomic<std::size_t> hold_at{0};  // trades from here on wait for release()
  std::set<std::size_t> injected;       // I/O thread only
  std::vector<std::string> rest;        // REST request targets; guarded by mu

  bool subscribed(const std::string& channel, const std::string& sym) {
    std::lock_guard lock(mu);
    return subs.count(channel + ".*") > 0 || subs.count(channel + "." + sym) > 0;
  }

  // The next data frame from the cursor (trades of subscribed symbols), and where it ends.
  std::string next_frame(std::size_t& end) {
    const std::size_t from = cursor.load();
    end = std::min({opt.trades.size(), from + opt.per_frame, std::max(from + 1, hold_at.load())});
    const auto next_inject = opt.inject.upper_bound(from);
    if (next_inject != opt.inject.end()) end = std::min(end, next_inject->first);
    std::string f = "[";
    for (std::size_t i = from; i < end; ++i) {
      if (!subscribed("T", opt.trades[i].sym)) continue;
      if (f.size() > 1) f += ',';
      append_trade(f, opt.trades[i], i);
    }
    return f + "]";
  }

  template <class Ws>
  net::awaitable<bool> send(Ws& ws, const std::string& text) {
    beast::error_code ec;
    ws.text(true);
    co_await ws.async_write(net::buffer(text), net::redirect_error(kAwait, ec));
    co_return !ec;
  }

  template <class Ws>
  net::awaitable<void> reader(Ws& ws, int n, std::deque<std::string>& outbox, bool& done) {
    beast::flat_buffer buf;
    for (;;) {
      beast::error_code ec;
      co_await ws.async_read(buf, net::redirect_error(kAwait, ec));
      if (ec) break;
      const std::string msg = beast::buffers_to_string(buf.data());
      buf.consume(buf.size());
      const bool sub = msg.find("\"action\":\"subscribe\"") != std::string::npos;
      const bool unsub = msg.find("\"action\":\"unsubscribe\"") != std::string::npos;
      std::lock_guard lock(mu);
      received.push_back(std::to_string(n) + ": " + msg);
      std::string names;
      for (const auto& p : params_of(msg)) {
        if (sub) subs.insert(p);
        if (unsub) subs.erase(p);
        names += (names.empty() ? "" : ",") + p;
      }
      if (sub || unsub)
        outbox.push_back(
            status("success", std::string(sub ? "subscribed to: " : "unsubscribed to: ") + names));
    }
    done = true;
  }

  template <class Ws>
  net::awaitable<void> writer(Ws& ws, int n, std::deque<std::string>& outbox, const bool& done) {
    net::steady_timer idle(ioc);
    bool aggregates_sent = false;
    bool end_sent = false;
    std::size_t frames = 0;
    while (!done) {
      if (!outbox.empty()) {
        const std::string m = std::move(outbox.front());
        outbox.pop_front();
        if (!co_await send(ws, m)) co_return;
        if (!aggregates_sent) {
          aggregates_sent = true;
          for (const auto& am : opt.minute_aggregates)
            if (!co_await send(ws, am)) co_return;
        }
        continue;
      }
      bool any_subscription = false;
      {
        std::lock_guard lock(mu);
        any_subscription = !subs.empty();
      }
      const std::size_t from = cursor.load();
      if (any_subscription && from >= opt.trades.size() && opt.end_status && !end_sent) {
        end_sent = true;
        if (!co_await send(ws, status("info", "end of test data"))) co_return;
        continue;
      }
      if (!any_subscription || from >= opt.trades.size() || from >= hold_at.load()) {
        beast::error_code ec;
        idle.expires_after(std::chrono::milliseconds(2));
        co_await idle.async_wait(net::redirect_error(kAwait, ec));
        continue;
      }
      const auto inject = opt.inject.find(from);
      if (inject != opt.inject.end() && injected.insert(from).second) {
        for (const auto& raw : inject->second)
          if (!co_await send(ws, raw)) co_return;
        if (opt.inject_pause.count() > 0) {
          beast::error_code ec;
          idle.expires_after(opt.inject_pause);
          co_await idle.async_wait(net::redirect_error(kAwait, ec));
          continue;
        }
      }
      std::size_t end = 0;
      const std::string frame = next_frame(end);
      if (n == opt.cut_on && frames == opt.cut_frame) {
        beast::error_code ec;
        ws.text(true);
        co_await ws.async_write_some(false, net::buffer(frame.data(), frame.size() / 2),
                                     net::redirect_error(kAwait, ec));
        beast::get_lowest_layer(ws).close();
        co_return;
      }
      if (!co_await send(ws, frame)) co_return;
      ++frames;
      cursor.store(end);
      if (opt.frame_pause.count() > 0) {
        beast::error_code ec;
        idle.expires_after(opt.frame_pause);
        co_await idle.async_wait(net::redirect_error(kAwait, ec));
      }
    }
  }

  template <class Ws>
  net::awaitable<void> session(Ws& ws, const http::request<http::string_body>& upgrade) {
    beast::error_code ec;
    co_await ws.async_accept(upgrade, net::redirect_error(kAwait, ec));
    if (ec) co_return;
    int n = 0;
    {
      std::lock_guard lock(mu);
      n = ++connections;
      times.push_back(std::chrono::steady_clock::now());
      subs.clear();
    }
    if (n <= opt.drop_after_handshake_for) {
      beast::get_lowest_layer(ws).close();
      co_return;
    }
    if (!co_await send(ws, status("connected", "Connected Successfully"))) co_return;
    beast::flat_buffer buf;
    co_await ws.async_read(buf, net::redirect_error(kAwait, ec));
    if (ec) co_return;
    const std::string auth = beast::buffers_to_string(buf.data());
    {
      std::lock_guard lock(mu);
      received.push_back(std::to_string(n) + ": " + auth);
    }
    const bool key_ok = auth.find("\"action\":\"auth\"") != std::string::npos &&
                        auth.find("\"params\":\"" + opt.api_key + "\"") != std::string::npos;
    if (opt.refuse_auth || !key_ok) {
      (void)co_await send(ws, status("auth_failed", "authentication failed"));
      co_await ws.async_close(websocket::close_code::normal, net::redirect_error(kAwait, ec));
      co_return;
    }
    if (n <= opt.max_connections_for) {
      (void)co_await send(
          ws, status("max_connections",
                     "Maximum number of websocket connections exceeded. You have reached the "
                     "connection limit for your account."));
      co_await ws.async_close(websocket::close_code::policy_error, net::redirect_error(kAwait, ec));
      co_return;
    }
    if (!co_await send(ws, status("auth_success", "authenticated"))) co_return;
    if (n == opt.silent_on) {  // neither reads (so no pong) nor writes
      net::steady_timer t(ioc, std::chrono::seconds(60));
      co_await t.async_wait(net::redirect_error(kAwait, ec));
      co_return;
    }
    std::deque<std::string> outbox;
    bool done = false;
    co_await (reader(ws, n, outbox, done) || writer(ws, n, outbox, done));
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(ioc);
      co_await acceptor.async_accept(socket, net::redirect_error(kAwait, ec));
      if (ec) co_return;
      if (tls) {
        net::co_spawn(ioc, serve_tls(std::move(socket)), net::detached);
      } else {
        net::co_spawn(ioc, serve_plain(std::move(socket)), net::detached);
      }
    }
  }

  // An answer to one REST request.
  http::response<http::string_body> answer(const http::request<http::string_body>& req) {
    const std::string target(req.target());
    int n = 0;
    {
      std::lock_guard lock(mu);
      const bool key_ok = req[http::field::authorization] == "Bearer " + opt.api_key;
      rest.push_back(target + (key_ok ? "" : " (no key)"));
      n = static_cast<int>(rest.size());
    }
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(false);
    if (n <= opt.rest_429_first) {
      res.result(http::status::too_many_requests);
      res.set(http::field::retry_after, opt.rest_retry_after);
      res.body() =
          R"({"status":"ERROR","error":"You've exceeded the maximum requests per minute"})";
    } else if (n <= opt.rest_429_first + opt.rest_500_first) {
      res.result(http::status::internal_server_error);
      res.body() = "oops";
    } else if (target.rfind("/v3/reference/conditions", 0) == 0) {
      res.body() = opt.conditions_json;
    } else if (target.rfind("/v2/aggs/ticker/", 0) == 0) {
      res.body() = aggregates(target);
    } else {
      res.result(http::status::not_found);
      res.body() = R"({"status":"NOT_FOUND","message":"no such path"})";
    }
    res.prepare_payload();
    return res;
  }

  // /v2/aggs/ticker/SYM/range/1/SPAN/FROM/TO?...[&cursor=K]
  std::string aggregates(const std::string& target) {
    std::vector<std::string> parts;
    std::stringstream in(target.substr(0, target.find('?')));
    for (std::string p; std::getline(in, p, '/');) parts.push_back(p);
    // "", v2, aggs, ticker, SYM, range, 1, SPAN, FROM, TO
    if (parts.size() < 10) return R"({"status":"ERROR","error":"bad path"})";
    const std::string& sym = parts[4];
    if (auto raw = opt.rest_raw.find(sym); raw != opt.rest_raw.end()) return raw->second;
    const std::int64_t from = std::stoll(parts[8]), to = std::stoll(parts[9]);
    std::size_t page_from = 0;
    const auto c = target.find("cursor=");
    if (c != std::string::npos) page_from = std::stoul(target.substr(c + 7));
    std::vector<FakeBar> match;
    if (auto it = opt.rest_bars.find(sym); it != opt.rest_bars.end())
      for (const auto& b : it->second)
        if (b.t_ms >= from && b.t_ms <= to) match.push_back(b);
    const std::size_t end = std::min(match.size(), page_from + opt.rest_page);
    std::string out =
        R"({"ticker":")" + sym + R"(","adjusted":true,"status":"OK","request_id":"r1")";
    out += ",\"resultsCount\":" + std::to_string(end - page_from);
    if (end > page_from) {
      out += ",\"results\":[";
      for (std::size_t i = page_from; i < end; ++i) {
        const FakeBar& b = match[i];
        out += std::string(i > page_from ? "," : "") + "{\"v\":";
        append_number(out, b.v);
        out += ",\"vw\":";
        append_number(out, b.vw);
        out += ",\"o\":";
        append_number(out, b.o);
        out += ",\"c\":";
        append_number(out, b.c);
        out += ",\"h\":";
        append_number(out, b.h);
        out += ",\"l\":";
        append_number(out, b.l);
        out += ",\"t\":" + std::to_string(b.t_ms) + ",\"n\":" + std::to_string(b.n) + "}";
      }
      out += "]";
    }
    if (end < match.size())
      out += ",\"next_url\":\"" + rest_base() + target.substr(0, target.find('?')) +
             "?cursor=" + std::to_string(end) + "\"";
    return out + "}";
  }

  std::string rest_base() const {
    return std::string(opt.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
  }

  // Reads the first request: a WebSocket upgrade becomes a session, anything else is REST.
  template <class Stream>
  net::awaitable<void> serve_stream(Stream& stream) {
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    beast::error_code ec;
    co_await http::async_read(stream, buf, req, net::redirect_error(kAwait, ec));
    if (ec) co_return;
    if (websocket::is_upgrade(req)) {
      websocket::stream<Stream&> ws(stream);
      co_await session(ws, req);
      co_return;
    }
    auto res = answer(req);
    co_await http::async_write(stream, res, net::redirect_error(kAwait, ec));
    beast::get_lowest_layer(stream).close();
  }

  net::awaitable<void> serve_plain(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_stream(stream);
  }

  net::awaitable<void> serve_tls(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    beast::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, net::redirect_error(kAwait, ec));
    if (ec) co_return;
    co_await serve_stream(stream);
  }
};

FakePolygonServer::FakePolygonServer(FakePolygonOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))), trade_count_(impl_->opt.trades.size()) {
  Impl& im = *impl_;
  im.hold_at = im.opt.hold_at;
  if (im.opt.tls) {
    im.tls.emplace(ssl::context::tls_server);
    im.tls->use_certificate_chain_file(im.opt.cert_file);
    im.tls->use_private_key_file(im.opt.key_file, ssl::context::pem);
  }
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  im.acceptor.open(ep.protocol());
  im.acceptor.set_option(net::socket_base::reuse_address(true));
  im.acceptor.bind(ep);
  im.acceptor.listen();
  im.port = im.acceptor.local_endpoint().port();
  net::co_spawn(im.ioc, im.accept_loop(), net::detached);
  im.thread = std::thread([&im] { im.ioc.run(); });
}

FakePolygonServer::~FakePolygonServer() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string FakePolygonServer::url() const {
  return std::string(impl_->opt.tls ? "wss" : "ws") +
         "://127.0.0.1:" + std::to_string(impl_->port) + "/stocks";
}

int FakePolygonServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections;
}

std::vector<std::chrono::steady_clock::time_point> FakePolygonServer::connect_times() const {
  std::lock_guard lock(impl_->mu);
  return impl_->times;
}

std::vector<std::string> FakePolygonServer::received() const {
  std::lock_guard lock(impl_->mu);
  return impl_->received;
}

std::set<std::string> FakePolygonServer::subscriptions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->subs;
}

void FakePolygonServer::release() { impl_->hold_at = static_cast<std::size_t>(-1); }

std::vector<std::string> FakePolygonServer::rest_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->rest;
}

std::string FakePolygonServer::rest_url() const { return impl_->rest_base(); }

std::size_t FakePolygonServer::trades_sent() const { return impl_->cursor.load(); }

bool FakePolygonServer::wait_for(const std::function<bool()>& done,
                                 std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TestCertificate::TestCertificate() {
  char tmpl[] = "/tmp/tickstock-cert-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  cert_ = dir_ + "/cert.pem";
  key_ = dir_ + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key_ + " -out " + cert_ + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("openssl could not make a test certificate");
}

TestCertificate::~TestCertificate() {
  std::remove(cert_.c_str());
  std::remove(key_.c_str());
  rmdir(dir_.c_str());
}

std::vector<FakeTrade> trades_from_csv(const std::string& path) {
  std::vector<FakeTrade> out;
  const auto rows = parse_csv(read_file(path));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() < 4) continue;
    FakeTrade t;
    t.t_ms = std::stoll(r[0]) / 1'000'000;
    t.sym = r[1];
    t.price = std::stod(r[2]);
    t.size = std::stod(r[3]);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<FakeTrade> synthetic_trades(int symbols, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> px(static_cast<std::size_t>(symbols), 50.0);
  std::vector<FakeTrade> out;
  std::int64_t t = 1'704'205'800'000;  // 2024-01-02 14:30 UTC (09:30 New York)
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(symbols));
    px[s] = std::max(1.0, px[s] + static_cast<double>(static_cast<int>(rng() % 5) - 2) * 0.01);
    t += static_cast<std::int64_t>(rng() % 400);
    FakeTrade tr;
    tr.sym = "S" + std::to_string(s);
    tr.price = std::round(px[s] * 100.0) / 100.0;
    tr.size = static_cast<double>(100 * (1 + rng() % 5));
    tr.t_ms = t;
    out.push_back(std::move(tr));
  }
  return out;
}

std::string write_ticks_csv(const std::string& name, const std::vector<FakeTrade>& trades) {
  const std::string path = "/tmp/tickstock-test-" + std::to_string(getpid()) + "-" + name;
  std::string text = "ts_ns,symbol,price,size\n";
  for (const auto& t : trades) {
    text += std::to_string(t.t_ms * 1'000'000) + "," + t.sym + ",";
    append_number(text, t.price);
    text += ",";
    append_number(text, t.size);
    text += "\n";
  }
  if (FILE* f = std::fopen(path.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  return path;
}

}  // namespace tickstock::test
