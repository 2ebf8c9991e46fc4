// The confidence calibration of a backtest (shared/design/backtesting.md §4.9): per series,
// sums per (pattern, confidence bin) of its valid windows at the calibration horizon, made on
// the worker; the merge adds the series' sums in canonical order (so the result does not depend
// on the threads) and turns them into CalibrationBin rows.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CALIBRATION_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CALIBRATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tickstock/backtest.h"
#include "tickstock/json.h"

namespace tickstock::backtest {

struct GroupedDetections;
struct SeriesWindows;

// One (pattern, bin)'s sums.
struct CalibrationSums {
  std::uint64_t n = 0, hits = 0;
  double confidence = 0, squared_error = 0;  // Σc, Σ(c − hit)²
};

// Index of the calibration horizon in options.horizons: that of 5 bars, else 0.
std::size_t calibration_horizon_index(const BacktestOptions& options);

// The bin of a confidence (the last bin holds 1).
int calibration_bin(double confidence);

// `sums` (resized to kPatternCount × kCalibrationBins) gains the grouped detections' valid
// windows at horizon index `k` of `horizons`.
void add_calibration(std::vector<CalibrationSums>& sums, const GroupedDetections& grouped,
                     const SeriesWindows& windows, std::size_t k, std::size_t horizons,
                     double theta);

// Adds `from` into `into` (both kPatternCount × kCalibrationBins, or `from` empty).
void merge_calibration(std::vector<CalibrationSums>& into,
                       const std::vector<CalibrationSums>& from);

// The rows of one timeframe's sums: every bin of each pattern with n > 0, then all patterns.
void calibration_rows(const std::vector<CalibrationSums>& sums, Timeframe tf,
                      std::vector<CalibrationBin>& out);

// results.json's "calibration": {"bins": [...], "horizon": h}, keys sorted.
void write_calibration_json(JsonWriter& w, const BacktestReport& r);
// calibration.csv: pattern (ALL for every pattern), timeframe, bin, lo, hi, n, hits, hit_rate,
// mean_confidence, brier.
std::string calibration_csv(const BacktestReport& r);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CALIBRATION_H_
