// Higher-timeframe bars from stored 1-minute bars, by the live roll-up rules: what a BarSource
// delivers for a timeframe it holds no bars of (the CSV and the PostgreSQL sources alike).
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_MINUTE_ROLLUP_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_MINUTE_ROLLUP_H_

#include <span>
#include <string_view>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::backtest {

// The `tf` bars of one symbol's 1-minute bars (oldest first, each carrying its Symbol), final
// versions oldest first: each minute reaches a BarAggregator when it ends, as a vendor's minute
// bar does, on a ManualClock that closes the bars. The error names `symbol` when the
// aggregator refuses minutes.
Result<std::vector<Bar>> roll_up_minutes(std::span<const Bar> minutes, Timeframe tf,
                                         std::string_view symbol);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_MINUTE_ROLLUP_H_
