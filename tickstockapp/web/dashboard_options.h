// What the dashboard is made with: the server's, the request handling's and the hub's options,
// the pools and the bootstrap admin. The dashboard owns this type; cli/ only fills it in from
// serve's settings (cli/web_settings.h), so web/ needs nothing of cli/.
#ifndef TICKSTOCKAPP_WEB_DASHBOARD_OPTIONS_H_
#define TICKSTOCKAPP_WEB_DASHBOARD_OPTIONS_H_

#include <cstddef>
#include <string>

#include "web/http/http_server.h"
#include "web/live/web_hub.h"
#include "web/store/account_store.h"
#include "web/web_app.h"

namespace tickstock::app {

struct DashboardOptions {
  HttpServerOptions server;
  WebOptions app;
  WebHubOptions hub;
  int workers = 2;
  std::size_t worker_queue = 1024;
  int hash_workers = 1;  // --http-hash-workers: the password-checking pool
  std::size_t alert_history = kDefaultAlertHistory;  // --alert-history
  std::string admin_user;                            // --admin-user
  std::string admin_password_file;                   // --admin-password-file ("": none)
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_DASHBOARD_OPTIONS_H_
