// The dashboard's settings for `serve` (--http and the rest), and the server options from them.
#ifndef TICKSTOCKAPP_SETTINGS_WEB_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_WEB_SETTINGS_H_

#include <optional>

#include "settings/settings.h"
#include "web/dashboard_options.h"

namespace tickstock::app {

// Declares --http, --http-tls-cert, --http-tls-key, --web-root and the limits.
void declare_web_settings(Settings& s);

// serve's name for the dashboard's options (web/dashboard_options.h).
using WebSettings = DashboardOptions;

// nullopt when --http is empty (no dashboard); errors name the setting and the value.
Result<std::optional<WebSettings>> web_settings(const Settings& s);

// The directory of the UI's files next to the running binary: <dir>/web (build tree), else
// <dir>/../share/tickstock/web (installed); "" when neither exists.
std::filesystem::path default_web_root();

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_WEB_SETTINGS_H_
