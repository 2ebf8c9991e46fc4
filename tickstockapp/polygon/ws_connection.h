// The WebSocket side of the Polygon feed: connect (TCP, TLS, WebSocket handshake with timeouts
// and keep-alive pings), then one reader and one writer on the stream until the session ends.
// Templates over the stream (plain ws:// or TLS) and the session (PolygonFeed's protocol state,
// which provides on_frame, outbox, wake, end, reader_done). App-internal (Boost.Beast).
#ifndef TICKSTOCKAPP_POLYGON_WS_CONNECTION_H_
#define TICKSTOCKAPP_POLYGON_WS_CONNECTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "tickstock/clock.h"

#include "polygon/frame_parser.h"
#include "polygon/polygon_feed.h"
#include "polygon/tls_client.h"
#include "polygon/url.h"

namespace tickstock::app::polygon_ws {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
inline constexpr auto kAwait = net::use_awaitable;

// Disconnected: reconnect with backoff; AuthFailed: stop; MaxConnections: wait long.
enum class EndKind : std::uint8_t { Disconnected, AuthFailed, MaxConnections };

// How and why a session ended.
struct SessionEnd {
  EndKind kind = EndKind::Disconnected;
  std::string reason;
};

// `s`, cut to `n` characters.
inline std::string shorten(std::string_view s, std::size_t n = 200) {
  return s.size() <= n ? std::string(s) : std::string(s.substr(0, n)) + "...";
}

// Why a read failed, in words.
template <class Ws>
std::string read_error(const beast::error_code& ec, Ws& ws, const PolygonFeedOptions& o) {
  if (ec == websocket::error::closed) {
    const auto& r = ws.reason();
    return "the server closed the connection (code " + std::to_string(r.code) +
           (r.reason.empty() ? std::string() : ", '" + shorten(r.reason.c_str(), 80) + "'") + ")";
  }
  if (ec == beast::error::timeout)
    return "no frame and no answer to our ping for " + std::to_string(o.idle_timeout.count()) +
           " ms (silent server)";
  if (ec == websocket::error::message_too_big)
    return "a frame larger than " + std::to_string(o.max_frame_bytes) +
           " bytes (--polygon-max-frame-mb)";
  return "the connection broke (" + ec.message() + ")";
}

// Reads frames and hands each to the session until the connection fails or a status ends it.
template <class Ws, class SessionT>
net::awaitable<SessionEnd> read_loop(Ws& ws, SessionT& s, const Clock& wall,
                                     const PolygonFeedOptions& o) {
  beast::flat_buffer buf;
  for (;;) {
    beast::error_code ec;
    co_await ws.async_read(buf, net::redirect_error(kAwait, ec));
    if (ec) {
      s.reader_done = true;
      co_return SessionEnd{EndKind::Disconnected, read_error(ec, ws, o)};
    }
    const Timestamp received = wall.now();
    (void)buf.prepare(PolygonFrameParser::kPadding);  // readable bytes after the frame: no copy
    const auto data = buf.cdata();
    s.on_frame(static_cast<const char*>(data.data()), data.size(), received);
    buf.consume(buf.size());
    if (s.end) {
      s.reader_done = true;
      co_return *s.end;
    }
    if (!s.outbox.empty()) s.wake.cancel();
  }
}

// Sends the session's outbox, one message at a time; sleeps on `wake` while it is empty.
template <class Ws, class SessionT>
net::awaitable<void> write_loop(Ws& ws, SessionT& s) {
  for (;;) {
    beast::error_code ec;
    if (s.outbox.empty()) {
      s.wake.expires_at(net::steady_timer::time_point::max());
      co_await s.wake.async_wait(net::redirect_error(kAwait, ec));
      if (s.reader_done) co_return;
      continue;
    }
    const std::string msg = std::move(s.outbox.front());
    s.outbox.pop_front();
    co_await ws.async_write(net::buffer(msg), net::redirect_error(kAwait, ec));
    if (ec) {
      beast::get_lowest_layer(ws).close();  // the reader ends too
      co_return;
    }
  }
}

// Connects, handshakes and streams until the session ends.
template <class Ws, class SessionT>
net::awaitable<SessionEnd> connect_and_stream(Ws& ws, const Url& url, SessionT& s,
                                              const Clock& wall, const PolygonFeedOptions& o,
                                              PolygonFeedStats& st) {
  beast::error_code ec;
  tcp::resolver resolver(co_await net::this_coro::executor);
  const auto endpoints =
      co_await resolver.async_resolve(url.host, url.port, net::redirect_error(kAwait, ec));
  if (ec)
    co_return SessionEnd{EndKind::Disconnected, "cannot resolve " + url.host + ": " + ec.message()};
  auto& tcp_layer = beast::get_lowest_layer(ws);
  tcp_layer.expires_after(o.connect_timeout);
  co_await tcp_layer.async_connect(endpoints, net::redirect_error(kAwait, ec));
  const std::string where = url.host + ":" + url.port;
  if (ec)
    co_return SessionEnd{EndKind::Disconnected, "cannot connect to " + where + ": " + ec.message()};
  st.connects.fetch_add(1, std::memory_order_relaxed);
  if constexpr (std::is_same_v<Ws, TlsWs>) {
    // SNI, and the certificate must name the host.
    expect_peer(ws.next_layer(), url.host);
    co_await ws.next_layer().async_handshake(ssl::stream_base::client,
                                             net::redirect_error(kAwait, ec));
    if (ec)
      co_return SessionEnd{EndKind::Disconnected,
                           "TLS handshake with " + where + " failed: " + ec.message()};
  }
  tcp_layer.expires_never();
  websocket::stream_base::timeout t{};
  t.handshake_timeout = o.connect_timeout;
  t.idle_timeout = o.idle_timeout;  // a ping goes out at half of it
  t.keep_alive_pings = true;
  ws.set_option(t);
  ws.read_message_max(o.max_frame_bytes);
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "tickstockapp");
  }));
  co_await ws.async_handshake(url.host_header(), url.target, net::redirect_error(kAwait, ec));
  if (ec)
    co_return SessionEnd{EndKind::Disconnected,
                         "WebSocket handshake with " + where + " failed: " + ec.message()};
  using namespace net::experimental::awaitable_operators;
  auto first = co_await (read_loop(ws, s, wall, o) || write_loop(ws, s));
  beast::get_lowest_layer(ws).close();
  if (first.index() == 0) co_return std::get<0>(std::move(first));
  co_return SessionEnd{EndKind::Disconnected, "sending to the server failed"};
}

}  // namespace tickstock::app::polygon_ws

#endif  // TICKSTOCKAPP_POLYGON_WS_CONNECTION_H_
