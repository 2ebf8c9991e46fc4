// What the REST API reads about the market: symbols and universes, bars, pattern detections
// and indicator values. From PostgreSQL when serve stores there, else from what this run's
// engine produced (MemoryMarketData, fed by the web layer). Calls may block: worker threads
// only. Implementations are thread-safe.
#ifndef TICKSTOCKAPP_WEB_STORE_MARKET_DATA_H_
#define TICKSTOCKAPP_WEB_STORE_MARKET_DATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::app {

struct SymbolRow {
  std::string symbol;
  std::string name;  // "" when unknown
  std::string type;
  std::string exchange;
  bool active = true;
};

struct UniverseRow {
  std::string name;
  std::string kind;  // ETF, SECTOR, THEME, UNIVERSE
  std::string description;
  std::vector<std::string> symbols;
};

struct BarRow {
  Timestamp start = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0, vwap = 0;
  std::int64_t trades = 0;
  std::uint32_t revision = 0;
};

struct BarQuery {
  std::string symbol;
  Timeframe timeframe = Timeframe::M1;
  Timestamp from = 0;        // bar start >= from
  Timestamp to = INT64_MAX;  // bar start <= to
  int limit = 1000;          // the newest `limit` bars in the range, returned oldest first
};

struct PatternRow {
  std::int64_t id = 0;
  std::string symbol;
  Timeframe timeframe = Timeframe::M1;
  Timestamp bar_start = 0;
  std::string pattern;  // TA-Lib name
  int output = 0;
  std::string direction;
  double confidence = 0;
  double price = 0;
  double volume = 0;
  std::uint32_t revision = 0;
};

// Newest first; a page continues after the cursor (bar_start, id) of the previous page's last
// item.
struct PatternQuery {
  std::string symbol;   // "" = any
  std::string pattern;  // "" = any
  std::optional<Timeframe> timeframe;
  double min_confidence = 0;
  Timestamp since = 0;  // bar_start >= since
  int limit = 100;
  std::optional<std::pair<Timestamp, std::int64_t>> cursor;
};

struct PatternPage {
  std::vector<PatternRow> items;
  std::optional<std::pair<Timestamp, std::int64_t>> next;  // none: no more
};

struct IndicatorRow {
  Timestamp start = 0;
  std::string values;  // a JSON object: column name (lower case) -> value, those with a value
};

class MarketData {
 public:
  virtual ~MarketData() = default;
  // Symbols whose ticker starts with `prefix` (case-insensitive), by ticker, at most `limit`.
  virtual Result<std::vector<SymbolRow>> symbols(const std::string& prefix, int limit) = 0;
  virtual Result<std::vector<UniverseRow>> universes() = 0;
  virtual Result<std::vector<BarRow>> bars(const BarQuery& q) = 0;
  virtual Result<PatternPage> patterns(const PatternQuery& q) = 0;
  // Indicator values of the bars in the range (like bars()).
  virtual Result<std::vector<IndicatorRow>> indicators(const BarQuery& q) = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_MARKET_DATA_H_
