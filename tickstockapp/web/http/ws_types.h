// The two sides of a WebSocket connection, as plain interfaces: the transport's
// (WsConnection: send, close) and the application's (WsPeer: what arrives). Beast stays in
// http_server.cpp.
#ifndef TICKSTOCKAPP_WEB_HTTP_WS_TYPES_H_
#define TICKSTOCKAPP_WEB_HTTP_WS_TYPES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "web/http/http_types.h"

namespace tickstock::app {

// The transport's handle on one open WebSocket. Thread-safe.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text message. `conflate_key` != 0: while the client is behind, a queued message
  // with the same key is replaced by this one (only the latest bar or indicator update per
  // symbol, timeframe and kind is kept); 0: never replaced (pattern alerts). Past the queue's
  // hard limit the connection is closed with reason "slow_consumer".
  virtual void send(std::shared_ptr<const std::string> message, std::uint64_t conflate_key) = 0;
  // Closes the connection (code 1000 unless `policy`: 1008); `reason` goes to the metrics.
  virtual void close(const std::string& reason, bool policy = false) = 0;
};

// The application's side of one WebSocket. Called on the connection's strand.
class WsPeer {
 public:
  virtual ~WsPeer() = default;
  virtual void on_open(std::shared_ptr<WsConnection> connection) = 0;
  virtual void on_message(std::string_view text) = 0;
  // The connection ended: "client", "slow_consumer", "timeout", "error", "shutdown", or the
  // reason given to close().
  virtual void on_close(const std::string& reason) = 0;
};

// What the application says to an upgrade request: a refusal (an HTTP response) or the peer
// that takes the connection.
struct UpgradeDecision {
  std::optional<HttpResponse> refusal;
  std::shared_ptr<WsPeer> peer;
};

using Decide = std::function<void(UpgradeDecision)>;

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_WS_TYPES_H_
