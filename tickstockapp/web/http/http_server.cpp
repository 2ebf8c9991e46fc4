// HttpServer: a Beast listener and one session object per connection (plain or TLS), each on a
// strand of its own. One request is handled at a time per connection: the next is read only
// after the response is written, so a connection never has two writes in flight.
#include "web/http/http_server.h"

#include <sys/resource.h>

#include "web/http/http_server_impl.h"
#include "web/http/ws_session.h"

namespace tickstock::app {

namespace {

HttpRequest to_request(http::request<http::string_body>& req, const std::string& peer, bool tls,
                       const HttpServer::Impl& server) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& f : req) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = std::move(req.body());
  std::string forwarded_for, forwarded_proto;
  if (!server.trusted.empty()) {
    for (const auto& [k, v] : r.headers) {
      std::string* list = k == "x-forwarded-for"     ? &forwarded_for
                          : k == "x-forwarded-proto" ? &forwarded_proto
                                                     : nullptr;
      if (list != nullptr) *list += (list->empty() ? "" : ",") + v;
    }
  }
  const ForwardedClient client =
      forwarded_client(peer, forwarded_for, forwarded_proto, server.trusted);
  r.client_ip = client.ip;
  r.tls = tls;
  r.secure = tls || client.https;
  r.cookie_secure = r.secure || server.options.cookie_secure;
  r.received = std::chrono::steady_clock::now();
  return r;
}

http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive,
                                           bool secure) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "tickstock");
  res.set(http::field::content_type, r.content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  // Browsers keep to HTTPS for a year once they saw this over HTTPS (ignored over plain HTTP).
  if (secure) res.set(http::field::strict_transport_security, "max-age=31536000");
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

// How long, and for how many bytes at most, a connection is drained after a refusal.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 8u << 20;

// One HTTP connection. Derived supplies stream() and close().
template <class Derived>
class HttpSession : public SessionBase {
 public:
  HttpSession(HttpServer::Impl& server, std::string ip, std::shared_ptr<IpSlot> slot)
      : ip_(std::move(ip)), server_(server), slot_(std::move(slot)) {}

  void shutdown() override {
    net::post(exec_, [self = derived().shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->derived().close();
    });
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void read_request() {
    if (closing_) return derived().close();
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.request_timeout);
    http::async_read(
        derived().stream(), buffer_, *parser_,
        beast::bind_front_handler(&HttpSession::on_read, derived().shared_from_this()));
  }

 private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted)
      return derived().close();
    if (ec == beast::error::timeout) {
      server_.stats.timeouts.fetch_add(1, std::memory_order_relaxed);
      return derived().close();
    }
    if (ec) {
      server_.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
      if (ec == http::error::body_limit)
        return reply_and_close(json_error(413, "payload_too_large",
                                          "the request body is larger than " +
                                              std::to_string(server_.options.body_limit) +
                                              " bytes"));
      if (ec == http::error::header_limit)
        return reply_and_close(json_error(431, "headers_too_large", "request headers too large"));
      if (ec == net::error::eof || ec == net::error::connection_reset ||
          ec == ssl::error::stream_truncated)
        return derived().close();
      return reply_and_close(json_error(400, "bad_request", "malformed HTTP request"));
    }
    server_.stats.requests.fetch_add(1, std::memory_order_relaxed);
    auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    if (websocket::is_upgrade(req)) return upgrade();
    HttpRequest r = to_request(req, ip_, Derived::kTls, server_);
    secure_ = r.secure;
    if (!parse_target(r.target, r.path, r.query)) {
      server_.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
      return reply_and_close(json_error(400, "bad_request", "malformed request target"));
    }
    busy_ = true;
    beast::get_lowest_layer(derived().stream()).expires_never();
    auto self = derived().shared_from_this();
    server_.handler.handle(std::move(r), [self](HttpResponse res) {
      net::post(self->exec_,
                [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    });
  }

  // Asks the application; on yes the stream moves to a WsSession, on no the refusal is sent.
  void upgrade() {
    auto req = std::make_shared<http::request<http::string_body>>(parser_->release());
    HttpRequest r = to_request(*req, ip_, Derived::kTls, server_);
    if (!parse_target(r.target, r.path, r.query)) {
      server_.stats.bad_requests.fetch_add(1, std::memory_order_relaxed);
      return reply_and_close(json_error(400, "bad_request", "malformed request target"));
    }
    busy_ = true;
    beast::get_lowest_layer(derived().stream()).expires_never();
    auto self = derived().shared_from_this();
    server_.handler.upgrade(std::move(r), [self, req](UpgradeDecision d) {
      net::post(self->exec_, [self, req, d = std::move(d)]() mutable {
        if (d.refusal || !d.peer || self->closing_) {
          self->keep_alive_ = false;
          return self->write(d.refusal ? std::move(*d.refusal)
                                       : json_error(503, "unavailable", "shutting down"));
        }
        self->derived().to_websocket(std::move(*req), std::move(d.peer));
      });
    });
  }

  void reply_and_close(HttpResponse r) {
    keep_alive_ = false;
    refused_ = true;
    version_ = 11;
    busy_ = true;
    write(std::move(r));
  }

  void write(HttpResponse r) {
    const bool keep = keep_alive_ && !closing_ && !server_.stopping.load();
    response_.emplace(to_beast(std::move(r), version_, keep, secure_ || Derived::kTls));
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.request_timeout);
    http::async_write(
        derived().stream(), *response_,
        beast::bind_front_handler(&HttpSession::on_write, derived().shared_from_this(), keep));
  }

  void on_write(bool keep, beast::error_code ec, std::size_t) {
    busy_ = false;
    response_.reset();
    if (!ec && refused_) return linger();
    if (ec || !keep) return derived().close();
    read_request();
  }

  // After refusing a request whose rest may still be coming (a body over the limit), that rest
  // is read and dropped for a moment: closing on unread bytes sends a reset, which can destroy
  // the refusal before the client reads it. TLS sessions say close_notify instead.
  void linger() {
    if constexpr (Derived::kTls) {
      derived().close();
    } else {
      beast::error_code ec;
      derived().stream().socket().shutdown(tcp::socket::shutdown_send, ec);
      derived().stream().expires_after(kLingerTime);
      buffer_.clear();
      drain();
    }
  }
  void drain() {
    derived().stream().async_read_some(
        buffer_.prepare(16 * 1024),
        [self = derived().shared_from_this()](beast::error_code ec, std::size_t n) {
          self->lingered_ += n;
          if (ec || self->lingered_ > kLingerBytes) return self->derived().close();
          self->drain();
        });
  }

  std::string ip_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool secure_ = false;   // the request being answered came over HTTPS (here or at the proxy)
  bool busy_ = false;     // a request is being handled or its response written
  bool closing_ = false;  // stop() asked: close once idle
  bool refused_ = false;  // a refusal closes the connection: linger() after it is sent
  std::size_t lingered_ = 0;

 protected:
  HttpServer::Impl& server_;
  std::shared_ptr<IpSlot> slot_;  // goes to the WebSocket session on upgrade
  net::any_io_executor exec_;     // the connection's strand, kept apart from the stream (which
                                  // moves to a WsSession on upgrade)
};

class PlainSession final : public HttpSession<PlainSession>,
                           public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kTls = false;
  PlainSession(HttpServer::Impl& server, tcp::socket socket, std::string ip,
               std::shared_ptr<IpSlot> slot)
      : HttpSession(server, std::move(ip), std::move(slot)), stream_(std::move(socket)) {
    exec_ = stream_.get_executor();
  }
  ~PlainSession() override {
    server_.remove(this);
    server_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
  }
  void run() {
    server_.add(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }
  beast::tcp_stream& stream() { return stream_; }
  void to_websocket(http::request<http::string_body> req, std::shared_ptr<WsPeer> peer) {
    moved_ = true;
    server_.remove(this);
    std::make_shared<WsSession<beast::tcp_stream>>(std::move(stream_), server_, std::move(peer),
                                                   std::move(slot_))
        ->run(std::move(req));
  }
  void close() {
    if (moved_) return;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

 private:
  beast::tcp_stream stream_;
  bool moved_ = false;  // the stream belongs to a WsSession
};

class TlsSession final : public HttpSession<TlsSession>,
                         public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kTls = true;
  TlsSession(HttpServer::Impl& server, tcp::socket socket, std::string ip,
             std::shared_ptr<IpSlot> slot)
      : HttpSession(server, std::move(ip), std::move(slot)),
        stream_(std::move(socket), *server.tls) {
    exec_ = stream_.get_executor();
  }
  ~TlsSession() override {
    server_.remove(this);
    server_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
  }
  void run() {
    server_.add(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->server_.options.request_timeout);
      self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) {
          self->server_.stats.tls_failures.fetch_add(1, std::memory_order_relaxed);
          return;
        }
        self->handshaken_ = true;  // from now on a close says goodbye (close_notify)
        self->read_request();
      });
    });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void to_websocket(http::request<http::string_body> req, std::shared_ptr<WsPeer> peer) {
    closed_ = true;  // the stream is the WebSocket's now
    server_.remove(this);
    std::make_shared<WsSession<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(stream_), server_, std::move(peer), std::move(slot_))
        ->run(std::move(req));
  }
  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    if (!handshaken_) {  // nothing to say goodbye to
      beast::get_lowest_layer(stream_).socket().close(ec);
      return;
    }
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().close(ignored);
    });
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
  bool handshaken_ = false;
  bool closed_ = false;
};

}  // namespace

namespace {

// The open-file limit, raised to the hard limit first: every connection is a descriptor.
rlim_t raise_open_file_limit(rlim_t& was) {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return was = 1024;
  was = l.rlim_cur;
  // An unlimited hard limit is not accepted for RLIMIT_NOFILE; the kernel's default maximum is.
  const rlim_t want = l.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : l.rlim_max;
  if (want > l.rlim_cur) {
    rlimit raised{want, l.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return want;
  }
  return l.rlim_cur;
}

bool out_of_descriptors(const beast::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec == beast::error_code(ENFILE, beast::system_category());
}

}  // namespace

void HttpServer::Impl::limit_connections() {
  rlim_t was = 0;
  const rlim_t limit = raise_open_file_limit(was);
  const std::size_t reserve = std::min<std::size_t>(options.fd_reserve, limit / 4);
  max_open = std::min<std::size_t>(options.max_connections, limit - reserve);
  log.info("http: open-file limit " + std::to_string(limit) +
           (limit != was ? " (raised from " + std::to_string(was) + ")" : std::string()) +
           "; up to " + std::to_string(max_open) + " connections, " +
           std::to_string(options.max_connections_per_ip) + " per client address; " +
           std::to_string(reserve) + " descriptors kept for the database, Redis and files");
}

// The acceptor's handlers run on accept_strand (its executor); each socket gets a strand of its
// own.
void HttpServer::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    on_accept(ec, std::move(s));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping.load()) return;
  if (ec && out_of_descriptors(ec)) return pause_accepting(ec);
  accept_backoff = std::chrono::milliseconds(0);
  if (ec) {
    log.limited("http_accept", "http: accept failed: " + ec.message());
    return accept();
  }
  stats.connections_total.fetch_add(1, std::memory_order_relaxed);
  beast::error_code ep_ec;
  const auto ep = socket.remote_endpoint(ep_ec);
  std::string ip = ep_ec ? std::string() : ep.address().to_string();
  // Small messages (an alert, a JSON reply) go out at once: with Nagle's algorithm a write
  // behind an unacknowledged one waits for the peer's delayed ACK (up to 40 ms on Linux).
  socket.set_option(tcp::no_delay(true), ep_ec);
  if (stats.connections_open.load() >= max_open) {
    stats.connections_refused.fetch_add(1, std::memory_order_relaxed);
    refuse(std::move(socket), "too many connections");
  } else {
    start_session(std::move(socket), std::move(ip));
  }
  accept();
}

// Out of descriptors (EMFILE, ENFILE): accepting again at once would fail again at once, a
// busy loop. Wait, longer each time up to a second, while connections close.
void HttpServer::Impl::pause_accepting(const beast::error_code& ec) {
  stats.accept_fd_exhausted.fetch_add(1, std::memory_order_relaxed);
  accept_backoff = std::clamp(accept_backoff * 2, std::chrono::milliseconds(20),
                              std::chrono::milliseconds(1000));
  log.limited("http_accept_fds", "http: accept failed: " + ec.message() + "; pausing " +
                                     std::to_string(accept_backoff.count()) +
                                     " ms (raise the open-file limit or lower " +
                                     "--http-max-connections)");
  accept_pause->expires_after(accept_backoff);
  accept_pause->async_wait([this](beast::error_code wait_ec) {
    if (!wait_ec && !stopping.load()) accept();
  });
}

void HttpServer::Impl::start_session(tcp::socket socket, std::string peer) {
  // Counted by client address; a trusted proxy carries many clients and is not capped.
  std::string key = in_ranges(trusted, peer) ? std::string() : address_key(peer);
  if (!key.empty() && !take_ip(key)) {
    stats.connections_refused_per_ip.fetch_add(1, std::memory_order_relaxed);
    log.limited("http_per_ip", "http: " + key + " has " +
                                   std::to_string(options.max_connections_per_ip) +
                                   " connections open: another refused "
                                   "(--http-max-connections-per-ip)");
    return refuse(std::move(socket), "too many connections from this address");
  }
  auto slot = std::make_shared<IpSlot>(*this, std::move(key));
  stats.connections_open.fetch_add(1, std::memory_order_relaxed);
  if (tls) {
    std::make_shared<TlsSession>(*this, std::move(socket), std::move(peer), std::move(slot))->run();
  } else {
    std::make_shared<PlainSession>(*this, std::move(socket), std::move(peer), std::move(slot))
        ->run();
  }
}

// Closes a connection refused at accept; over plain HTTP it first says why (one small write to
// an empty send buffer, never waiting).
void HttpServer::Impl::refuse(tcp::socket socket, const std::string& why) {
  beast::error_code ec;
  if (!tls) {
    const std::string body = "{\"error\":\"unavailable\",\"detail\":\"" + why + "\"}";
    const std::string text =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(net::buffer(text), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }
  socket.close(ec);
}

Result<void> HttpServer::Impl::setup_tls() {
  beast::error_code ec;
  // TLS 1.2 and 1.3 (the flexible method; the older versions switched off).
  tls.emplace(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  if (tls->use_certificate_chain_file(options.tls_cert, ec); ec)
    return fail("TLS certificate '", options.tls_cert, "': ", ec.message());
  if (tls->use_private_key_file(options.tls_key, ssl::context::pem, ec); ec)
    return fail("TLS key '", options.tls_key, "': ", ec.message());
  return {};
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler, Log& log)
    : impl_(std::make_unique<Impl>(std::move(options), handler, log)) {}

HttpServer::~HttpServer() { stop(); }

Result<void> HttpServer::start() {
  Impl& m = *impl_;
  const HttpServerOptions& o = m.options;
  beast::error_code ec;
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty())
      return fail("TLS needs both a certificate and a key file");
    if (auto r = m.setup_tls(); !r) return r;
  }
  const auto address = net::ip::make_address(o.host, ec);
  if (ec) return fail("--http: '", o.host, "' is not an IP address");
  const tcp::endpoint ep(address, static_cast<unsigned short>(o.port));
  m.acceptor.emplace(m.accept_strand);
  m.accept_pause.emplace(m.accept_strand);
  const std::string where = o.host + ":" + std::to_string(o.port);
  if (m.acceptor->open(ep.protocol(), ec); ec) return fail("http ", where, ": ", ec.message());
  m.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (m.acceptor->bind(ep, ec); ec)
    return fail("http: cannot listen on ", where, ": ", ec.message());
  if (m.acceptor->listen(net::socket_base::max_listen_connections, ec); ec)
    return fail("http: cannot listen on ", where, ": ", ec.message());
  m.port = m.acceptor->local_endpoint(ec).port();
  m.limit_connections();
  m.work.emplace(m.ioc.get_executor());
  net::dispatch(m.accept_strand, [&m] { m.accept(); });
  for (int i = 0; i < std::max(1, o.threads); ++i)
    m.threads.emplace_back([&m] {
      for (;;) {
        try {
          m.ioc.run();
          return;
        } catch (const std::exception& e) {  // a handler bug must not end the server
          m.log.limited("http_handler", std::string("http: handler failed: ") + e.what());
        }
      }
    });
  m.started = true;
  return {};
}

std::size_t HttpServer::max_connections() const { return impl_->max_open; }
int HttpServer::port() const { return impl_->port; }
const HttpServerStats& HttpServer::stats() const { return impl_->stats; }
bool HttpServer::tls() const { return impl_->tls.has_value(); }

void HttpServer::stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.stopping = true;
  net::post(m.accept_strand, [&m] {
    beast::error_code ec;
    m.acceptor->close(ec);
    m.accept_pause->cancel();
  });
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(m.mu);
    for (auto& [p, w] : m.sessions)
      if (auto s = w.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->shutdown();
  open.clear();
  const auto deadline = std::chrono::steady_clock::now() + m.options.shutdown_grace;
  while (m.stats.connections_open.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  m.work.reset();
  m.ioc.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
}

}  // namespace tickstock::app
