// The figures of §5 computed from a finished simulation: drawdown, daily closes, the equity
// metrics (CAGR, Sharpe, Sortino) and the trade statistics.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_FIGURES_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_FIGURES_H_

#include <vector>

#include "tickstock/backtest.h"

namespace tickstock::backtest {

// Sets each point's drawdown: 1 − equity / the highest equity so far.
void fill_drawdown(std::vector<EquityPoint>& points);
// The last point of each New York trading date.
std::vector<EquityPoint> daily_closes(const std::vector<EquityPoint>& points);
// Final equity, total return, CAGR over (end − start) / 365.25 days, max drawdown, and Sharpe
// and Sortino of the daily returns (the first against `initial`), of the strategy's equity or,
// when `benchmark`, of the buy-and-hold equity.
EquityMetrics equity_metrics(const std::vector<EquityPoint>& points,
                             const std::vector<EquityPoint>& daily, double initial, Timestamp start,
                             Timestamp end, bool benchmark);
// Trades, wins, win rate, profit factor, expectancy, average bars held, fees and slippage.
void trade_figures(StrategyReport& r);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_STRATEGY_FIGURES_H_
