#include "settings/polygon_settings.h"

#include <cstdlib>

#include "polygon/universe.h"

namespace tickstock::app {

std::string polygon_api_key() {
  const char* k = std::getenv(kPolygonKeyEnv);
  return k == nullptr ? std::string() : std::string(k);
}

void declare_polygon_settings(Settings& s) {
  s.add("--polygon-ws-url", "POLYGON_WS_URL", "wss://socket.polygon.io/stocks",
        "Polygon WebSocket (wss://delayed.polygon.io/stocks: 15 min delayed; "
        "socket.massive.com works too); the API key comes from POLYGON_API_KEY only");
  declare_polygon_rest_settings(s);
  s.add("--polygon-channels", "POLYGON_CHANNELS", "T,AM",
        "channels to subscribe: T trades (build the bars), AM minute bars (cross-check), Q, A");
  s.add("--polygon-reconnect-min-ms", "POLYGON_RECONNECT_MIN_MS", "250",
        "first reconnect wait; doubles per failed attempt, jittered");
  s.add("--polygon-reconnect-max-ms", "POLYGON_RECONNECT_MAX_MS", "30000", "reconnect wait cap");
  s.add("--polygon-max-connections-wait-ms", "POLYGON_MAX_CONNECTIONS_WAIT_MS", "60000",
        "wait after `max_connections` (another client uses the key)");
  s.add("--polygon-idle-timeout-ms", "POLYGON_IDLE_TIMEOUT_MS", "20000",
        "no frame and no ping answer this long: reconnect (pings at half of it)");
  s.add("--polygon-max-frame-mb", "POLYGON_MAX_FRAME_MB", "16",
        "larger frames end the connection (counted) and it reconnects");
}

void declare_polygon_rest_settings(Settings& s) {
  s.add("--polygon-rest-url", "POLYGON_REST_URL", "https://api.polygon.io",
        "Polygon REST API (history, gap backfill, condition rules)");
  s.add("--polygon-ca-file", "POLYGON_CA_FILE", "",
        "PEM certificates to trust besides the system's");
  s.add("--polygon-requests-per-minute", "POLYGON_REQUESTS_PER_MINUTE", "0",
        "REST request budget of the plan (Basic: 5); 0 = no limit; 429 answers are honoured");
}

Result<RestOptions> polygon_rest_options(const Settings& s) {
  RestOptions o;
  o.base_url = s.get("--polygon-rest-url");
  o.api_key = polygon_api_key();
  o.ca_file = s.get("--polygon-ca-file");
  auto rpm = s.get_int("--polygon-requests-per-minute", 0, 1'000'000);
  if (!rpm) return rpm.error();
  o.requests_per_minute = static_cast<int>(*rpm);
  if (o.api_key.empty())
    return fail(std::string(kPolygonKeyEnv), " is not set (it is read from the environment only)");
  return o;
}

void declare_universe_settings(Settings& s) {
  s.add("--symbols", "TICKSTOCK_SYMBOLS", "",
        "Polygon feed and backfill only: symbols, comma-separated; * = all");
  s.add("--symbols-file", "TICKSTOCK_SYMBOLS_FILE", "",
        "Polygon feed and backfill only: file of symbols, one per line or comma-separated, "
        "# comments");
  s.add("--universe", "TICKSTOCK_UNIVERSE", "",
        "Polygon feed and backfill only: a symbol group in the database (symbol_groups, see "
        "`symbols --groups`)");
}

Result<std::vector<std::string>> resolve_universe(const Settings& s,
                                                  const std::string& database_url) {
  UniverseOptions o;
  o.symbols = s.get("--symbols");
  o.symbols_file = s.get("--symbols-file");
  o.group = s.get("--universe");
  o.database_url = database_url;
  return resolve_universe(o);
}

void warn_unread_universe(const Settings& s, Log& log) {
  const std::string& feed = s.get("--feed");
  if (feed == "polygon") return;
  // A symbol list that silently does nothing looks like a filter that works.
  for (const char* flag : {"--symbols", "--symbols-file", "--universe"}) {
    if (s.given(flag))
      log.warn(std::string(flag) + " is read by --feed polygon and backfill only: --feed " + feed +
               " takes every symbol it is given");
  }
}

Result<PolygonFeedOptions> polygon_feed_options(const Settings& s) {
  PolygonFeedOptions o;
  o.ws_url = s.get("--polygon-ws-url");
  o.api_key = polygon_api_key();
  o.channels.clear();
  auto channels = parse_symbol_list(s.get("--polygon-channels"), "--polygon-channels");
  if (!channels) return channels.error();
  for (const auto& c : *channels) {
    if (c != "T" && c != "AM" && c != "A" && c != "Q")
      return fail("--polygon-channels: '", c, "' is not one of T, AM, A, Q");
    o.channels.push_back(c);
  }
  if (o.channels.empty()) return fail("--polygon-channels: no channel");
  o.ca_file = s.get("--polygon-ca-file");
  auto ms = [&](const char* flag, long long lo, long long hi,
                std::chrono::milliseconds& out) -> Result<void> {
    auto v = s.get_int(flag, lo, hi);
    if (!v) return v.error();
    out = std::chrono::milliseconds(*v);
    return {};
  };
  for (const auto& r :
       {ms("--polygon-reconnect-min-ms", 1, 3'600'000, o.reconnect_min),
        ms("--polygon-reconnect-max-ms", 1, 3'600'000, o.reconnect_max),
        ms("--polygon-max-connections-wait-ms", 1, 86'400'000, o.max_connections_wait),
        ms("--polygon-idle-timeout-ms", 100, 3'600'000, o.idle_timeout)}) {
    if (!r) return r.error();
  }
  auto mb = s.get_int("--polygon-max-frame-mb", 1, 1024);
  if (!mb) return mb.error();
  o.max_frame_bytes = static_cast<std::size_t>(*mb) << 20;
  return o;
}

void log_polygon_summary(const PolygonFeed& feed, Log& log) {
  const auto& st = feed.polygon_stats();
  auto n = [](const std::atomic<std::uint64_t>& a) { return std::to_string(a.load()); };
  log.info("polygon: " + n(st.frames) + " frames, " + n(st.trades) + " trades, " +
           n(st.minute_aggregates) + " minute aggregates, " + n(st.other_messages) +
           " other messages, " + n(st.sessions) + " sessions, " + n(st.disconnects) +
           " disconnects, " + n(st.bad_frames) + " bad frames, " + n(st.bad_messages) +
           " bad messages, " + n(st.unknown_events) + " unknown events, " +
           n(st.unknown_conditions) + " unknown condition codes, " + n(st.condition_ignored) +
           " trades no bar uses, " + n(st.dropped_items) + " items dropped (queue full)");
  if (st.dropped_items.load() > 0)
    log.error("polygon: " + n(st.dropped_items) +
              " items were dropped because the engine queue was full; bars of those minutes "
              "may be incomplete (raise --queue-batches or reduce the universe)");
}

}  // namespace tickstock::app
