// The Polygon (Massive) REST client: aggregates (/v2/aggs, every page through next_url) and the
// trade conditions reference. Requests carry the key in an Authorization header (never in a
// URL, never logged), keep to the plan's request budget, honour 429 and Retry-After, and retry
// server errors and broken connections with exponential backoff.
#ifndef TICKSTOCKAPP_POLYGON_REST_CLIENT_H_
#define TICKSTOCKAPP_POLYGON_REST_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

#include "base/log.h"
#include "polygon/conditions.h"
#include "polygon/url.h"

namespace tickstock::app {

// Time as the client sees it; tests replace both to check waits without waiting.
struct RestTiming {
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
  std::function<void(std::chrono::milliseconds)> sleep = &sleep_for;
  // std::this_thread::sleep_for.
  static void sleep_for(std::chrono::milliseconds d);
};

struct RestOptions {
  std::string base_url = "https://api.polygon.io";
  std::string api_key;
  std::string ca_file;                          // PEM certificates to trust besides the system's
  int requests_per_minute = 0;                  // the plan's budget (Basic: 5); 0 = no limit
  int max_retries = 5;                          // server errors and broken connections
  int max_rate_limited = 20;                    // 429 answers in a row before giving up
  std::chrono::milliseconds retry_min{500};     // first backoff; doubles per retry
  std::chrono::milliseconds retry_max{30'000};  // backoff cap
  std::chrono::milliseconds timeout{30'000};    // one request, connect to last byte
};

struct RestStats {
  std::uint64_t requests = 0;      // HTTP requests sent
  std::uint64_t pages = 0;         // aggregate pages read
  std::uint64_t retries = 0;       // after server errors or broken connections
  std::uint64_t rate_limited = 0;  // 429 answers
  std::uint64_t budget_waits = 0;  // waits to keep to requests_per_minute
  std::uint64_t bad_results = 0;   // aggregate results refused (bad OHLC, no t)
};

// Not thread-safe: one client per thread.
class PolygonRest {
 public:
  // REQUIRES: log outlives the client.
  PolygonRest(RestOptions options, Log& log, RestTiming timing = {});
  // Minute (M1) or daily (D1) bars of `symbol` with start in [from, to] (ns), oldest first,
  // adjusted, every page. Daily bars start at New York midnight of their trading date.
  Result<std::vector<Bar>> aggregates(SymbolTable& symbols, const std::string& symbol, Timeframe tf,
                                      Timestamp from, Timestamp to);
  // Polygon's trade conditions with their update rules.
  Result<ConditionTable> conditions();
  const RestStats& stats() const { return stats_; }

 private:
  // GET `target` (a path and query on the base URL) with retries; the body of a 200.
  Result<std::string> get(const std::string& target);
  void keep_to_budget();
  RestOptions opt_;
  Log& log_;
  RestTiming timing_;
  Url base_;
  std::string base_error_;
  std::deque<std::chrono::steady_clock::time_point> sent_;  // within the last minute
  RestStats stats_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_REST_CLIENT_H_
