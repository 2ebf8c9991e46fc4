// The attacks. Randomness is seeded: a failing run can be repeated exactly.
#include "abuse/attacks.h"

#include <random>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "support/web_client.h"

namespace tickstock::test {
namespace {

using namespace std::chrono_literals;

std::string random_letters(std::mt19937_64& rng, std::size_t n, const char* alphabet) {
  const std::string a(alphabet);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += a[rng() % a.size()];
  return s;
}

// A method no server knows, now and then a very long one.
std::string invented_method(std::mt19937_64& rng) {
  const std::size_t n = rng() % 10 == 0 ? 200 + rng() % 800 : 3 + rng() % 12;
  return random_letters(rng, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-!");
}

std::string invented_path(std::mt19937_64& rng) {
  static const char* kBases[] = {"/health",         "/metrics",         "/ready", "/api/",
                                 "/api/auth/login", "/api/patterns",    "/ws",    "/",
                                 "/static/",        "/api/admin/users/"};
  std::string p = kBases[rng() % std::size(kBases)];
  switch (rng() % 6) {
    case 0:
      p += random_letters(rng, 1 + rng() % 40, "abcdefghijklmnopqrstuvwxyz0123456789/");
      break;
    case 1:
      p += "../../etc/passwd";
      break;
    case 2:
      p += "%00%ff%2e%2e/" + random_letters(rng, 8, "abc");
      break;
    case 3:
      p += "/" + std::string(2000 + rng() % 4000, 'a');
      break;
    case 4:
      p += "?" + random_letters(rng, 10, "abc") + "=" + random_letters(rng, 10, "xyz%&=");
      break;
    default:
      break;
  }
  return p;
}

}  // namespace

int Tally::total() const {
  int n = 0;
  for (const auto& [s, k] : by_status) n += k;
  return n;
}

int Tally::count(int status) const {
  auto it = by_status.find(status);
  return it == by_status.end() ? 0 : it->second;
}

int Tally::server_errors() const {
  int n = 0;
  for (const auto& [s, k] : by_status)
    if (s >= 500 && s != 503) n += k;
  return n;
}

void Tally::add(const Tally& other) {
  for (const auto& [s, k] : other.by_status) by_status[s] += k;
}

std::string Tally::describe() const {
  std::string out;
  for (const auto& [s, k] : by_status)
    out += (out.empty() ? "" : ", ") + std::to_string(s) + " x" + std::to_string(k);
  return out.empty() ? "nothing" : out;
}

Tally invented_methods_and_paths(int port, const std::string& from, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tally t;
  for (int i = 0; i < n; ++i) {
    const bool known_method = i % 4 == 0;
    const std::string method = known_method ? "GET" : invented_method(rng);
    t.add(http_from(from, port, method, invented_path(rng), "", {}, 5s).status);
  }
  return t;
}

Tally over_the_limits(int port, const std::string& from) {
  Tally t;
  auto raw = [&](const std::string& request) {
    const int fd = connect_from(from, port);
    if (fd < 0) return t.add(0);
    t.add(exchange(fd, request, 10s).status);
    ::close(fd);
  };
  const std::string host = "Host: 127.0.0.1\r\n";
  raw("GET /health HTTP/1.1\r\n" + host + "X-Big: " + std::string(40 * 1024, 'x') + "\r\n\r\n");
  std::string many = "GET /health HTTP/1.1\r\n" + host;
  for (int i = 0; i < 500; ++i)
    many += "X-H" + std::to_string(i) + ": " + std::string(60, 'v') + "\r\n";
  raw(many + "\r\n");
  raw("POST /api/auth/login HTTP/1.1\r\n" + host +
      "Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n" +
      std::string(2 * 1024 * 1024, '{'));
  raw("GET /health HTTP/1.1 EXTRA\r\n" + host + "\r\n");
  raw("POST /api/auth/login HTTP/1.1\r\n" + host + "Content-Length: -5\r\n\r\n");
  raw("POST /api/auth/login HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999\r\n\r\n");
  raw("POST /api/auth/login HTTP/1.1\r\n" + host +
      "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nxx\r\n");
  raw(std::string("GET /\0health HTTP/1.1\r\n", 24) + host + "\r\n");
  return t;
}

int slowloris(int port, const std::string& from, int n, std::chrono::milliseconds drip,
              std::chrono::milliseconds hold) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    const int fd = connect_from(from, port);
    if (fd < 0) continue;
    const std::string start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    fds.push_back(fd);
  }
  std::vector<bool> closed(fds.size(), false);
  const auto end = std::chrono::steady_clock::now() + hold;
  while (std::chrono::steady_clock::now() < end) {
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (closed[i]) continue;
      if (::send(fds[i], "a", 1, MSG_NOSIGNAL) != 1 || closed_by_server(fds[i], 1ms))
        closed[i] = true;
    }
    std::this_thread::sleep_for(drip);
  }
  int cut = 0;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    cut += closed[i] ? 1 : 0;
    ::close(fds[i]);
  }
  return cut;
}

IdleSockets idle_sockets(int port, const std::string& from, int n) {
  IdleSockets s;
  for (int i = 0; i < n; ++i) {
    const int fd = connect_from(from, port);
    if (fd < 0) continue;
    ++s.opened;
    s.fds.push_back(fd);
  }
  std::this_thread::sleep_for(1s);
  for (int fd : s.fds) s.refused += closed_by_server(fd, 1ms) ? 1 : 0;
  return s;
}

void close_all(IdleSockets& s) {
  for (int fd : s.fds) ::close(fd);
  s.fds.clear();
}

Tally login_flood(int port, const std::vector<std::string>& sources,
                  const std::vector<std::string>& usernames, const std::atomic<bool>& stop) {
  std::vector<Tally> each(sources.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    threads.emplace_back([&, i] {
      for (std::size_t k = 0; !stop.load(); ++k) {
        const std::string& user = usernames[(i + k) % usernames.size()];
        const std::string body =
            "{\"username\":\"" + user + "\",\"password\":\"wrong-" + std::to_string(k) + "\"}";
        each[i].add(http_from(sources[i], port, "POST", "/api/auth/login", body,
                              {{"Content-Type", "application/json"}}, 10s)
                        .status);
      }
    });
  }
  for (auto& th : threads) th.join();
  Tally all;
  for (const Tally& t : each) all.add(t);
  return all;
}

WsFloodResult ws_subscribe_flood(int port, const std::string& cookie, int n) {
  WsFloodResult r;
  WsClient ws(port, {{"Cookie", cookie}});
  r.connected = ws.ok();
  if (!ws.ok()) return r;
  for (int i = 0; i < n; ++i) {
    ws.send("{\"type\":\"subscribe\",\"symbol\":\"FL" + std::to_string(i) +
            "\",\"timeframe\":\"1m\"}");
    if (i % 50 == 0)
      ws.send("{\"type\":\"subscribe\",\"symbol\":\"A\\u0000B\",\"timeframe\":\"1m\"}");
    if (i % 97 == 0) ws.send(std::string(1000, '['));
  }
  for (std::string m = ws.receive(5s); !m.empty(); m = ws.receive(1s)) {
    if (m.find("\"subscribed\"") != std::string::npos) ++r.subscribed;
    if (m.find("\"error\"") != std::string::npos) ++r.errors;
  }
  return r;
}

Tally huge_numbers(int port, const std::string& from, const std::string& cookie,
                   const std::string& csrf) {
  static const char* kValues[] = {"9223372036854775807",
                                  "9223372036854775808",
                                  "-9223372036854775808",
                                  "99999999999999999999999999",
                                  "1e308",
                                  "-1",
                                  "0",
                                  "1.5",
                                  "NaN",
                                  "inf",
                                  "0x10",
                                  "%00",
                                  ""};
  static const char* kTargets[] = {"/api/bars?symbol=GOODA&timeframe=1m&limit=",
                                   "/api/bars?symbol=GOODA&timeframe=1m&from=",
                                   "/api/bars?symbol=GOODA&timeframe=1m&to=",
                                   "/api/indicators?symbol=GOODA&timeframe=1m&limit=",
                                   "/api/indicators?symbol=GOODA&timeframe=1m&from=",
                                   "/api/symbols?limit=",
                                   "/api/patterns?limit=",
                                   "/api/patterns?min_confidence=",
                                   "/api/patterns?since=",
                                   "/api/patterns?cursor=",
                                   "/api/patterns?cursor=1_",
                                   "/api/alerts?limit=",
                                   "/api/alerts?cursor="};
  Tally t;
  const HeaderList h{
      {"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}};
  // Paced under the per-user rate limit (20/s), so that each request reaches its handler.
  auto send = [&](const std::string& method, const std::string& target, const std::string& body) {
    std::this_thread::sleep_for(60ms);
    t.add(http_from(from, port, method, target, body, h).status);
  };
  for (const char* target : kTargets)
    for (const char* v : kValues) send("GET", std::string(target) + v, "");
  for (const char* v : kValues) {
    const std::string id = std::string("/api/subscriptions/") + v;
    send("PUT", id, "{\"pattern\":\"*\"}");
    send("DELETE", id, "");
    send("POST", "/api/subscriptions",
         std::string("{\"pattern\":\"*\",\"min_confidence\":") + (*v ? v : "0") + "}");
  }
  return t;
}

}  // namespace tickstock::test
