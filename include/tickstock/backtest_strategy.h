// The strategy simulation of a backtest (shared/design/backtesting.md §5): the signals of every
// symbol traded on one timeframe with the original application's money management, and an
// equal-weight buy-and-hold benchmark under the same costs. Included by tickstock/backtest.h.
//
// A signal at bar t enters at the next bar's open, E = O[t+1]·(1 + d·slippage) (d = +1 long,
// −1 short), with q = min(⌊max_position·equity[t] / E⌋, ⌊cash / (E·(1 + commission))⌋) shares.
// From the entry bar on, the first rule that holds on bar k exits: a gap through a level fills at
// the open (k > t+1); both levels inside the bar resolve by `intrabar`; one level inside the bar
// fills at it; k − t ≥ max_hold_bars exits at the close; the last bar at or before `end` exits at
// its close. Exits fill at level·(1 − d·slippage); commission is charged on each side's notional.
#ifndef TICKSTOCK_BACKTEST_STRATEGY_H_
#define TICKSTOCK_BACKTEST_STRATEGY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tickstock/patterns.h"
#include "tickstock/types.h"

namespace tickstock {

// How an exit is chosen when the stop and the target both lie inside one bar.
enum class Intrabar : std::uint8_t { StopFirst, OhlcPath, LowerTimeframe };
// "stop-first", "ohlc-path", "lower-tf".
std::string_view intrabar_name(Intrabar i);
// Parses an intrabar name; nullopt when unknown.
std::optional<Intrabar> parse_intrabar(std::string_view text);

// Money management; the defaults are the original application's.
struct StrategyOptions {
  double initial_capital = 100'000;
  double commission = 0.001;                    // of notional, each side
  double slippage = 0.0005;                     // of price, adverse
  double max_position = 0.10;                   // of equity per entry
  double stop_loss = 0.05, take_profit = 0.10;  // of the entry fill
  int max_hold_bars = 20;
  bool allow_short = false;  // bearish signals are skipped unless true
  Intrabar intrabar = Intrabar::StopFirst;
  std::optional<Timeframe> timeframe;  // default: the coarsest timeframe of the backtest
};

// Why a trade ended.
enum class ExitReason : std::uint8_t { Gap, Stop, Target, MaxHold, End };
// "gap", "stop", "target", "max_hold", "end".
std::string_view exit_reason_name(ExitReason r);

// One round trip (trades.csv).
struct StrategyTrade {
  std::string symbol;
  PatternId pattern = PatternId::TwoCrows;
  int direction = 1;  // +1 long, −1 short
  double confidence = 0;
  Timestamp signal_bar = 0, entry_bar = 0, exit_bar = 0;  // bar starts
  double entry_price = 0, exit_price = 0;                 // fills, slippage included
  double shares = 0;
  double fees = 0, slippage_paid = 0;
  double pnl = 0;         // net of fees
  double return_pct = 0;  // pnl / entry notional × 100
  int bars_held = 0;      // exit bar index − signal bar index
  ExitReason reason = ExitReason::End;
  bool ambiguous = false;  // the exit bar held both levels
};

// Equity at a bar close of the strategy timeframe (equity.csv).
struct EquityPoint {
  Timestamp bar = 0;
  double equity = 0, drawdown = 0;  // drawdown = 1 − equity / running peak
  double benchmark = 0;             // buy-and-hold equity at the same close
  int positions = 0;                // open after this close
};

// The figures of an equity curve. NaN where undefined (reported as null).
struct EquityMetrics {
  double final_equity = 0, total_return = 0, cagr = 0, max_drawdown = 0;
  double sharpe = 0, sortino = 0;  // daily returns, rf = 0, ×√252
};

// The strategy's outcome.
struct StrategyReport {
  StrategyOptions options;  // with the timeframe filled in
  EquityMetrics metrics, benchmark;
  std::uint64_t trades = 0, wins = 0;
  double win_rate = 0, profit_factor = 0, expectancy = 0, expectancy_pct = 0;
  double exposure = 0, average_bars_held = 0, fees = 0, slippage = 0;
  std::uint64_t ambiguous_bars = 0;
  // Signals not taken, by reason: in_position, cash, short_disabled, neutral, no_next_bar.
  std::vector<std::pair<std::string, std::uint64_t>> skipped;
  std::vector<StrategyTrade> trade_list;  // by exit bar, then symbol
  std::vector<EquityPoint> equity;        // every close of the strategy timeframe
  std::vector<EquityPoint> equity_daily;  // each New York trading date's last close
  std::vector<std::string> warnings;      // e.g. lower_tf_missing
};

}  // namespace tickstock

#endif  // TICKSTOCK_BACKTEST_STRATEGY_H_
