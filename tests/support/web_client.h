// Talks to serve's dashboard over real sockets in tests: HTTP/1.1 (plain or TLS) with
// keep-alive, and WebSocket. Beast stays in web_client.cpp.
#ifndef TICKSTOCK_TESTS_SUPPORT_WEB_CLIENT_H_
#define TICKSTOCK_TESTS_SUPPORT_WEB_CLIENT_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tickstock::test {

struct HttpReply {
  int status = 0;  // 0: no answer (the connection failed or was closed)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; the last of each
  std::vector<std::string> set_cookies;
  std::string error;  // why there was no answer
  // A header's value, "" when absent.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One connection, reused for the requests made through it (keep-alive), reconnecting when the
// server closed it. Not thread-safe.
class HttpClient {
 public:
  // `local_address` (e.g. "127.0.0.2"): the connections' source address, so that one test can
  // be several clients to the server ("": the system's choice).
  explicit HttpClient(int port, bool tls = false, std::string local_address = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = "", const Headers& headers = {});
  HttpReply get(const std::string& target, const Headers& headers = {}) {
    return request("GET", target, "", headers);
  }
  // Sends `raw` bytes as they are and returns what comes back until the server closes or
  // `wait` passes (for malformed requests).
  std::string raw(const std::string& raw, std::chrono::milliseconds wait = std::chrono::seconds(3));
  // How many TCP connections this client has opened so far.
  int connections() const { return connections_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int connections_ = 0;
};

// A WebSocket connection to /ws. Not thread-safe.
class WsClient {
 public:
  // Connects and completes the handshake with `headers` (e.g. Cookie, Origin); error() says why
  // it failed (with the HTTP status when the server refused). A `receive_buffer` (bytes, 0 =
  // the kernel's default) keeps the kernel from holding much for a client that does not read.
  WsClient(int port, const Headers& headers, int receive_buffer = 0);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int refused_status() const { return refused_status_; }
  void send(const std::string& text);
  // The next message, or "" when none arrives within `wait` (or the connection closed).
  std::string receive(std::chrono::milliseconds wait);
  // True once the server closed the connection; the close reason's code.
  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
  int refused_status_ = 0;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_WEB_CLIENT_H_
