// The attacks of the abuse suite, each against a running `serve --http` on 127.0.0.1:port
// from a loopback source address of its own, each bounded in time, each returning what the
// server answered (so the suite can say what was refused and how).
#ifndef TICKSTOCK_TESTS_ABUSE_ATTACKS_H_
#define TICKSTOCK_TESTS_ABUSE_ATTACKS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "abuse/raw_http.h"

namespace tickstock::test {

// Answers by HTTP status (0: none: refused, closed or timed out).
struct Tally {
  std::map<int, int> by_status;
  int total() const;
  int count(int status) const;
  // Answers with a status >= 500 other than 503 (a handler that failed).
  int server_errors() const;
  void add(int status) { ++by_status[status]; }
  void add(const Tally& other);
  std::string describe() const;  // "200 x3, 404 x1"
};

// `n` requests with invented methods (random letters, some very long) and paths (random
// segments, dot segments, %00, very long) on /health, /metrics, /api/... and the rest.
Tally invented_methods_and_paths(int port, const std::string& from, int n, std::uint64_t seed);

// Requests over the limits: a 40 KiB header, a 2 MiB body, 500 headers, a malformed request
// line, a bad Content-Length, chunked garbage. Each expects a 4xx and a closed connection.
Tally over_the_limits(int port, const std::string& from);

// Opens `n` connections from `from` that send a request line and then one header byte every
// `drip` for `hold`. Returns how many the server closed before `hold` ended.
int slowloris(int port, const std::string& from, int n, std::chrono::milliseconds drip,
              std::chrono::milliseconds hold);

// Opens `n` idle connections from `from` and holds them (returned: close them with
// close_all). refused counts those the server closed within a second.
struct IdleSockets {
  std::vector<int> fds;
  int opened = 0;
  int refused = 0;
};
IdleSockets idle_sockets(int port, const std::string& from, int n);
void close_all(IdleSockets& s);

// Logins with wrong passwords (for `usernames`, in turn) from each of `sources` in parallel
// until `stop`.
Tally login_flood(int port, const std::vector<std::string>& sources,
                  const std::vector<std::string>& usernames, const std::atomic<bool>& stop);

// Over one /ws of a logged-in user: `n` subscribes to distinct charts, garbage messages,
// oversized messages. Returns the "subscribed" and "error" replies seen.
struct WsFloodResult {
  int subscribed = 0;
  int errors = 0;
  bool connected = false;
};
WsFloodResult ws_subscribe_flood(int port, const std::string& cookie, int n);

// Every numeric query and path parameter of the API with huge, negative, fractional and
// garbage values, as a logged-in user (cookie, csrf) from `from`, paced under the per-user
// rate limit.
Tally huge_numbers(int port, const std::string& from, const std::string& cookie,
                   const std::string& csrf);

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_ABUSE_ATTACKS_H_
