// The cells of one series (shared/design/backtesting.md §4.2–§4.4), made on the worker that
// replayed it: per (pattern, side, horizon) its returns, overlap thinning, summary and tests
// against the series' baseline, and what it adds to the pooled ALL cell. fill_cell is shared
// with the merge, which makes the ALL cells the same way.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_CELLS_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_CELLS_H_

#include <span>
#include <vector>

#include "tickstock/backtest.h"

#include "backtest/series_replay.h"

namespace tickstock::backtest {

// θ of a hit (§4.2): 0, or the round trip's cost.
double hit_threshold(const BacktestOptions& options);

// Fills the statistics of `c` from its returns `r`, the thinned returns `r_eff`, the sums of
// MFE and MAE over `r`'s events and the baseline `b`; `scratch` is working memory (medians).
void fill_cell(StatCell& c, std::span<const double> r, std::span<const double> r_eff,
               double mfe_sum, double mae_sum, const Baseline& b, double theta,
               std::vector<double>& scratch);

// Groups `by_bar` into `g` (a counting sort, stable).
void group_detections(const std::vector<Detection>& by_bar, GroupedDetections& g);

// Makes `out.cells`, `out.parts`, `out.pool_r` and `out.pool_eff` from the grouped detections,
// their `windows` (rows in grouped order) and `out.baseline`.
void add_series_cells(SeriesOutcome& out, const GroupedDetections& grouped,
                      const SeriesWindows& windows, const BacktestOptions& options);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_CELLS_H_
