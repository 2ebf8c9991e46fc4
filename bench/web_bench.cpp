// tickstock-web-bench: load for a running `serve --http`, figures as JSON lines.
//
//   tickstock-web-bench rest --port P --user U --password W [--rate 2000] [--seconds 10]
//                            [--connections 32] [--target /api/patterns?limit=50]
//     Open loop: requests are due at a fixed rate over keep-alive connections; each latency is
//     measured from when the request was due (a request that waits for a free connection
//     counts its wait), so a slow server cannot hide behind fewer requests.
//   tickstock-web-bench ws --port P --user U --password W [--clients 1000] [--users N]
//                          [--seconds 20] [--threads 2] [--pid PID]
//     Registers users bench-0..N-1 (serve needs --registration), gives each a subscription to
//     every pattern, opens the clients' WebSockets (spread over the users) and records, for
//     every pattern_alert, now - t_emit (the engine's hand-off). With --pid, the server's RSS
//     before and after the clients connected gives the memory per client.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string mode, user, password, target = "/api/patterns?limit=50";
  int port = 0, rate = 2000, seconds = 10, connections = 32, clients = 1000, users = 0, pid = 0,
      threads = 2;
};

std::string arg_value(int& i, int argc, char** argv) { return i + 1 < argc ? argv[++i] : ""; }

Args parse(int argc, char** argv) {
  Args a;
  if (argc > 1) a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--port")
      a.port = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--user")
      a.user = arg_value(i, argc, argv);
    else if (k == "--password")
      a.password = arg_value(i, argc, argv);
    else if (k == "--rate")
      a.rate = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--seconds")
      a.seconds = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--connections")
      a.connections = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--target")
      a.target = arg_value(i, argc, argv);
    else if (k == "--clients")
      a.clients = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--users")
      a.users = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--threads")
      a.threads = std::atoi(arg_value(i, argc, argv).c_str());
    else if (k == "--pid")
      a.pid = std::atoi(arg_value(i, argc, argv).c_str());
  }
  return a;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// One blocking request (setup only): status, body, the session cookie if one was set.
struct Reply {
  int status = 0;
  std::string body, cookie;
};
Reply request(int port, const std::string& method, const std::string& target,
              const std::string& body, const std::string& cookie, const std::string& csrf) {
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
            ec);
  Reply r;
  if (ec) return r;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  if (!cookie.empty()) req.set(http::field::cookie, cookie);
  if (!csrf.empty()) req.set("X-CSRF-Token", csrf);
  req.body() = body;
  req.prepare_payload();
  http::write(s, req, ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res, ec);
  if (ec) return r;
  r.status = res.result_int();
  r.body = res.body();
  for (const auto& f : res)
    if (f.name() == http::field::set_cookie && f.value().rfind("tickstock_session=", 0) == 0)
      r.cookie = std::string(f.value().substr(0, f.value().find(';')));
  return r;
}

std::string field(const std::string& json, const std::string& key) {
  const auto p = json.find("\"" + key + "\":");
  if (p == std::string::npos) return "";
  auto v = p + key.size() + 3;
  if (json[v] == '"') return json.substr(v + 1, json.find('"', v + 1) - v - 1);
  return json.substr(v, json.find_first_of(",}", v) - v);
}

struct Session {
  std::string cookie, csrf;
};
Session login(int port, const std::string& user, const std::string& password) {
  const Reply r =
      request(port, "POST", "/api/auth/login",
              "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}", "", "");
  return {r.cookie, field(r.body, "csrf_token")};
}

long rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- REST ---------------------------------------------------------------------------------
struct RestLoad {
  net::io_context& ioc;
  const Args& a;
  std::string cookie;
  struct Conn {
    beast::tcp_stream stream;
    beast::flat_buffer buf;
    http::request<http::empty_body> req;
    http::response<http::string_body> res;
    bool busy = false;
    explicit Conn(net::io_context& io) : stream(io) {}
  };
  std::vector<std::unique_ptr<Conn>> conns;
  std::deque<Clock::time_point> waiting;  // due requests without a free connection
  std::vector<double> latencies_ms;
  int errors = 0, non200 = 0;

  void send(Conn& c, Clock::time_point due) {
    c.busy = true;
    c.req = {http::verb::get, a.target, 11};
    c.req.set(http::field::host, "127.0.0.1");
    c.req.set(http::field::cookie, cookie);
    http::async_write(c.stream, c.req, [this, &c, due](beast::error_code ec, std::size_t) {
      if (ec) return done(c, due, false);
      c.res = {};
      http::async_read(c.stream, c.buf, c.res,
                       [this, &c, due](beast::error_code ec2, std::size_t) { done(c, due, !ec2); });
    });
  }
  void done(Conn& c, Clock::time_point due, bool ok) {
    if (!ok) {
      ++errors;
    } else {
      if (c.res.result_int() != 200) ++non200;
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    }
    c.busy = false;
    if (!waiting.empty()) {
      const auto next = waiting.front();
      waiting.pop_front();
      send(c, next);
    }
  }
  void due(Clock::time_point t) {
    for (auto& c : conns)
      if (!c->busy) return send(*c, t);
    waiting.push_back(t);
  }
};

int run_rest(const Args& a) {
  const Session s = login(a.port, a.user, a.password);
  if (s.cookie.empty()) {
    std::fprintf(stderr, "web-bench: login failed\n");
    return 1;
  }
  net::io_context ioc;
  RestLoad load{ioc, a, s.cookie, {}, {}, {}, 0, 0};
  for (int i = 0; i < a.connections; ++i) {
    load.conns.push_back(std::make_unique<RestLoad::Conn>(ioc));
    beast::error_code ec;
    load.conns.back()->stream.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(a.port)), ec);
    if (ec) return 1;
  }
  const auto start = Clock::now();
  const auto period = std::chrono::nanoseconds(1'000'000'000LL / a.rate);
  const long total = static_cast<long>(a.rate) * a.seconds;
  long issued = 0;
  net::steady_timer timer(ioc);
  std::function<void()> tick = [&] {
    const auto now = Clock::now();
    while (issued < total && start + issued * period <= now) load.due(start + issued++ * period);
    if (issued < total) {
      timer.expires_at(start + issued * period);
      timer.async_wait([&](beast::error_code) { tick(); });
    }
  };
  tick();
  ioc.run();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "{\"name\":\"rest\",\"target\":\"%s\",\"rate\":%d,\"connections\":%d,\"requests\":%zu,"
      "\"errors\":%d,\"non_200\":%d,\"achieved_rps\":%.0f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
      "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}\n",
      a.target.c_str(), a.rate, a.connections, load.latencies_ms.size(), load.errors, load.non200,
      static_cast<double>(load.latencies_ms.size()) / secs, percentile(load.latencies_ms, 0.5),
      percentile(load.latencies_ms, 0.9), percentile(load.latencies_ms, 0.99),
      percentile(load.latencies_ms, 0.999), percentile(load.latencies_ms, 1.0));
  return 0;
}

// ---- WebSocket ----------------------------------------------------------------------------
struct WsClient {
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buf;
  std::size_t alerts = 0;
  std::vector<double>* latencies_ms = nullptr;  // its thread's
  explicit WsClient(net::io_context& io) : ws(io) {}
};

int run_ws(const Args& a) {
  const int users = a.users > 0 ? a.users : a.clients;
  std::vector<Session> sessions;
  for (int u = 0; u < users; ++u) {
    const std::string name = "bench-" + std::to_string(u);
    request(a.port, "POST", "/api/auth/register",
            "{\"username\":\"" + name + "\",\"password\":\"bench-password\"}", "", "");
    Session s = login(a.port, name, "bench-password");
    if (s.cookie.empty()) {
      std::fprintf(stderr, "web-bench: cannot log in %s (serve needs --registration)\n",
                   name.c_str());
      return 1;
    }
    request(a.port, "POST", "/api/subscriptions", "{\"pattern\":\"*\"}", s.cookie, s.csrf);
    sessions.push_back(s);
  }
  const long rss_before = a.pid > 0 ? rss_kb(a.pid) : 0;
  // The clients are spread over --threads io_contexts (one thread each), so that reading 1,000
  // sockets does not itself queue the alerts being measured.
  const int nthreads = std::max(1, a.threads);
  std::vector<std::unique_ptr<net::io_context>> iocs;
  for (int t = 0; t < nthreads; ++t) iocs.push_back(std::make_unique<net::io_context>());
  std::vector<std::unique_ptr<WsClient>> clients;
  std::vector<std::vector<double>> per_thread_ms(static_cast<std::size_t>(nthreads));
  int connected = 0, failed = 0;
  for (int i = 0; i < a.clients; ++i) {
    clients.push_back(std::make_unique<WsClient>(*iocs[static_cast<std::size_t>(i % nthreads)]));
    WsClient& c = *clients.back();
    c.latencies_ms = &per_thread_ms[static_cast<std::size_t>(i % nthreads)];
    beast::error_code ec;
    beast::get_lowest_layer(c.ws).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(a.port)), ec);
    const std::string cookie = sessions[static_cast<std::size_t>(i % users)].cookie;
    c.ws.set_option(websocket::stream_base::decorator(
        [cookie](websocket::request_type& r) { r.set(http::field::cookie, cookie); }));
    if (!ec) c.ws.handshake("127.0.0.1", "/ws", ec);
    if (ec) {
      ++failed;
      continue;
    }
    ++connected;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rss_after = a.pid > 0 ? rss_kb(a.pid) : 0;
  std::function<void(WsClient&)> read = [&](WsClient& c) {
    c.ws.async_read(c.buf, [&](beast::error_code ec, std::size_t) {
      if (ec) return;
      const std::int64_t now = wall_us();
      const auto data = c.buf.cdata();
      const std::string_view frame(static_cast<const char*>(data.data()), data.size());
      // One message a line; each alert's latency from its t_emit.
      for (std::size_t at = 0; at < frame.size();) {
        const std::size_t end = std::min(frame.find('\n', at), frame.size());
        const std::string_view m = frame.substr(at, end - at);
        at = end + 1;
        if (!m.starts_with("{\"type\":\"pattern_alert\"")) continue;
        const std::size_t t = m.rfind("\"t_emit\":");
        if (t == std::string_view::npos) continue;
        ++c.alerts;
        c.latencies_ms->push_back(
            static_cast<double>(now - std::atoll(std::string(m.substr(t + 9, 20)).c_str())) /
            1000.0);
      }
      c.buf.consume(c.buf.size());
      read(c);
    });
  };
  for (auto& c : clients)
    if (c->ws.is_open()) read(*c);
  std::vector<std::thread> runners;
  for (auto& ioc : iocs)
    runners.emplace_back([&ioc, &a] { ioc->run_for(std::chrono::seconds(a.seconds)); });
  for (auto& r : runners) r.join();
  std::vector<double> latencies_ms;
  for (auto& v : per_thread_ms) latencies_ms.insert(latencies_ms.end(), v.begin(), v.end());
  std::size_t least = SIZE_MAX;
  for (auto& c : clients)
    if (c->ws.is_open()) least = std::min(least, c->alerts);
  std::printf(
      "{\"name\":\"ws_alerts\",\"clients\":%d,\"users\":%d,\"connected\":%d,\"failed\":%d,"
      "\"seconds\":%d,\"alerts_received\":%zu,\"least_per_client\":%zu,\"p50_ms\":%.3f,"
      "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"server_rss_kb_before\":%ld,\"server_rss_kb_after\":%ld,"
      "\"kb_per_client\":%.1f}\n",
      a.clients, users, connected, failed, a.seconds, latencies_ms.size(),
      least == SIZE_MAX ? 0 : least, percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.99),
      percentile(latencies_ms, 1.0), rss_before, rss_after,
      connected > 0 ? static_cast<double>(rss_after - rss_before) / connected : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  if ((a.mode != "rest" && a.mode != "ws") || a.port <= 0 || (a.mode == "rest" && a.user.empty())) {
    std::fprintf(stderr,
                 "usage: tickstock-web-bench rest|ws --port P --user U --password W [options]\n"
                 "(see the comment at the top of bench/web_bench.cpp)\n");
    return 2;
  }
  return a.mode == "rest" ? run_rest(a) : run_ws(a);
}
