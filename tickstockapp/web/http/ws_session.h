// The WebSocket side of HttpServer: a connection taken over from an HTTP session.
#ifndef TICKSTOCKAPP_WEB_HTTP_WS_SESSION_H_
#define TICKSTOCKAPP_WEB_HTTP_WS_SESSION_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "web/http/http_server_impl.h"
#include "web/http/ip_slot.h"

namespace tickstock::app {

// One WebSocket connection, taken over from an HttpSession after the application accepted
// the upgrade. Messages wait in a queue bounded by bytes: past a quarter of the limit a new
// update replaces a queued one of the same key; past the limit the client is disconnected.
// One write is in flight at a time.
template <class Stream>
class WsSession final : public SessionBase,
                        public WsConnection,
                        public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream&& stream, HttpServer::Impl& server, std::shared_ptr<WsPeer> peer,
            std::shared_ptr<IpSlot> slot)
      : ws_(std::move(stream)), server_(server), peer_(std::move(peer)), slot_(std::move(slot)) {
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
  std::shared_ptr<IpSlot> slot_;
  beast::flat_buffer buffer_;
  std::deque<Item> queue_;  // the front is being written while writing_
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;   // no more messages: closing or aborted
  bool finished_ = false;  // the peer was told
  std::string reason_;
  std::optional<websocket::close_code> close_code_;  // a close frame waits for the write
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_WS_SESSION_H_
