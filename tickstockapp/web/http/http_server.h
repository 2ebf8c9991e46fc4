// The dashboard's listener: HTTP/1.1 (keep-alive, request size and time limits), optional TLS,
// graceful shutdown, on io_context threads of its own. Requests go to an HttpHandler as plain
// values; Boost.Beast stays inside http_listener.cpp and the
// sessions.
#ifndef TICKSTOCKAPP_WEB_HTTP_HTTP_SERVER_H_
#define TICKSTOCKAPP_WEB_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tickstock/result.h"

#include "base/log.h"
#include "web/http/client_address.h"
#include "web/http/http_handler.h"
#include "web/http/http_types.h"
#include "web/http/ws_types.h"

namespace tickstock::app {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;       // 0: any free port (see HttpServer::port())
  std::string tls_cert;  // PEM certificate chain; with tls_key: TLS on every connection
  std::string tls_key;   // PEM private key
  std::size_t body_limit = 64 * 1024;    // larger request bodies get 413 and the connection closes
  std::size_t header_limit = 16 * 1024;  // larger request headers get 431
  std::chrono::seconds request_timeout{30};  // to receive a request (also the keep-alive idle
                                             // time) and to send its response
  std::size_t max_connections = 10000;       // beyond: accepted and closed at once, counted
                                             // (also capped at the open-file limit less
                                             // fd_reserve)
  std::size_t max_connections_per_ip = 64;   // from one client address (IPv6: one /64); beyond:
                                             // closed at once, counted. Trusted proxies are exempt
  std::size_t fd_reserve = 128;       // descriptors kept for all but HTTP (database, Redis, spill
                                      // file, feed): at most a quarter of the open-file limit
  std::vector<Cidr> trusted_proxies;  // whose X-Forwarded-For and -Proto are believed
  bool cookie_secure = false;         // cookies get Secure even without TLS (a TLS proxy in front)
  int threads = 1;                    // io_context threads
  std::chrono::milliseconds shutdown_grace{5000};  // stop() waits this long for open requests
  std::size_t ws_queue_limit = 1024 * 1024;  // bytes queued to one WebSocket client before it is
                                             // disconnected as a slow consumer; conflation of
                                             // its updates starts at a quarter of this
  std::size_t ws_message_limit = 64 * 1024;  // largest message a client may send
};

// Counters, readable from any thread.
struct HttpServerStats {
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> connections_refused{0};         // over max_connections
  std::atomic<std::uint64_t> connections_refused_per_ip{0};  // over max_connections_per_ip
  std::atomic<std::uint64_t> accept_fd_exhausted{0};         // accepts that failed for want of a
                                                             // descriptor (accepting then pauses)
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bad_requests{0};     // unparsable, or limits exceeded
  std::atomic<std::uint64_t> timeouts{0};         // connections closed by the request timeout
  std::atomic<std::uint64_t> tls_failures{0};     // failed TLS handshakes
  std::atomic<std::uint64_t> ws_messages{0};      // WebSocket messages written to clients
  std::atomic<std::uint64_t> ws_conflated{0};     // queued updates replaced by a newer one
  std::atomic<std::uint64_t> ws_queued_bytes{0};  // bytes waiting in all WebSocket queues
};

class HttpServer {
 public:
  // REQUIRES: `handler` and `log` outlive the server.
  HttpServer(HttpServerOptions options, HttpHandler& handler, Log& log);
  // Stops (see stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Raises the open-file limit to its hard limit, loads the TLS files, binds, listens and starts
  // the threads. Errors: the TLS files cannot be used, the address cannot be bound.
  Result<void> start();
  // Connections allowed at once (after start(): max_connections, capped by the descriptors).
  std::size_t max_connections() const;
  // The bound port (after start()).
  int port() const;
  // Stops accepting, closes idle keep-alive connections, lets requests in progress finish for up
  // to shutdown_grace, then closes the rest and joins the threads. Idempotent.
  void stop();
  const HttpServerStats& stats() const;
  bool tls() const;

  struct Impl;  // opaque: defined in http_server.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_HTTP_SERVER_H_
