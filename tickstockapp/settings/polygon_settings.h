// The Polygon (Massive) settings of `serve --feed polygon` and `backfill`: endpoints, the
// universe, reconnect timings; the feed's options from them and its summary at exit.
#ifndef TICKSTOCKAPP_SETTINGS_POLYGON_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_POLYGON_SETTINGS_H_

#include <string>
#include <vector>

#include "base/log.h"
#include "polygon/polygon_feed.h"
#include "polygon/rest_client.h"
#include "settings/settings.h"

namespace tickstock::app {

// POLYGON_API_KEY: read from the environment only (never a flag, never logged).
inline constexpr const char* kPolygonKeyEnv = "POLYGON_API_KEY";
// The API key from the environment ("" when unset).
std::string polygon_api_key();

// Declares --polygon-ws-url, --polygon-rest-url, --polygon-channels, --polygon-ca-file and the
// reconnect timings.
void declare_polygon_settings(Settings& s);
// Declares --polygon-rest-url, --polygon-ca-file and --polygon-requests-per-minute (part of
// declare_polygon_settings too).
void declare_polygon_rest_settings(Settings& s);
// The REST client's options from those settings and POLYGON_API_KEY.
Result<RestOptions> polygon_rest_options(const Settings& s);
// Declares --symbols, --symbols-file and --universe (the symbols to subscribe or backfill).
void declare_universe_settings(Settings& s);
// The universe (polygon/universe.h) from those settings; `database_url` is needed for
// --universe.
Result<std::vector<std::string>> resolve_universe(const Settings& s,
                                                  const std::string& database_url);
// Warns about each of those settings given (flag or environment) to a serve whose --feed is not
// polygon: no other feed reads them.
void warn_unread_universe(const Settings& s, Log& log);
// The feed's options from those settings (symbols resolved by the caller). Errors name the flag.
Result<PolygonFeedOptions> polygon_feed_options(const Settings& s);
// The "polygon: ..." summary line at exit.
void log_polygon_summary(const PolygonFeed& feed, Log& log);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_POLYGON_SETTINGS_H_
