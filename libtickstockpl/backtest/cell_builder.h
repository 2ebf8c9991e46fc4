// CellBuilder: the merge step of a backtest (shared/design/backtesting.md §3 step 3, §4.2–§4.6).
// Takes each series' outcome in canonical order and makes the per-symbol cells, the pooled ALL
// cells and the Benjamini–Hochberg q over the whole job. Floating sums run in the order the
// outcomes arrive, so the same outcomes give the same bytes.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CELL_BUILDER_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CELL_BUILDER_H_

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "tickstock/backtest.h"

#include "backtest/series_replay.h"

namespace tickstock::backtest {

class CellBuilder {
 public:
  explicit CellBuilder(const BacktestOptions& options);
  // Adds one series' cells; call in canonical order (symbol, then timeframe).
  void add(const SeriesOutcome& outcome);
  // The ALL cells, q-values and the cells in report order; `tests` is BH's m.
  std::vector<StatCell> finish(std::uint64_t& tests);

 private:
  // What the ALL cell of (pattern, timeframe, side, horizon) pools from every symbol.
  struct Pool {
    std::uint64_t events = 0, censored = 0;
    std::vector<double> returns, thinned;
    double mfe_sum = 0, mae_sum = 0;
    std::uint32_t symbols_positive = 0, symbols_total = 0;
  };
  using PoolKey = std::tuple<PatternId, Timeframe, SignalSide, std::size_t>;

  void add_group(const SeriesOutcome& o, PatternId p, SignalSide side,
                 const std::vector<const Detection*>& events);
  const BacktestOptions& options_;
  double theta_ = 0;
  std::vector<StatCell> cells_;
  std::map<PoolKey, Pool> pools_;
  std::map<std::pair<Timeframe, std::size_t>, Baseline> baselines_;  // pooled over symbols
};

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CELL_BUILDER_H_
