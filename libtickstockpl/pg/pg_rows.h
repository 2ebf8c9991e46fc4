// The rows PgWriter stores: flat copies of bars, detections and indicator values whose symbol
// is a name (they come from the queue's records or from a spill file, not from a SymbolTable).
#ifndef TICKSTOCK_PG_PG_ROWS_H_
#define TICKSTOCK_PG_PG_ROWS_H_

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tickstock/patterns.h"
#include "tickstock/scanner.h"
#include "tickstock/types.h"

namespace tickstock::detail {

struct BarRow {
  std::string_view symbol;
  Timeframe timeframe = Timeframe::M1;
  Session session = Session::Regular;
  std::uint32_t revision = 0;
  Timestamp start = 0;  // D1: New York midnight of the trading date
  double open = 0, high = 0, low = 0, close = 0, volume = 0, vwap = 0;
  std::uint32_t trades = 0;
};

struct DetectionRow {
  std::string_view symbol;
  Timeframe timeframe = Timeframe::M1;
  Timestamp bar_start = 0;
  std::uint32_t revision = 0;
  PatternId pattern = PatternId::TwoCrows;
  std::int16_t output = 0;
  PatternDirection direction = PatternDirection::Neutral;
  bool retracted = false;  // the row is deleted
  double confidence = 0;
  double price = 0;   // close of the bar
  double volume = 0;  // volume of the bar
};

struct IndicatorRow {
  std::string_view symbol;
  Timeframe timeframe = Timeframe::M1;
  Timestamp bar_start = 0;
  std::uint32_t revision = 0;
  std::array<double, kFieldCount> values{};  // NaN: no value (stored as NULL)
};

// What one transaction stores.
struct WriteBatch {
  std::vector<BarRow> bars;
  std::vector<DetectionRow> detections;
  std::vector<IndicatorRow> indicators;

  std::size_t size() const { return bars.size() + detections.size() + indicators.size(); }
  void clear() {
    bars.clear();
    detections.clear();
    indicators.clear();
  }
};

// The session a stored bar row's `session` text names (session_name()'s words, as the writer
// stores them); anything else reads as the regular session.
inline Session session_of(std::string_view s) {
  if (s == "pre") return Session::PreMarket;
  if (s == "post") return Session::PostMarket;
  if (s == "overnight") return Session::Overnight;
  return Session::Regular;
}

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_PG_ROWS_H_
