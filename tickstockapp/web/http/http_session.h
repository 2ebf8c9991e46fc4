// One HTTP connection of HttpServer (plain or TLS: the derived class supplies the stream). One
// request is handled at a time: the next is read only after the response is written, so a
// connection never has two writes in flight.
#ifndef TICKSTOCKAPP_WEB_HTTP_HTTP_SESSION_H_
#define TICKSTOCKAPP_WEB_HTTP_HTTP_SESSION_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "web/http/http_server_impl.h"
#include "web/http/ip_slot.h"

namespace tickstock::app {

// A Beast request as the application sees it (client address through trusted proxies).
HttpRequest to_request(http::request<http::string_body>& req, const std::string& peer, bool tls,
                       const HttpServer::Impl& server);
// The application's response as Beast writes it, with the headers every response carries.
http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive,
                                           bool secure);

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

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_HTTP_SESSION_H_
