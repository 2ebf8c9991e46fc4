#include "backtest/series_cells.h"

#include <cmath>
#include <limits>

#include "backtest/signal_stats.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kSides = 3;

double sign_of(SignalSide s) { return s == SignalSide::Bearish ? -1.0 : 1.0; }

// The detections of `out` grouped by (pattern, side), bar order kept inside a group (a counting
// sort): `order` holds their indices, group g spans [begin[g], begin[g + 1]).
struct Groups {
  std::vector<std::uint32_t> order;
  std::vector<std::uint32_t> begin;
};

Groups group_detections(const std::vector<Detection>& detections) {
  const std::size_t keys = kPatternCount * kSides;
  Groups g;
  g.begin.assign(keys + 1, 0);
  auto key = [](const Detection& d) {
    return static_cast<std::size_t>(d.pattern) * kSides + static_cast<std::size_t>(d.side);
  };
  for (const Detection& d : detections) ++g.begin[key(d) + 1];
  for (std::size_t k = 0; k < keys; ++k) g.begin[k + 1] += g.begin[k];
  std::vector<std::uint32_t> next(g.begin.begin(), g.begin.end() - 1);
  g.order.resize(detections.size());
  for (std::size_t i = 0; i < detections.size(); ++i)
    g.order[next[key(detections[i])]++] = static_cast<std::uint32_t>(i);
  return g;
}

// Working memory of one series' cells, reused from cell to cell.
struct Scratch {
  std::vector<double> r, r_eff, median;
  std::vector<std::int64_t> bars;
};

// The cell of group [first, last) of `g` at horizon index `k`, and its part of the ALL cell.
void add_cell(SeriesOutcome& out, const SeriesWindows& w, const BacktestOptions& o, const Groups& g,
              std::size_t first, std::size_t last, std::size_t k, double theta, Scratch& s) {
  const std::size_t nh = o.horizons.size();
  const Detection& head = out.detections[g.order[first]];
  StatCell c;
  c.pattern = head.pattern;
  c.symbol = out.symbol;
  c.timeframe = out.timeframe;
  c.side = head.side;
  c.horizon = o.horizons[k];
  c.events = last - first;
  PoolPart part{head.pattern, head.side, static_cast<std::uint32_t>(k)};
  s.r.clear();
  s.r_eff.clear();
  s.bars.clear();
  for (std::size_t at = first; at < last; ++at) {
    const std::size_t i = g.order[at], cell = i * nh + k;
    if (std::isnan(w.returns[cell])) {
      ++c.censored;
      continue;
    }
    s.r.push_back(w.returns[cell]);
    s.bars.push_back(out.detections[i].bar);
    part.mfe_sum += w.mfe[cell];
    part.mae_sum += w.mae[cell];
  }
  for (const std::size_t i : thin_overlapping(s.bars, c.horizon)) s.r_eff.push_back(s.r[i]);
  part.events = c.events;
  part.censored = c.censored;
  part.r_begin = out.pool_r.size();
  out.pool_r.insert(out.pool_r.end(), s.r.begin(), s.r.end());
  part.r_end = out.pool_r.size();
  part.eff_begin = out.pool_eff.size();
  out.pool_eff.insert(out.pool_eff.end(), s.r_eff.begin(), s.r_eff.end());
  part.eff_end = out.pool_eff.size();
  fill_cell(c, s.r, s.r_eff, part.mfe_sum, part.mae_sum, out.baseline[k], theta, s.median);
  part.measured = c.n > 0;
  part.beat_baseline = c.n > 0 && c.excess > 0;
  out.parts.push_back(part);
  out.cells.push_back(std::move(c));
}

}  // namespace

double hit_threshold(const BacktestOptions& o) {
  return o.hit_threshold == HitThreshold::Cost ? 2 * (o.commission + o.slippage) : 0.0;
}

void fill_cell(StatCell& c, std::span<const double> r, std::span<const double> r_eff,
               double mfe_sum, double mae_sum, const Baseline& b, double theta,
               std::vector<double>& scratch) {
  const SampleSummary all = summarize(r, theta, scratch);
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
  const SampleSummary eff = summarize(r_eff, theta, scratch);
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

void add_series_cells(SeriesOutcome& out, const SeriesWindows& windows,
                      const BacktestOptions& options) {
  const Groups g = group_detections(out.detections);
  const double theta = hit_threshold(options);
  const std::size_t nh = options.horizons.size();
  std::size_t valid = 0;
  for (const double r : windows.returns) valid += std::isnan(r) ? 0 : 1;
  out.pool_r.reserve(valid);
  Scratch scratch;
  for (std::size_t key = 0; key + 1 < g.begin.size(); ++key) {
    if (g.begin[key] == g.begin[key + 1]) continue;
    for (std::size_t k = 0; k < nh; ++k)
      add_cell(out, windows, options, g, g.begin[key], g.begin[key + 1], k, theta, scratch);
  }
}

}  // namespace tickstock::backtest
