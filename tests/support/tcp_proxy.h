// A TCP forwarder on 127.0.0.1 for fault tests: clients connect to port(), bytes go both ways to
// the target. cut() closes every connection and stops listening (the server "goes away" for the
// client, while the real server keeps running for other tests); restore() listens again on the
// same port. silence() plays a host that stopped answering: connections stay open, nothing is
// forwarded, new ones are accepted and never answered.
#ifndef TICKSTOCK_TESTS_SUPPORT_TCP_PROXY_H_
#define TICKSTOCK_TESTS_SUPPORT_TCP_PROXY_H_

#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace tickstock::test {

// The port of a postgresql://...@127.0.0.1:PORT/... URL.
inline int url_port(const std::string& url) {
  return std::stoi(url.substr(url.find("127.0.0.1:") + 10));
}

// `url` with its 127.0.0.1 port replaced by `port` (a proxy's).
inline std::string url_via(const std::string& url, int port) {
  const auto host = url.find("127.0.0.1:") + 10;
  return url.substr(0, host) + std::to_string(port) + url.substr(url.find('/', host));
}

class TcpProxy {
 public:
  explicit TcpProxy(int target_port) : target_(target_port) {
    listen_on(0);
    thread_ = std::thread([this] { run(); });
  }
  ~TcpProxy() {
    stop_ = true;
    thread_.join();
    std::lock_guard lock(mu_);
    close_all();
    if (listener_ >= 0) ::close(listener_);
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // Drops every connection and refuses new ones until restore().
  void cut() {
    std::lock_guard lock(mu_);
    close_all();
    if (listener_ >= 0) ::close(listener_);
    listener_ = -1;
  }
  // Accepts connections again, on the same port.
  void restore() {
    std::lock_guard lock(mu_);
    if (listener_ < 0) listen_on(port_);
  }
  // Stops forwarding for good; connections accepted from now on are held open, unanswered.
  void silence() { silent_ = true; }
  // Connections accepted so far.
  int accepted() const { return accepted_; }

 private:
  void listen_on(int port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 64) != 0)
      throw std::runtime_error(std::string("proxy: cannot listen: ") + std::strerror(errno));
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }

  int connect_target() const {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(target_));
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(s);
      return -1;
    }
    return s;
  }

  void close_all() {
    for (auto& [a, b] : pairs_) {
      ::close(a);
      ::close(b);
    }
    pairs_.clear();
    for (int h : held_) ::close(h);
    held_.clear();
  }

  void run() {
    std::vector<char> buf(1 << 16);
    while (!stop_) {
      std::vector<pollfd> fds;
      {
        std::lock_guard lock(mu_);
        if (listener_ >= 0) fds.push_back({listener_, POLLIN, 0});
        for (auto& [a, b] : pairs_) {
          if (silent_) break;
          fds.push_back({a, POLLIN, 0});
          fds.push_back({b, POLLIN, 0});
        }
      }
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      std::lock_guard lock(mu_);
      for (const pollfd& p : fds) {
        if (p.revents == 0) continue;
        if (p.fd == listener_) {
          const int c = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
          if (c < 0) continue;
          ++accepted_;
          if (silent_) {
            held_.push_back(c);
            continue;
          }
          const int t = connect_target();
          if (t < 0) {
            ::close(c);
            continue;
          }
          pairs_.emplace_back(c, t);
          continue;
        }
        // Forward from p.fd to its peer; a closed side closes the pair.
        for (std::size_t i = 0; i < pairs_.size(); ++i) {
          auto [a, b] = pairs_[i];
          if (p.fd != a && p.fd != b) continue;
          const int to = p.fd == a ? b : a;
          const ssize_t n = ::read(p.fd, buf.data(), buf.size());
          bool ok = n > 0;
          for (ssize_t off = 0; ok && off < n;) {
            const ssize_t w = ::write(to, buf.data() + off, static_cast<std::size_t>(n - off));
            ok = w > 0;
            off += w;
          }
          if (!ok) {
            ::close(a);
            ::close(b);
            pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(i));
          }
          break;
        }
      }
    }
  }

  int target_;
  int port_ = 0;
  int listener_ = -1;
  std::vector<std::pair<int, int>> pairs_;
  std::vector<int> held_;  // accepted while silent
  std::mutex mu_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> silent_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_TCP_PROXY_H_
