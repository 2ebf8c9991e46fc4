#include "backtest/cell_builder.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "backtest/series_cells.h"
#include "backtest/signal_stats.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kMinEffForQ = 30;
constexpr double kSignificantQ = 0.10;

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

}  // namespace

CellBuilder::CellBuilder(const BacktestOptions& options)
    : options_(options), theta_(hit_threshold(options)) {}

void CellBuilder::add(SeriesOutcome& o) {
  for (std::size_t k = 0; k < o.baseline.size(); ++k) {
    pool_into(baselines_[{o.timeframe, k}], o.baseline[k]);
  }
  for (StatCell& c : o.cells) cells_.push_back(std::move(c));
  o.cells.clear();
  for (const PoolPart& part : o.parts) {
    pools_[{part.pattern, o.timeframe, part.side, part.k}].push_back({&o, &part});
  }
}

StatCell CellBuilder::all_cell(const PoolKey& key, const std::vector<PartRef>& parts,
                               std::vector<double>& r, std::vector<double>& r_eff,
                               std::vector<double>& scratch) {
  const auto& [p, tf, side, k] = key;
  StatCell c;
  c.pattern = p;
  c.symbol = "ALL";
  c.timeframe = tf;
  c.side = side;
  c.horizon = options_.horizons[k];
  r.clear();
  r_eff.clear();
  double mfe_sum = 0, mae_sum = 0;
  for (const auto& [series, part] : parts) {
    c.events += part->events;
    c.censored += part->censored;
    c.symbols_total += part->measured ? 1 : 0;
    c.symbols_positive += part->beat_baseline ? 1 : 0;
    r.insert(r.end(), series->pool_r.begin() + static_cast<std::ptrdiff_t>(part->r_begin),
             series->pool_r.begin() + static_cast<std::ptrdiff_t>(part->r_end));
    r_eff.insert(r_eff.end(),
                 series->pool_eff.begin() + static_cast<std::ptrdiff_t>(part->eff_begin),
                 series->pool_eff.begin() + static_cast<std::ptrdiff_t>(part->eff_end));
    mfe_sum += part->mfe_sum;
    mae_sum += part->mae_sum;
  }
  fill_cell(c, r, r_eff, mfe_sum, mae_sum, baselines_.at({tf, k}), theta_, scratch);
  return c;
}

std::vector<StatCell> CellBuilder::finish(std::uint64_t& tests, int threads) {
  // The pooled cells are independent: each is made whole by one thread, so the bytes do not
  // depend on how many there are.
  std::vector<std::pair<const PoolKey*, const std::vector<PartRef>*>> keys;
  for (const auto& [key, parts] : pools_) keys.emplace_back(&key, &parts);
  std::vector<StatCell> all(keys.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    std::vector<double> r, r_eff, scratch;
    for (std::size_t i = next++; i < keys.size(); i = next++)
      all[i] = all_cell(*keys[i].first, *keys[i].second, r, r_eff, scratch);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<std::size_t>(t) < keys.size(); ++t)
    pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  pools_.clear();
  for (StatCell& c : all) cells_.push_back(std::move(c));
  sort_and_test(tests);
  return std::move(cells_);
}

void CellBuilder::sort_and_test(std::uint64_t& tests) {
  // Report order: pattern, symbol in the options' order (ALL last), timeframe, side, horizon;
  // each cell's key made once (a symbol's rank is a search).
  std::map<std::string, std::size_t, std::less<>> symbol_rank;
  for (std::size_t i = 0; i < options_.symbols.size(); ++i)
    symbol_rank.emplace(options_.symbols[i], i);
  auto tf_rank = [&](Timeframe tf) {
    const auto it = std::find(options_.timeframes.begin(), options_.timeframes.end(), tf);
    return static_cast<std::size_t>(it - options_.timeframes.begin());
  };
  using Key = std::tuple<PatternId, std::size_t, std::size_t, SignalSide, int>;
  std::vector<std::pair<Key, std::size_t>> order;
  order.reserve(cells_.size());
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    const StatCell& c = cells_[i];
    const auto it = symbol_rank.find(c.symbol);
    const std::size_t rank = it == symbol_rank.end() ? options_.symbols.size() : it->second;
    order.push_back({Key{c.pattern, rank, tf_rank(c.timeframe), c.side, c.horizon}, i});
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<StatCell> sorted;
  sorted.reserve(cells_.size());
  for (const auto& [key, i] : order) sorted.push_back(std::move(cells_[i]));
  cells_ = std::move(sorted);
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
}

}  // namespace tickstock::backtest
