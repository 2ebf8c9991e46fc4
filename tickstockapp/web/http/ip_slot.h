// A connection's count against its client address (HttpServer's per-address cap).
#ifndef TICKSTOCKAPP_WEB_HTTP_IP_SLOT_H_
#define TICKSTOCKAPP_WEB_HTTP_IP_SLOT_H_

#include <string>

#include "web/http/http_server_impl.h"

namespace tickstock::app {

// One connection's count against its client address, held by the HTTP session and then by the
// WebSocket session it becomes; the last to go gives it back.
class IpSlot {
 public:
  IpSlot(HttpServer::Impl& server, std::string key) : server_(server), key_(std::move(key)) {}
  ~IpSlot() {
    if (!key_.empty()) server_.release_ip(key_);
  }
  IpSlot(const IpSlot&) = delete;
  IpSlot& operator=(const IpSlot&) = delete;

 private:
  HttpServer::Impl& server_;
  std::string key_;  // "" = not counted (a trusted proxy)
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_IP_SLOT_H_
