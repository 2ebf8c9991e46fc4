// StrategySim: the strategy simulation of §5 over the signals of every symbol on one timeframe.
// Single-threaded and deterministic: the series are merged in time after the parallel replay.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_SIM_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_SIM_H_

#include <functional>
#include <string>
#include <vector>

#include "tickstock/backtest.h"

namespace tickstock::backtest {

// A signal the strategy may trade: known at the close of bars[bar].
struct StrategySignal {
  std::size_t bar = 0;
  PatternId pattern = PatternId::TwoCrows;
  SignalSide side = SignalSide::Bullish;
  double confidence = 0;
};

// One symbol on the strategy timeframe: its bars in [start, end], oldest first, and its signals
// ordered by bar.
struct StrategySeries {
  std::string symbol;
  std::vector<Bar> bars;
  std::vector<StrategySignal> signals;
};

// The 1-minute bars of `symbol` in [from, to] (Intrabar::LowerTimeframe), oldest first.
using MinuteBars = std::function<Result<std::vector<Bar>>(const std::string& symbol, Timestamp from,
                                                          Timestamp to)>;

// The strategy's timeframe: its own, or the coarsest of the backtest.
Timeframe strategy_timeframe(const BacktestOptions& options);

// Trades `series` (in canonical symbol order) with `options` on `timeframe` from `start` to
// `end` (for CAGR). `minutes` is read only for Intrabar::LowerTimeframe.
Result<StrategyReport> simulate_strategy(const StrategyOptions& options, Timeframe timeframe,
                                         Timestamp start, Timestamp end,
                                         const std::vector<StrategySeries>& series,
                                         const MinuteBars& minutes = {});

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_SIM_H_
