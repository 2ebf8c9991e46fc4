// The strategy's part of the output files: its block of results.json, trades.csv and the equity
// curves (equity.csv at every close, equity_daily.csv at each trading date's last close).
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_OUTPUT_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_OUTPUT_H_

#include <string>
#include <vector>

#include "tickstock/backtest.h"
#include "tickstock/json.h"

namespace tickstock::backtest {

// Appends `v` as a CSV field of the output files: the shortest round-trip form, empty when it is
// NaN or infinite.
void csv_num(std::string& out, double v);
// Writes "strategy": {options, metrics, benchmark, trades…, skipped, warnings} into `w`.
void write_strategy_json(JsonWriter& w, const StrategyReport& r);
// trades.csv: one round trip a line, by exit bar, then symbol.
std::string trades_csv(const StrategyReport& r);
// equity.csv or equity_daily.csv: bar, equity, drawdown, benchmark, positions.
std::string equity_csv(const std::vector<EquityPoint>& points);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_OUTPUT_H_
