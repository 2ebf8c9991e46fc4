// The one thing HttpServer::stop() asks of every session, HTTP or WebSocket.
#ifndef TICKSTOCKAPP_WEB_HTTP_SESSION_BASE_H_
#define TICKSTOCKAPP_WEB_HTTP_SESSION_BASE_H_

namespace tickstock::app {

// What every session can be asked from stop(), on its own strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shutdown() = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_SESSION_BASE_H_
