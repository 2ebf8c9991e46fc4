// HttpServer: a Beast listener and one session object per connection (plain or TLS), each on a
// strand of its own. One request is handled at a time per connection: the next is read only
// after the response is written, so a connection never has two writes in flight.
#include "web/http_server.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace tickstock::app {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// What every session can be asked from stop(), on its own strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shutdown() = 0;
};

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler& h, Log& l) : options(std::move(o)), handler(h), log(l) {}

  void add(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(mu);
    sessions.emplace(s, std::move(w));
  }
  void remove(SessionBase* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
  }

  HttpServerOptions options;
  HttpHandler& handler;
  Log& log;
  HttpServerStats stats;
  std::atomic<bool> stopping{false};
  // Declared before the io_context: sessions destroyed with its pending handlers still find
  // the registry.
  std::mutex mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::optional<ssl::context> tls;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  int port = 0;
  bool started = false;
  bool stopped = false;

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
};

namespace {

HttpRequest to_request(http::request<http::string_body>& req, const std::string& ip, bool tls) {
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
  r.client_ip = ip;
  r.tls = tls;
  r.received = std::chrono::steady_clock::now();
  return r;
}

http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "tickstock");
  res.set(http::field::content_type, r.content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

// One WebSocket connection, taken over from an HttpSession after the application accepted
// the upgrade. Messages wait in a queue bounded by bytes: past a quarter of the limit a new
// update replaces a queued one of the same key; past the limit the client is disconnected.
// One write is in flight at a time.
template <class Stream>
class WsSession final : public SessionBase,
                        public WsConnection,
                        public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream&& stream, HttpServer::Impl& server, std::shared_ptr<WsPeer> peer)
      : ws_(std::move(stream)), server_(server), peer_(std::move(peer)) {
    server_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
  }
  ~WsSession() override {
    server_.stats.ws_queued_bytes.fetch_sub(queued_bytes_, std::memory_order_relaxed);
    server_.remove(this);
    server_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
  }

  void run(http::request<http::string_body> req) {
    server_.add(this, this->weak_from_this());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "tickstock"); }));
    ws_.read_message_max(server_.options.ws_message_limit);
    auto request = std::make_shared<http::request<http::string_body>>(std::move(req));
    ws_.async_accept(*request, [self = this->shared_from_this(), request](beast::error_code ec) {
      if (ec) return self->finish("error");
      self->peer_->on_open(self);
      self->read();
    });
  }

  void send(std::shared_ptr<const std::string> message, std::uint64_t key) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), m = std::move(message), key] {
      self->enqueue(std::move(m), key);
    });
  }

  void close(const std::string& reason, bool policy) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), reason, policy] {
      self->start_close(
          reason, policy ? websocket::close_code::policy_error : websocket::close_code::normal);
    });
  }

  void shutdown() override {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->start_close("shutdown", websocket::close_code::going_away);
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        return self->finish(ec == websocket::error::closed ? "client"
                            : ec == beast::error::timeout  ? "timeout"
                                                           : "error");
      }
      const std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (self->peer_ && !self->closing_) self->peer_->on_message(text);
      self->read();
    });
  }

  void enqueue(std::shared_ptr<const std::string> m, std::uint64_t key) {
    if (closing_ || finished_) return;
    const std::size_t limit = server_.options.ws_queue_limit;
    if (key != 0 && queued_bytes_ > limit / 4) {
      // Behind: replace the queued (not yet writing) update of the same key.
      for (std::size_t i = writing_ ? 1 : 0; i < queue_.size(); ++i) {
        if (queue_[i].key != key) continue;
        add_bytes(m->size());
        sub_bytes(queue_[i].message->size());
        queue_[i].message = std::move(m);
        server_.stats.ws_conflated.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
    add_bytes(m->size());
    queue_.push_back({std::move(m), key});
    if (queued_bytes_ > limit) return abort("slow_consumer");
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front().message),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      self->sub_bytes(self->queue_.front().message->size());
                      self->queue_.pop_front();
                      self->writing_ = false;
                      if (ec) return self->abort("error");
                      self->server_.stats.ws_messages.fetch_add(1, std::memory_order_relaxed);
                      if (self->close_code_) return self->send_close();
                      if (!self->queue_.empty() && !self->closing_) self->write_next();
                    });
  }

  // A close handshake after what is being written now.
  void start_close(const std::string& reason, websocket::close_code code) {
    if (closing_ || finished_) return;
    closing_ = true;
    reason_ = reason;
    close_code_ = code;
    if (!writing_) send_close();
  }

  void send_close() {
    const auto code = *close_code_;
    close_code_.reset();
    ws_.async_close(code, [self = this->shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  // Drops the connection at once (a slow client would not read a close frame either).
  void abort(const std::string& reason) {
    if (!closing_) reason_ = reason;
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  void finish(const std::string& why) {
    if (finished_) return;
    finished_ = true;
    if (peer_) peer_->on_close(closing_ ? reason_ : why);
    peer_.reset();
  }

  void add_bytes(std::size_t n) {
    queued_bytes_ += n;
    server_.stats.ws_queued_bytes.fetch_add(n, std::memory_order_relaxed);
  }
  void sub_bytes(std::size_t n) {
    queued_bytes_ -= n;
    server_.stats.ws_queued_bytes.fetch_sub(n, std::memory_order_relaxed);
  }

  struct Item {
    std::shared_ptr<const std::string> message;
    std::uint64_t key;
  };
  websocket::stream<Stream> ws_;
  HttpServer::Impl& server_;
  std::shared_ptr<WsPeer> peer_;
  beast::flat_buffer buffer_;
  std::deque<Item> queue_;  // the front is being written while writing_
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;   // no more messages: closing or aborted
  bool finished_ = false;  // the peer was told
  std::string reason_;
  std::optional<websocket::close_code> close_code_;  // a close frame waits for the write
};

// One HTTP connection. Derived supplies stream() and close().
template <class Derived>
class HttpSession : public SessionBase {
 public:
  HttpSession(HttpServer::Impl& server, std::string ip) : ip_(std::move(ip)), server_(server) {}

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
    HttpRequest r = to_request(req, ip_, Derived::kTls);
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
    HttpRequest r = to_request(*req, ip_, Derived::kTls);
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
    version_ = 11;
    busy_ = true;
    write(std::move(r));
  }

  void write(HttpResponse r) {
    const bool keep = keep_alive_ && !closing_ && !server_.stopping.load();
    response_.emplace(to_beast(std::move(r), version_, keep));
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.request_timeout);
    http::async_write(
        derived().stream(), *response_,
        beast::bind_front_handler(&HttpSession::on_write, derived().shared_from_this(), keep));
  }

  void on_write(bool keep, beast::error_code ec, std::size_t) {
    busy_ = false;
    response_.reset();
    if (ec || !keep) return derived().close();
    read_request();
  }

  std::string ip_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false;     // a request is being handled or its response written
  bool closing_ = false;  // stop() asked: close once idle

 protected:
  HttpServer::Impl& server_;
  net::any_io_executor exec_;  // the connection's strand, kept apart from the stream (which
                               // moves to a WsSession on upgrade)
};

class PlainSession final : public HttpSession<PlainSession>,
                           public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kTls = false;
  PlainSession(HttpServer::Impl& server, tcp::socket socket, std::string ip)
      : HttpSession(server, std::move(ip)), stream_(std::move(socket)) {
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
    std::make_shared<WsSession<beast::tcp_stream>>(std::move(stream_), server_, std::move(peer))
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
  TlsSession(HttpServer::Impl& server, tcp::socket socket, std::string ip)
      : HttpSession(server, std::move(ip)), stream_(std::move(socket), *server.tls) {
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
        self->read_request();
      });
    });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void to_websocket(http::request<http::string_body> req, std::shared_ptr<WsPeer> peer) {
    closed_ = true;  // the stream is the WebSocket's now
    server_.remove(this);
    std::make_shared<WsSession<beast::ssl_stream<beast::tcp_stream>>>(std::move(stream_), server_,
                                                                      std::move(peer))
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

void HttpServer::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    on_accept(ec, std::move(s));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping.load()) return;
  if (!ec) {
    stats.connections_total.fetch_add(1, std::memory_order_relaxed);
    beast::error_code ep_ec;
    const auto ep = socket.remote_endpoint(ep_ec);
    std::string ip = ep_ec ? std::string() : ep.address().to_string();
    // Small messages (an alert, a JSON reply) go out at once: with Nagle's algorithm a write
    // behind an unacknowledged one waits for the peer's delayed ACK (up to 40 ms on Linux).
    socket.set_option(tcp::no_delay(true), ep_ec);
    if (stats.connections_open.load() >= options.max_connections) {
      stats.connections_refused.fetch_add(1, std::memory_order_relaxed);
      socket.close(ep_ec);
    } else {
      stats.connections_open.fetch_add(1, std::memory_order_relaxed);
      if (tls) {
        std::make_shared<TlsSession>(*this, std::move(socket), std::move(ip))->run();
      } else {
        std::make_shared<PlainSession>(*this, std::move(socket), std::move(ip))->run();
      }
    }
  } else {
    log.limited("http_accept", "http: accept failed: " + ec.message());
  }
  accept();
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
    m.tls.emplace(ssl::context::tlsv12_server);
    m.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1,
                       ec);
    if (m.tls->use_certificate_chain_file(o.tls_cert, ec); ec)
      return fail("TLS certificate '", o.tls_cert, "': ", ec.message());
    if (m.tls->use_private_key_file(o.tls_key, ssl::context::pem, ec); ec)
      return fail("TLS key '", o.tls_key, "': ", ec.message());
  }
  const auto address = net::ip::make_address(o.host, ec);
  if (ec) return fail("--http: '", o.host, "' is not an IP address");
  const tcp::endpoint ep(address, static_cast<unsigned short>(o.port));
  m.acceptor.emplace(m.ioc);
  const std::string where = o.host + ":" + std::to_string(o.port);
  if (m.acceptor->open(ep.protocol(), ec); ec) return fail("http ", where, ": ", ec.message());
  m.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (m.acceptor->bind(ep, ec); ec)
    return fail("http: cannot listen on ", where, ": ", ec.message());
  if (m.acceptor->listen(net::socket_base::max_listen_connections, ec); ec)
    return fail("http: cannot listen on ", where, ": ", ec.message());
  m.port = m.acceptor->local_endpoint(ec).port();
  m.work.emplace(m.ioc.get_executor());
  m.accept();
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

int HttpServer::port() const { return impl_->port; }
const HttpServerStats& HttpServer::stats() const { return impl_->stats; }
bool HttpServer::tls() const { return impl_->tls.has_value(); }

void HttpServer::stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.stopping = true;
  net::post(m.ioc, [&m] {
    beast::error_code ec;
    m.acceptor->close(ec);
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
