// An HTTP connection over TLS; it becomes a WsSession on an accepted upgrade.
#ifndef TICKSTOCKAPP_WEB_HTTP_TLS_SESSION_H_
#define TICKSTOCKAPP_WEB_HTTP_TLS_SESSION_H_

#include <memory>
#include <string>

#include "web/http/http_session.h"
#include "web/http/ws_session.h"

namespace tickstock::app {

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

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_TLS_SESSION_H_
