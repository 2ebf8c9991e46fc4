// Warm start: after a restart, the engine continues from what the database holds, so that what
// it finds next is what a run that never stopped would have found.
#ifndef TICKSTOCKAPP_DB_WARM_START_H_
#define TICKSTOCKAPP_DB_WARM_START_H_

#include <cstdint>
#include <string>

#include "tickstock/bar_aggregator.h"
#include "tickstock/result.h"
#include "tickstock/scanner.h"

namespace tickstock::app {

struct WarmStartOptions {
  std::string url;
  std::int64_t bars_per_series = 1000;  // newest stored bars per (symbol, timeframe); <0: all
};

struct WarmStartReport {
  std::uint64_t series = 0;   // (symbol, timeframe) series primed
  std::uint64_t bars = 0;     // stored bars scanned into them
  std::uint64_t symbols = 0;  // symbols whose open bars were resumed
  std::uint64_t minutes = 0;  // stored 1-minute bars those were rebuilt from
  double seconds = 0;
};

// Scans the newest stored bars of each series of an active symbol (symbols.active) into
// `scanner` (Scanner::prime: nothing is reported) and resumes those symbols' open bars in
// `aggregator` from their stored 1-minute bars (BarAggregator::resume). REQUIRES: neither has
// seen a bar yet.
Result<WarmStartReport> warm_start(const WarmStartOptions& o, SymbolTable& symbols,
                                   Scanner& scanner, BarAggregator& aggregator);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_WARM_START_H_
