#include "backtest/cell_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "backtest/signal_stats.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kMinEffForQ = 30;
constexpr double kSignificantQ = 0.10;

double sign_of(SignalSide s) { return s == SignalSide::Bearish ? -1.0 : 1.0; }

// Chan et al.'s pairwise update: pools two baselines' counts, means and M2.
void pool_into(Baseline& to, const Baseline& from) {
  if (from.n == 0) return;
  const double na = static_cast<double>(to.n), nb = static_cast<double>(from.n);
  const double delta = from.mean - to.mean;
  const double n = na + nb;
  to.mean += delta * nb / n;
  to.m2 += from.m2 + delta * delta * na * nb / n;
  to.n += from.n;
  to.up += from.up;
  to.down += from.down;
}

// Fills the statistics of `c` from its returns, thinned returns and baseline.
void fill_cell(StatCell& c, std::vector<double> r, std::vector<double> r_eff, double mfe_sum,
               double mae_sum, const Baseline& b, double theta) {
  const SampleSummary all = summarize(r, theta);
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
  const SampleSummary eff = summarize(r_eff, theta);
  c.n_eff = eff.n;
  c.hits_eff = eff.hits;
  c.mean_eff = eff.mean;
  c.std_eff = eff.stddev;
  const WelchResult w =
      welch_test(eff.mean, eff.stddev, eff.n, c.baseline_mean, c.baseline_std, b.n);
  c.welch_t = w.t;
  c.welch_df = w.df;
  c.p = w.p;
  c.naive_t = welch_test(all.mean, all.stddev, all.n, c.baseline_mean, c.baseline_std, b.n).t;
  c.p_hit = hit_test(eff.hits, eff.n, c.baseline_p0).p;
  c.q = kNaN;
}

// The returns of `events` at horizon k that are valid, and those overlap thinning keeps.
void valid_returns(const std::vector<const Detection*>& events, std::size_t k, int h,
                   std::vector<double>& r, std::vector<double>& r_eff, double& mfe_sum,
                   double& mae_sum, std::uint64_t& censored) {
  std::vector<std::int64_t> bars;
  for (const Detection* e : events) {
    if (std::isnan(e->returns[k])) {
      ++censored;
      continue;
    }
    r.push_back(e->returns[k]);
    bars.push_back(e->bar);
    mfe_sum += e->mfe[k];
    mae_sum += e->mae[k];
  }
  for (const std::size_t i : thin_overlapping(bars, h)) r_eff.push_back(r[i]);
}

}  // namespace

CellBuilder::CellBuilder(const BacktestOptions& options)
    : options_(options),
      theta_(options.hit_threshold == HitThreshold::Cost
                 ? 2 * (options.commission + options.slippage)
                 : 0.0) {}

void CellBuilder::add(const SeriesOutcome& o) {
  for (std::size_t k = 0; k < o.baseline.size(); ++k) {
    pool_into(baselines_[{o.timeframe, k}], o.baseline[k]);
  }
  // Group by (pattern, side), keeping bar order inside each group.
  std::map<std::pair<PatternId, SignalSide>, std::vector<const Detection*>> groups;
  for (const Detection& d : o.detections) groups[{d.pattern, d.side}].push_back(&d);
  for (const auto& [key, events] : groups) add_group(o, key.first, key.second, events);
}

void CellBuilder::add_group(const SeriesOutcome& o, PatternId p, SignalSide side,
                            const std::vector<const Detection*>& events) {
  for (std::size_t k = 0; k < options_.horizons.size(); ++k) {
    StatCell c;
    c.pattern = p;
    c.symbol = o.symbol;
    c.timeframe = o.timeframe;
    c.side = side;
    c.horizon = options_.horizons[k];
    c.events = events.size();
    std::vector<double> r, r_eff;
    double mfe_sum = 0, mae_sum = 0;
    valid_returns(events, k, c.horizon, r, r_eff, mfe_sum, mae_sum, c.censored);
    Pool& pool = pools_[{p, o.timeframe, side, k}];
    pool.events += c.events;
    pool.censored += c.censored;
    pool.returns.insert(pool.returns.end(), r.begin(), r.end());
    pool.thinned.insert(pool.thinned.end(), r_eff.begin(), r_eff.end());
    pool.mfe_sum += mfe_sum;
    pool.mae_sum += mae_sum;
    fill_cell(c, std::move(r), std::move(r_eff), mfe_sum, mae_sum, o.baseline[k], theta_);
    if (c.n > 0) {
      ++pool.symbols_total;
      if (c.excess > 0) ++pool.symbols_positive;
    }
    cells_.push_back(std::move(c));
  }
}

std::vector<StatCell> CellBuilder::finish(std::uint64_t& tests) {
  for (auto& [key, pool] : pools_) {
    const auto& [p, tf, side, k] = key;
    StatCell c;
    c.pattern = p;
    c.symbol = "ALL";
    c.timeframe = tf;
    c.side = side;
    c.horizon = options_.horizons[k];
    c.events = pool.events;
    c.censored = pool.censored;
    c.symbols_positive = pool.symbols_positive;
    c.symbols_total = pool.symbols_total;
    fill_cell(c, std::move(pool.returns), std::move(pool.thinned), pool.mfe_sum, pool.mae_sum,
              baselines_[{tf, k}], theta_);
    cells_.push_back(std::move(c));
  }
  pools_.clear();
  // Report order: pattern, symbol in the options' order (ALL last), timeframe, side, horizon.
  auto symbol_rank = [&](const std::string& s) {
    const auto it = std::find(options_.symbols.begin(), options_.symbols.end(), s);
    return static_cast<std::size_t>(it - options_.symbols.begin());
  };
  auto tf_rank = [&](Timeframe tf) {
    const auto it = std::find(options_.timeframes.begin(), options_.timeframes.end(), tf);
    return static_cast<std::size_t>(it - options_.timeframes.begin());
  };
  std::stable_sort(cells_.begin(), cells_.end(), [&](const StatCell& a, const StatCell& b) {
    return std::tuple(a.pattern, symbol_rank(a.symbol), tf_rank(a.timeframe), a.side, a.horizon) <
           std::tuple(b.pattern, symbol_rank(b.symbol), tf_rank(b.timeframe), b.side, b.horizon);
  });
  std::vector<double> p(cells_.size(), kNaN);
  tests = 0;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (cells_[i].n_eff >= kMinEffForQ && !std::isnan(cells_[i].p)) {
      p[i] = cells_[i].p;
      ++tests;
    }
  }
  const std::vector<double> q = benjamini_hochberg(p);
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    cells_[i].q = q[i];
    cells_[i].significant = !std::isnan(q[i]) && q[i] <= kSignificantQ;
  }
  return std::move(cells_);
}

}  // namespace tickstock::backtest
