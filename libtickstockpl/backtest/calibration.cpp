#include "backtest/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "backtest/series_replay.h"
#include "backtest/strategy_output.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The bounds of bin b: b/5 as the nearest double, so that a confidence equal to a bound (as
// printed) falls in the bin that starts there.
double bin_lo(int b) { return static_cast<double>(b) / kCalibrationBins; }

std::string_view bin_pattern(const CalibrationBin& b) {
  return b.pattern ? pattern_info(*b.pattern).talib_name : "ALL";
}

CalibrationBin make_bin(std::optional<PatternId> pattern, Timeframe tf, int bin,
                        const CalibrationSums& s) {
  CalibrationBin b;
  b.pattern = pattern;
  b.timeframe = tf;
  b.bin = bin;
  b.n = s.n;
  b.hits = s.hits;
  const double n = static_cast<double>(s.n);
  b.mean_confidence = s.n > 0 ? s.confidence / n : kNaN;
  b.hit_rate = s.n > 0 ? static_cast<double>(s.hits) / n : kNaN;
  b.brier = s.n > 0 ? s.squared_error / n : kNaN;
  return b;
}

}  // namespace

std::size_t calibration_horizon_index(const BacktestOptions& options) {
  const auto it = std::find(options.horizons.begin(), options.horizons.end(), 5);
  return it == options.horizons.end() ? 0 : static_cast<std::size_t>(it - options.horizons.begin());
}

int calibration_bin(double confidence) {
  int b = 0;
  while (b + 1 < kCalibrationBins && confidence >= bin_lo(b + 1)) ++b;
  return b;
}

void add_calibration(std::vector<CalibrationSums>& sums, const GroupedDetections& grouped,
                     const SeriesWindows& windows, std::size_t k, std::size_t horizons,
                     double theta) {
  sums.resize(static_cast<std::size_t>(kPatternCount) * kCalibrationBins);
  for (std::size_t j = 0; j < grouped.detections.size(); ++j) {
    const double r = windows.returns[j * horizons + k];
    if (std::isnan(r)) continue;
    const Detection& d = grouped.detections[j];
    const double hit = r > theta ? 1.0 : 0.0;
    CalibrationSums& s = sums[static_cast<std::size_t>(d.pattern) * kCalibrationBins +
                              static_cast<std::size_t>(calibration_bin(d.confidence))];
    ++s.n;
    s.hits += hit > 0 ? 1 : 0;
    s.confidence += d.confidence;
    s.squared_error += (d.confidence - hit) * (d.confidence - hit);
  }
}

void merge_calibration(std::vector<CalibrationSums>& into,
                       const std::vector<CalibrationSums>& from) {
  into.resize(static_cast<std::size_t>(kPatternCount) * kCalibrationBins);
  for (std::size_t i = 0; i < from.size(); ++i) {
    into[i].n += from[i].n;
    into[i].hits += from[i].hits;
    into[i].confidence += from[i].confidence;
    into[i].squared_error += from[i].squared_error;
  }
}

void calibration_rows(const std::vector<CalibrationSums>& sums, Timeframe tf,
                      std::vector<CalibrationBin>& out) {
  const std::size_t size = static_cast<std::size_t>(kPatternCount) * kCalibrationBins;
  if (sums.size() != size) {  // no series of this timeframe: the ALL bins, empty
    calibration_rows(std::vector<CalibrationSums>(size), tf, out);
    return;
  }
  std::vector<CalibrationSums> all(kCalibrationBins);
  for (int p = 0; p < kPatternCount; ++p) {
    const auto* first = sums.data() + static_cast<std::size_t>(p) * kCalibrationBins;
    std::uint64_t n = 0;
    for (int b = 0; b < kCalibrationBins; ++b) n += first[b].n;
    if (n == 0) continue;
    for (int b = 0; b < kCalibrationBins; ++b) {
      out.push_back(make_bin(static_cast<PatternId>(p), tf, b, first[b]));
      auto& a = all[static_cast<std::size_t>(b)];
      a.n += first[b].n;
      a.hits += first[b].hits;
      a.confidence += first[b].confidence;
      a.squared_error += first[b].squared_error;
    }
  }
  for (int b = 0; b < kCalibrationBins; ++b)
    out.push_back(make_bin(std::nullopt, tf, b, all[static_cast<std::size_t>(b)]));
}

void write_calibration_json(JsonWriter& w, const BacktestReport& r) {
  w.key("calibration");
  w.begin_object();
  w.begin_array("bins");
  for (const CalibrationBin& b : r.calibration) {
    w.begin_object();
    w.integer("bin", b.bin);
    w.num("brier", b.brier);
    w.num("hi", bin_lo(b.bin + 1));
    w.num("hit_rate", b.hit_rate);
    w.uinteger("hits", b.hits);
    w.num("lo", bin_lo(b.bin));
    w.num("mean_confidence", b.mean_confidence);
    w.uinteger("n", b.n);
    w.str("pattern", bin_pattern(b));
    w.str("timeframe", timeframe_name(b.timeframe));
    w.end_object();
  }
  w.end_array();
  w.integer("horizon", r.calibration_horizon);
  w.end_object();
}

std::string calibration_csv(const BacktestReport& r) {
  std::string out = "pattern,timeframe,bin,lo,hi,n,hits,hit_rate,mean_confidence,brier\n";
  for (const CalibrationBin& b : r.calibration) {
    out += std::string(bin_pattern(b)) + ',' + std::string(timeframe_name(b.timeframe)) + ',' +
           std::to_string(b.bin) + ',';
    csv_num(out, bin_lo(b.bin));
    out += ',';
    csv_num(out, bin_lo(b.bin + 1));
    out += ',' + std::to_string(b.n) + ',' + std::to_string(b.hits);
    for (const double v : {b.hit_rate, b.mean_confidence, b.brier}) {
      out += ',';
      csv_num(out, v);
    }
    out += '\n';
  }
  return out;
}

}  // namespace tickstock::backtest
