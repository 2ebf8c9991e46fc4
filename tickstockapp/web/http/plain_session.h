// An HTTP connection over plain TCP; it becomes a WsSession on an accepted upgrade.
#ifndef TICKSTOCKAPP_WEB_HTTP_PLAIN_SESSION_H_
#define TICKSTOCKAPP_WEB_HTTP_PLAIN_SESSION_H_

#include <memory>
#include <string>

#include "web/http/http_session.h"
#include "web/http/ws_session.h"

namespace tickstock::app {

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

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_PLAIN_SESSION_H_
