// The dashboard's settings for `serve` (--http and the rest), and the server options from them.
#ifndef TICKSTOCKAPP_CLI_WEB_SETTINGS_H_
#define TICKSTOCKAPP_CLI_WEB_SETTINGS_H_

#include <optional>

#include "cli/settings.h"
#include "web/http/http_server.h"
#include "web/live/web_hub.h"
#include "web/web_app.h"

namespace tickstock::app {

// Declares --http, --http-tls-cert, --http-tls-key, --web-root and the limits.
void declare_web_settings(Settings& s);

struct WebSettings {
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

// nullopt when --http is empty (no dashboard); errors name the setting and the value.
Result<std::optional<WebSettings>> web_settings(const Settings& s);

// The directory of the UI's files next to the running binary: <dir>/web (build tree), else
// <dir>/../share/tickstock/web (installed); "" when neither exists.
std::filesystem::path default_web_root();

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_CLI_WEB_SETTINGS_H_
