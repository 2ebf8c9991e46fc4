// SeriesReplay: one (symbol, timeframe) of a backtest. Reads its bars, replays them through a
// fresh SeriesScanner, and computes every detection's forward returns and the all-bars
// baseline (shared/design/backtesting.md §3 step 2, §4.1, §4.3). Single-threaded; a backtest
// runs several on worker threads and merges their results in canonical order.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_REPLAY_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_REPLAY_H_

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "tickstock/backtest.h"

#include "backtest/calibration.h"

namespace tickstock::backtest {

// The bars of one series, oldest first; bars before `first` are the warm-up.
struct SeriesBars {
  std::vector<Bar> bars;
  std::vector<std::uint32_t> segment;     // changes with the trading date or session (intraday)
  std::size_t first = 0;                  // index of the first bar at or after options.start
  std::array<std::uint8_t, 32> digest{};  // sha256 of the bars' starts, prices and volumes
  std::size_t size() const { return bars.size(); }
};

// A detection on a bar at or after start; its windows are columns of SeriesWindows.
struct Detection {
  std::uint32_t bar = 0;  // index into SeriesBars
  PatternId pattern = PatternId::TwoCrows;
  SignalSide side = SignalSide::Bullish;
  std::int32_t output = 0;
  double confidence = 0;
};

// A series' detections grouped by (pattern, side), bar order kept inside a group, so that a
// group's windows lie together: group key g = pattern × 3 + side spans [begin[g], begin[g + 1]),
// and grouped detection j is detection from[j] in bar order.
struct GroupedDetections {
  std::vector<Detection> detections;
  std::vector<std::uint32_t> begin, from;
};

// The windows of a series' detections: entry price P0 per detection (NaN when there is no next
// bar for next_open), and per detection × horizon (options.horizons order, row-major) r_h, MFE,
// MAE, NaN where censored, and why.
struct SeriesWindows {
  std::vector<double> entry, returns, mfe, mae;
  std::vector<Censor> censor;
};

// The all-bars baseline of one horizon: b_u = C[u+h]/P0(u) − 1 over every valid window.
struct Baseline {
  std::uint64_t n = 0, up = 0, down = 0;  // count, b > 0, b < 0
  double mean = 0, m2 = 0;                // mean and Σ(b − mean)² (two-pass)
};

// What the ALL cell of (pattern, timeframe, side, horizon) takes from one series: its valid
// returns and those overlap thinning keeps, as ranges of SeriesOutcome::pool_r / pool_eff.
struct PoolPart {
  PatternId pattern = PatternId::TwoCrows;
  SignalSide side = SignalSide::Bullish;
  std::uint32_t k = 0;  // horizon index
  std::uint64_t events = 0, censored = 0;
  std::size_t r_begin = 0, r_end = 0, eff_begin = 0, eff_end = 0;
  double mfe_sum = 0, mae_sum = 0;
  bool measured = false, beat_baseline = false;  // n > 0; excess > 0
};

// What one series gives the merge.
struct SeriesOutcome {
  std::string symbol;
  Timeframe timeframe = Timeframe::D1;
  std::uint64_t bars = 0;
  std::array<std::uint8_t, 32> digest{};
  Timestamp first_bar = 0, last_bar = 0;    // at or after start (when first < bars)
  std::uint64_t events = 0;                 // detections kept
  std::vector<Detection> detections;        // by bar, then pattern; only for signals, strategy
  std::vector<Timestamp> detection_starts;  // the bar start of each detection
  SeriesWindows windows;                    // kept with options.keep_signals only
  std::vector<Baseline> baseline;           // per horizon
  std::vector<StatCell> cells;              // this symbol's cells (unsorted, q not set)
  std::vector<PoolPart> parts;              // by pattern, side, horizon index
  std::vector<double> pool_r, pool_eff;
  std::vector<CalibrationSums> calibration;  // by pattern, then confidence bin
  std::size_t first = 0;                     // index of the first bar at or after start
  std::vector<Bar> strategy_bars;  // bars from `first` on, on the strategy's timeframe only
  bool cancelled = false;
};

// The windows of the bars that have detections, once per bar whatever the number of patterns
// on it (2.3 a bar on real minutes), in the long direction: per horizon, C/P0 − 1 and the
// highest high and lowest low over (t, t+h] as H/P0 − 1 and L/P0 − 1 (a short's figures are
// their negations, and a division by the same P0 keeps max and min, so they are the same
// bits as measuring each detection alone).
struct BarWindows {
  std::vector<std::uint32_t> slot;     // per detection in bar order: its bar's row here
  std::vector<double> entry;           // per bar row
  std::vector<double> ret, high, low;  // per bar row × horizon
  std::vector<Censor> censor;
};

// Bars read per chunk, and how often `cancel` is read.
inline constexpr std::size_t kReplayChunk = 4096;

// What a worker reuses from series to series, so that the pages of its large arrays stay
// mapped (a fresh 6 MB array per series cost its page faults every time).
struct ReplayBuffers {
  SeriesBars bars;
  std::vector<Detection> detections;  // the series' detections in bar order
  GroupedDetections grouped;
  SeriesWindows windows;
  BarWindows bar_windows;
  std::vector<Bar> chunk;
  std::vector<std::uint8_t> bytes;
};

// Reads the series `s` of `options` from `source` into `buffers.bars`.
Result<void> read_series(const BacktestPlan::Series& s, const BacktestOptions& options,
                         BarSource& source, ReplayBuffers& buffers);

// Replays `buffers.bars` through a SeriesScanner, measures each detection and the baseline, and
// makes the series' cells and its parts of the ALL cells. `done` grows by the bars scanned;
// stops early (cancelled) when `cancel` becomes true.
SeriesOutcome replay_series(const BacktestPlan::Series& s, const BacktestOptions& options,
                            const std::bitset<kPatternCount>& patterns,
                            std::atomic<std::uint64_t>& done, const std::atomic<bool>* cancel,
                            ReplayBuffers& buffers);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SERIES_REPLAY_H_
