// Plain TCP from a chosen loopback address, for tests that play several clients: all of
// 127.0.0.0/8 is loopback on Linux, so a socket bound to 127.0.0.2 is another client address.
#ifndef TICKSTOCK_TESTS_APP_WEB_RAW_SOCKET_H_
#define TICKSTOCK_TESTS_APP_WEB_RAW_SOCKET_H_

#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace tickstock::test {

// A TCP connection from `source` to 127.0.0.1:port; -1 when it fails.
inline int connect_from(const char* source, int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &a.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(s);
    return -1;
  }
  return s;
}

// Whether the server closed `s` within `wait` (reading and dropping what it sent before).
inline bool closed_by_server(int s, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{s, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[512];
    if (::recv(s, buf, sizeof buf, MSG_DONTWAIT) <= 0) return true;
  }
}

// Sends `request` from `source` and returns what comes back until the server closes (send
// "Connection: close") or 5 s pass.
inline std::string exchange_from(const char* source, int port, const std::string& request) {
  const int s = connect_from(source, port);
  if (s < 0) return "";
  ::send(s, request.data(), request.size(), MSG_NOSIGNAL);
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{s, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(s);
  return got;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_WEB_RAW_SOCKET_H_
