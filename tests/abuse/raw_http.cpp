// Blocking sockets with poll() deadlines: every wait in the attacks is bounded.
#include "abuse/raw_http.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tickstock::test {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

bool send_all(int fd, const std::string& data, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The Content-Length of a response head; 0 when absent.
std::size_t content_length(const std::string& head) {
  const std::string h = lower(head);
  const auto at = h.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return static_cast<std::size_t>(std::strtoull(h.c_str() + at + 17, nullptr, 10));
}

}  // namespace

std::string RawReply::header(const std::string& name) const {
  const std::string h = lower(head), want = "\r\n" + lower(name) + ":";
  const auto at = h.find(want);
  if (at == std::string::npos) return "";
  const auto from = at + want.size();
  const auto end = head.find("\r\n", from);
  std::string v = head.substr(from, end - from);
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  return v;
}

int connect_from(const std::string& source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool closed_by_server(int fd, std::chrono::milliseconds wait) {
  const auto deadline = Clock::now() + wait;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return true;  // EOF or reset
  }
}

RawReply exchange(int fd, const std::string& request, std::chrono::milliseconds wait) {
  RawReply r;
  const auto deadline = Clock::now() + wait;
  if (!send_all(fd, request, deadline)) return r;
  std::string in;
  char buf[16384];
  std::size_t head_end = std::string::npos;
  for (;;) {
    if (head_end == std::string::npos) head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos &&
        in.size() >= head_end + 4 + content_length(in.substr(0, head_end + 2)))
      break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) <= 0) return r;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return r;
    in.append(buf, static_cast<std::size_t>(n));
  }
  r.head = in.substr(0, head_end + 2);
  r.body = in.substr(head_end + 4, content_length(r.head));
  if (r.head.rfind("HTTP/1.", 0) == 0 && r.head.size() > 12)
    r.status = std::atoi(r.head.c_str() + 9);
  return r;
}

RawReply http_from(const std::string& source, int port, const std::string& method,
                   const std::string& target, const std::string& body, const HeaderList& headers,
                   std::chrono::milliseconds wait) {
  const int fd = connect_from(source, port);
  if (fd < 0) return {};
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  RawReply r = exchange(fd, req, wait);
  ::close(fd);
  return r;
}

void raise_open_file_limit() {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur < l.rlim_max) {
    l.rlim_cur = l.rlim_max;
    setrlimit(RLIMIT_NOFILE, &l);
  }
}

}  // namespace tickstock::test
