// The application side of HttpServer: it answers requests and WebSocket upgrades.
#ifndef TICKSTOCKAPP_WEB_HTTP_HTTP_HANDLER_H_
#define TICKSTOCKAPP_WEB_HTTP_HTTP_HANDLER_H_

#include "web/http/http_types.h"
#include "web/http/ws_types.h"

namespace tickstock::app {

// What the server hands requests to. handle() and upgrade() run on an io thread and must not
// block: slow work goes elsewhere and answers through `reply` / `decide`, from any thread,
// exactly once.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void handle(HttpRequest request, Reply reply) = 0;
  // A WebSocket upgrade request (any path). Default: 404.
  virtual void upgrade(HttpRequest request, Decide decide) {
    (void)request;
    decide({json_error(404, "not_found", "no WebSocket here"), nullptr});
  }
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_HTTP_HANDLER_H_
