// MarketData of serve without a database: the newest bars, indicator values and detections of
// this run, kept in memory as the web layer receives them from the engine.
#ifndef TICKSTOCKAPP_WEB_STORE_MEMORY_MARKET_DATA_H_
#define TICKSTOCKAPP_WEB_STORE_MEMORY_MARKET_DATA_H_

#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "tickstock/scanner.h"

#include "web/store/market_data.h"

namespace tickstock::app {

// Thread-safe (one mutex). Keeps `series_bars` bars and indicator rows per (symbol, timeframe)
// and `max_patterns` detections; older ones are forgotten.
class MemoryMarketData final : public MarketData {
 public:
  explicit MemoryMarketData(std::size_t series_bars = 5000, std::size_t max_patterns = 50000)
      : series_bars_(series_bars), max_patterns_(max_patterns) {}

  // A bar (a revision replaces the stored bar of the same start).
  void add_bar(const Bar& bar);
  // A scanned bar's indicator values (NaN: none).
  void add_indicators(const Bar& bar, const std::array<double, kFieldCount>& values);
  // A detection (a retraction removes it); price and volume are its bar's.
  void add_pattern(const PatternEvent& e, double price, double volume);

  Result<std::vector<SymbolRow>> symbols(const std::string& prefix, int limit) override;
  Result<std::vector<UniverseRow>> universes() override;
  Result<std::vector<BarRow>> bars(const BarQuery& q) override;
  Result<PatternPage> patterns(const PatternQuery& q) override;
  Result<std::vector<IndicatorRow>> indicators(const BarQuery& q) override;

 private:
  using SeriesKey = std::pair<std::string, Timeframe>;
  template <class Row>
  static void put(std::deque<Row>& rows, Row row, std::size_t cap);

  std::size_t series_bars_, max_patterns_;
  std::mutex mu_;
  std::set<std::string> symbols_;
  std::map<SeriesKey, std::deque<BarRow>> bars_;
  std::map<SeriesKey, std::deque<IndicatorRow>> indicators_;
  std::map<std::int64_t, PatternRow> patterns_;  // by id, oldest first
  // "symbol|timeframe|bar start|pattern" -> id: a revision or retraction finds its detection.
  std::unordered_map<std::string, std::int64_t> pattern_ids_;
  std::int64_t next_id_ = 1;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_MEMORY_MARKET_DATA_H_
