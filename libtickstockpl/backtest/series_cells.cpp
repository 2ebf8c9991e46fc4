#include "backtest/series_cells.h"

#include <cmath>
#include <limits>

#include "backtest/calibration.h"
#include "backtest/signal_stats.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kSides = 3;

double sign_of(SignalSide s) { return s == SignalSide::Bearish ? -1.0 : 1.0; }

// One horizon's valid returns of a group, their bars, and its sums and counts.
struct HorizonRun {
  std::vector<double> r;
  std::vector<std::int64_t> bars;
  double mfe_sum = 0, mae_sum = 0;
  std::uint64_t censored = 0;
};

// Working memory of one series' cells, reused from group to group.
struct Scratch {
  std::vector<HorizonRun> runs;  // per horizon
  std::vector<double> r_eff, median;
};

// The cell of a group at horizon index `k` from its run, and its part of the ALL cell.
void add_cell(SeriesOutcome& out, const BacktestOptions& o, const Detection& head,
              std::uint64_t events, std::size_t k, double theta, Scratch& s) {
  const HorizonRun& run = s.runs[k];
  StatCell c;
  c.pattern = head.pattern;
  c.symbol = out.symbol;
  c.timeframe = out.timeframe;
  c.side = head.side;
  c.horizon = o.horizons[k];
  c.events = events;
  c.censored = run.censored;
  s.r_eff.clear();
  for (const std::size_t i : thin_overlapping(run.bars, c.horizon)) s.r_eff.push_back(run.r[i]);
  PoolPart part{head.pattern, head.side, static_cast<std::uint32_t>(k)};
  part.events = events;
  part.censored = run.censored;
  part.mfe_sum = run.mfe_sum;
  part.mae_sum = run.mae_sum;
  part.r_begin = out.pool_r.size();
  out.pool_r.insert(out.pool_r.end(), run.r.begin(), run.r.end());
  part.r_end = out.pool_r.size();
  part.eff_begin = out.pool_eff.size();
  out.pool_eff.insert(out.pool_eff.end(), s.r_eff.begin(), s.r_eff.end());
  part.eff_end = out.pool_eff.size();
  fill_cell(c, run.r, s.r_eff, run.mfe_sum, run.mae_sum, out.baseline[k], theta, s.median);
  part.measured = c.n > 0;
  part.beat_baseline = c.n > 0 && c.excess > 0;
  out.parts.push_back(part);
  out.cells.push_back(std::move(c));
}

// The cells of group [first, last) of `g`: one pass over its rows of `w` gathers every
// horizon, in bar order.
void add_group(SeriesOutcome& out, const GroupedDetections& g, const SeriesWindows& w,
               const BacktestOptions& o, std::size_t first, std::size_t last, double theta,
               Scratch& s) {
  const std::size_t nh = o.horizons.size();
  for (HorizonRun& run : s.runs) {
    run.r.clear();
    run.bars.clear();
    run.mfe_sum = run.mae_sum = 0;
    run.censored = 0;
  }
  for (std::size_t j = first; j < last; ++j) {
    const std::size_t row = j * nh;
    const std::int64_t bar = g.detections[j].bar;
    for (std::size_t k = 0; k < nh; ++k) {
      HorizonRun& run = s.runs[k];
      const double r = w.returns[row + k];
      if (std::isnan(r)) {
        ++run.censored;
        continue;
      }
      run.r.push_back(r);
      run.bars.push_back(bar);
      run.mfe_sum += w.mfe[row + k];
      run.mae_sum += w.mae[row + k];
    }
  }
  for (std::size_t k = 0; k < nh; ++k)
    add_cell(out, o, g.detections[first], last - first, k, theta, s);
}

}  // namespace

double hit_threshold(const BacktestOptions& o) {
  return o.hit_threshold == HitThreshold::Cost ? 2 * (o.commission + o.slippage) : 0.0;
}

void fill_cell(StatCell& c, std::span<const double> r, std::span<const double> r_eff,
               double mfe_sum, double mae_sum, const Baseline& b, double theta,
               std::vector<double>& scratch) {
  const SampleSummary all = summarize(r, theta, &scratch);
  c.n = all.n;
  c.hits = all.hits;
  c.hit_rate = all.n > 0 ? static_cast<double>(all.hits) / static_cast<double>(all.n) : kNaN;
  c.hit_lo = all.hit_rate.lower;
  c.hit_hi = all.hit_rate.upper;
  c.mean = all.mean;
  c.median = all.median;
  c.std = all.stddev;
  c.mfe = all.n > 0 ? mfe_sum / static_cast<double>(all.n) : kNaN;
  c.mae = all.n > 0 ? mae_sum / static_cast<double>(all.n) : kNaN;
  const double d = sign_of(c.side);
  c.baseline_n = b.n;
  c.baseline_mean = b.n > 0 ? d * b.mean : kNaN;
  c.baseline_std = b.n > 1 ? std::sqrt(b.m2 / static_cast<double>(b.n - 1)) : kNaN;
  c.baseline_p0 =
      b.n > 0 ? static_cast<double>(d > 0 ? b.up : b.down) / static_cast<double>(b.n) : kNaN;
  c.excess = c.mean - c.baseline_mean;
  const SampleSummary eff = summarize(r_eff, theta, nullptr);  // its median is not reported
  c.n_eff = eff.n;
  c.hits_eff = eff.hits;
  c.mean_eff = eff.mean;
  c.std_eff = eff.stddev;
  const WelchResult welch =
      welch_test(eff.mean, eff.stddev, eff.n, c.baseline_mean, c.baseline_std, b.n);
  c.welch_t = welch.t;
  c.welch_df = welch.df;
  c.p = welch.p;
  c.naive_t = welch_test(all.mean, all.stddev, all.n, c.baseline_mean, c.baseline_std, b.n).t;
  c.p_hit = hit_test(eff.hits, eff.n, c.baseline_p0).p;
  c.q = kNaN;
}

void group_detections(const std::vector<Detection>& by_bar, GroupedDetections& g) {
  const std::size_t keys = kPatternCount * kSides;
  auto key = [](const Detection& d) {
    return static_cast<std::size_t>(d.pattern) * kSides + static_cast<std::size_t>(d.side);
  };
  g.begin.assign(keys + 1, 0);
  for (const Detection& d : by_bar) ++g.begin[key(d) + 1];
  for (std::size_t k = 0; k < keys; ++k) g.begin[k + 1] += g.begin[k];
  std::vector<std::uint32_t> next(g.begin.begin(), g.begin.end() - 1);
  g.detections.resize(by_bar.size());
  g.from.resize(by_bar.size());
  for (std::size_t i = 0; i < by_bar.size(); ++i) {
    const std::uint32_t j = next[key(by_bar[i])]++;
    g.detections[j] = by_bar[i];
    g.from[j] = static_cast<std::uint32_t>(i);
  }
}

void add_series_cells(SeriesOutcome& out, const GroupedDetections& grouped,
                      const SeriesWindows& windows, const BacktestOptions& options) {
  const double theta = hit_threshold(options);
  std::size_t valid = 0;
  for (const double r : windows.returns) valid += std::isnan(r) ? 0 : 1;
  out.pool_r.reserve(valid);
  Scratch scratch;
  scratch.runs.resize(options.horizons.size());
  for (std::size_t key = 0; key + 1 < grouped.begin.size(); ++key) {
    if (grouped.begin[key] == grouped.begin[key + 1]) continue;
    add_group(out, grouped, windows, options, grouped.begin[key], grouped.begin[key + 1], theta,
              scratch);
  }
  add_calibration(out.calibration, grouped, windows, calibration_horizon_index(options),
                  options.horizons.size(), theta);
}

}  // namespace tickstock::backtest
