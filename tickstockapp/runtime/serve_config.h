// serve's settings, declared in one place and parsed and validated once, before anything is
// made: ServeConfig is a plain struct of checked values that ServeRuntime builds from.
#ifndef TICKSTOCKAPP_RUNTIME_SERVE_CONFIG_H_
#define TICKSTOCKAPP_RUNTIME_SERVE_CONFIG_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/scanner.h"

#include "feeds/synthetic_feed.h"
#include "polygon/polygon_feed.h"
#include "polygon/rest_client.h"
#include "settings/redis_settings.h"
#include "settings/settings.h"
#include "settings/web_settings.h"

namespace tickstock::app {

// --feed polygon's settings, checked (the universe already resolved).
struct PolygonServeConfig {
  PolygonFeedOptions feed;  // before_live left to the runtime
  RestOptions rest;         // the condition reference and the gap backfill
  long long gap_backfill_max_hours = 72;
  bool conditions_from_reference = true;  // --polygon-conditions reference (else builtin)
};

struct ServeConfig {
  std::string feed = "synthetic";  // --feed as given: synthetic | replay:FILE | polygon | redis
  double speed = 1;                // x real time; 0 = max
  bool exit_on_eof = false;
  // Synthetic feed.
  long long synthetic_symbols = 10;
  long long seed = 42;
  long long synthetic_minutes = 0;
  Scenario scenario = Scenario::Normal;
  bool inject_patterns = true;
  std::optional<PolygonServeConfig> polygon;  // with --feed polygon only
  // Engine.
  AggregatorOptions aggregator;
  ScannerOptions scanner;
  std::size_t queue_batches = 1024;
  std::size_t max_symbols = 20000;
  Timestamp max_future = 5 * kNanosPerSecond;  // live feeds: how far ahead event time may be
  // Outputs.
  bool indicator_events = false;
  bool bar_events = true;    // false: --no-bar-events
  std::string database_url;  // "" = in memory
  std::string redis_url;     // as the settings name it ("" = no Redis); for the report
  std::optional<RedisSettings> redis;
  bool redis_jobs = true;                      // false: --redis-no-jobs
  bool backtests = true;                       // false: --no-backtests
  std::string backtest_dir = "var/backtests";  // --backtest-dir
  int backtest_threads = 1;                    // --backtest-threads
  bool data_loads = true;                      // false: --no-data-loads
  std::string data_load_dir = "var/imports";   // --data-load-dir
  RestOptions data_load_rest;                  // Polygon's REST API for the data-load jobs
  std::optional<WebSettings> web;              // --http
  // The settings as given. Read only by the parts whose settings are checked when they are
  // made, because they apply only then and an error there must not stop other runs: the
  // PostgreSQL sink's options and the warm start (when storing), the unread-universe warnings.
  Settings settings;
};

// Declares every serve setting (flags, environment variables, defaults, help).
void declare_serve_settings(Settings& s);
// The config from parsed settings and the --set assignments (take_sets()). The first error,
// in the order serve has always checked them, is what the user sees (exit code 2).
Result<ServeConfig> parse_serve_config(const Settings& s, const std::vector<std::string>& sets);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_RUNTIME_SERVE_CONFIG_H_
