// The backtest figures (shared/design/backtesting.md §11), from memory:
//   backtest_scan_only_per_bar   the replay alone: each series through a SeriesScanner with the
//                                61 patterns, on 2 threads (the baseline)
//   backtest_61_per_bar          run_backtest: 61 patterns, horizons 1, 5, 10, 20, statistics,
//                                on 2 threads; ops_per_s is bars per second
//   backtest_61_events_per_bar   the same keeping every signal with its windows (events.csv)
//   backtest_vs_scan_only        the ratio of statistics to scan-only (target ≤ 1.5, goal 1.25)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/scanner.h"

#include "bench.h"

namespace tickstock::bench {
namespace {

// Counts the pattern events, as the backtest's sink collects them.
class CountingSink final : public ScanSink {
 public:
  void on_pattern(const PatternEvent& e) override { n += e.retracted ? 0 : 1; }
  std::uint64_t n = 0;
};

// Every series through its own patterns-only SeriesScanner, `threads` at a time.
double scan_only(const std::vector<SymbolBars>& data, int threads) {
  ScannerOptions o;
  o.indicators.reset();
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(threads), 0);
  const double s = time_once([&] {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t i = static_cast<std::size_t>(t); i < data.size();
             i += static_cast<std::size_t>(threads)) {
          SeriesScanner scanner(o);
          CountingSink sink;
          for (const Bar& b : data[i].bars) scanner.update(b, &sink);
          sums[static_cast<std::size_t>(t)] += sink.n;
        }
      });
    }
    for (std::thread& t : pool) t.join();
  });
  std::uint64_t sum = 0;
  for (const std::uint64_t x : sums) sum += x;
  if (sum == 0) std::abort();  // the work must not be optimised away
  return s;
}

}  // namespace

std::vector<Bar> minute_walk(std::uint64_t seed, std::size_t n) {
  WalkDraws draws{std::mt19937_64(seed)};
  std::vector<Bar> bars;
  bars.reserve(n);
  double close = 100;
  Date day{2020, 1, 2};
  int minute = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (minute == 390) {  // the next weekday
      do {
        day = civil_from_days(days_from_civil(day) + 1);
      } while ((days_from_civil(day) + 4) % 7 >= 5);
      minute = 0;
    }
    Bar b;
    b.timeframe = Timeframe::M1;
    b.start = new_york_midnight(day) + (570 + minute++) * kNanosPerMinute;
    walk_prices(draws, close, b);
    bars.push_back(b);
  }
  return bars;
}

void bench_backtest(const Config& c) {
  const std::size_t symbols = c.smoke ? 2 : 20;
  const std::size_t per = c.smoke ? 3'000 : 100'000;
  std::vector<SymbolBars> data;
  for (std::size_t i = 0; i < symbols; ++i)
    data.push_back({"S" + std::to_string(i), minute_walk(100 + i, per)});
  BacktestOptions o;
  for (const SymbolBars& s : data) o.symbols.push_back(s.symbol);
  o.start = data[0].bars[100].start;
  o.end = data[0].bars.back().start;
  o.timeframes = {Timeframe::M1};
  o.threads = 2;
  o.warmup_bars = 100;
  const std::uint64_t bars = symbols * per;
  const int runs = c.smoke ? 1 : 5;
  std::vector<double> scan, full, events;
  auto source = make_vector_bar_source(data);
  auto plan = plan_backtest(o, *source);
  if (!plan || plan->bars_total != bars) std::abort();
  auto backtest = [&](bool keep_signals) {
    BacktestOptions with = o;
    with.keep_signals = keep_signals;
    return time_once([&] {
      auto report = run_backtest(*plan, with, *source);
      if (!report || report->events == 0 || report->signals.empty() != !keep_signals) std::abort();
    });
  };
  for (int r = 0; r < runs; ++r) {  // alternated, so all see the same machine
    scan.push_back(scan_only(data, 2));
    full.push_back(backtest(false));
    events.push_back(backtest(true));
  }
  report("backtest_scan_only_per_bar", bars, scan);
  report("backtest_61_per_bar", bars, full);
  report("backtest_61_events_per_bar", bars, events);
  std::sort(scan.begin(), scan.end());
  std::sort(full.begin(), full.end());
  std::printf("{\"name\":\"backtest_vs_scan_only\",\"ratio\":%.2f}\n",
              full[full.size() / 2] / scan[scan.size() / 2]);
  std::fflush(stdout);
}

}  // namespace tickstock::bench
