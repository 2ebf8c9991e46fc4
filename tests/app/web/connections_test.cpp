// Connections from hostile clients: a cap per client address (other addresses go on being
// served), and running out of file descriptors (accepting pauses instead of spinning, and
// resumes). All of 127.0.0.0/8 is loopback on Linux, so client sockets bound to 127.0.0.2
// act as a second address.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/web/raw_socket.h"
#include "app/web/web_serve.h"
#include "support/web_client.h"

using namespace tickstock::test;

namespace {

// A counter's value in /metrics text ("" when absent).
std::string metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

// utime + stime of process `pid`, seconds.
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)
    if (i == 14 || i == 15) ticks += std::stod(f);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

TEST_CASE("serve --http caps connections per client address and serves the others",
          "[app][web][http][abuse]") {
  WebServe serve({"--http-max-connections-per-ip", "4"});
  REQUIRE(serve.port() > 0);
  CHECK(serve.process().err().find("4 per client address") != std::string::npos);
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) held.push_back(connect_from("127.0.0.2", serve.port()));
  for (int s : held) REQUIRE(s >= 0);
  for (int s : held) CHECK(!closed_by_server(s, std::chrono::milliseconds(100)));
  // The fifth from the same address is closed at once; another address is served.
  const int fifth = connect_from("127.0.0.2", serve.port());
  REQUIRE(fifth >= 0);
  CHECK(closed_by_server(fifth, std::chrono::seconds(3)));
  ::close(fifth);
  const std::string refused = exchange_from(
      "127.0.0.2", serve.port(), "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  if (!refused.empty()) {  // best effort: the server writes before it closes
    CHECK(refused.rfind("HTTP/1.1 503", 0) == 0);
    CHECK(refused.find("too many connections from this address") != std::string::npos);
  }
  HttpClient other(serve.port());
  CHECK(other.get("/health").status == 200);
  for (int s : held) CHECK(!closed_by_server(s, std::chrono::milliseconds(10)));
  CHECK(metric(other.get("/metrics").body, "tickstock_http_connections_refused_per_ip_total") ==
        "2");
  CHECK(serve.process().err().find("http: 127.0.0.2 has 4 connections open: another refused") !=
        std::string::npos);
  // A connection that goes makes room for one more from that address.
  ::close(held.back());
  held.pop_back();
  bool room = false;
  for (int i = 0; i < 50 && !room; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const int again = connect_from("127.0.0.2", serve.port());
    room = again >= 0 && !closed_by_server(again, std::chrono::milliseconds(200));
    if (room) {
      held.push_back(again);
    } else if (again >= 0) {
      ::close(again);
    }
  }
  CHECK(room);
  for (int s : held) ::close(s);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http pauses accepting when out of file descriptors, then recovers",
          "[app][web][http][abuse]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizers' runtimes need descriptors of their own (UBSan's vptr check opens a pipe to
  // probe memory): with none left they report errors that are not the program's.
  WARN("skipped under sanitizers: they need file descriptors (runs in the Release pass)");
  return;
#endif
  // 64 descriptors in all and none kept back: a flood of connections exhausts them.
  AppProcess proc(
      "serve --http 127.0.0.1:0 --no-bar-events --synthetic-symbols 1 --http-fd-reserve 0 "
      "--http-max-connections-per-ip 1000",
      "prlimit --nofile=64:64 env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  int port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {
    const std::string err = proc.err();
    const auto at = err.find("http: listening on http://127.0.0.1:");
    if (at != std::string::npos) port = std::stoi(err.substr(at + 36));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(port > 0);
  CHECK(proc.err().find("open-file limit 64;") != std::string::npos);
  std::vector<int> flood;
  for (int i = 0; i < 120; ++i) {
    const int s = connect_from("127.0.0.2", port);
    if (s >= 0) flood.push_back(s);
  }
  CHECK(flood.size() > 64);
  // Out of descriptors, with connections waiting: the server must not busy-loop meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double cpu_before = cpu_seconds(proc.pid());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const double cpu = cpu_seconds(proc.pid()) - cpu_before;
  CHECK(cpu < 0.6);
  for (int s : flood) ::close(s);
  // Once the flood is gone, it accepts again and says what happened.
  HttpReply health;
  for (int i = 0; i < 100 && health.status != 200; ++i) {
    HttpClient c(port);
    health = c.get("/health");
    if (health.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(health.status == 200);
  HttpClient c(port);
  const std::string metrics = c.get("/metrics").body;
  INFO(metrics);
  CHECK(metric(metrics, "tickstock_http_accept_fd_exhausted_total") != "0");
  CHECK(!metric(metrics, "tickstock_http_accept_fd_exhausted_total").empty());
  CHECK(proc.err().find("http: accept failed: Too many open files; pausing") != std::string::npos);
  proc.signal(SIGINT);
  CHECK(proc.wait() == 0);
}
