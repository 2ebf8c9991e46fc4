// CellBuilder: the merge step of a backtest (shared/design/backtesting.md §3 step 3, §4.5–§4.6).
// Takes each series' outcome (its cells made on the worker) in canonical order and makes the
// pooled ALL cells and the Benjamini–Hochberg q over the whole job. Floating sums run in the
// order the outcomes arrive, so the same outcomes give the same bytes on any number of threads.
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
  // Takes one series' cells and its parts of the ALL cells; call in canonical order (symbol,
  // then timeframe). `outcome` must outlive finish().
  void add(SeriesOutcome& outcome);
  // The ALL cells (made on `threads` threads), q-values and the cells in report order; `tests`
  // is BH's m.
  std::vector<StatCell> finish(std::uint64_t& tests, int threads);

 private:
  // One series' part of an ALL cell.
  struct PartRef {
    const SeriesOutcome* series;
    const PoolPart* part;
  };
  using PoolKey = std::tuple<PatternId, Timeframe, SignalSide, std::uint32_t>;

  StatCell all_cell(const PoolKey& key, const std::vector<PartRef>& parts, std::vector<double>& r,
                    std::vector<double>& r_eff, std::vector<double>& scratch);
  void sort_and_test(std::uint64_t& tests);
  const BacktestOptions& options_;
  double theta_ = 0;
  std::vector<StatCell> cells_;
  std::map<PoolKey, std::vector<PartRef>> pools_;
  std::map<std::pair<Timeframe, std::size_t>, Baseline> baselines_;  // pooled over symbols
};

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CELL_BUILDER_H_
