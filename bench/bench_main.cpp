// tickstock-bench: speed figures, one JSON object per line:
//   {"name":..., "ns_per_op":..., "ops_per_s":..., "runs":N, "ops":M}
// Each figure is the median of repeated runs. `--smoke` runs everything once on tiny inputs
// (used by the test script to prove the benchmarks still work; its numbers mean nothing).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/csv_reader.h"
#include "tickstock/scanner.h"

#include "bench.h"
#include "redis_bench.h"

using namespace tickstock;
using namespace tickstock::bench;

// Live heap bytes, for the per-series memory figure: the only replacement of the global
// allocation functions in this binary. Each block carries its size in a 16-byte header.
// Atomic: the Redis figures allocate on several threads.
namespace {
std::atomic<std::size_t> g_live_bytes{0};
}  // namespace

void* operator new(std::size_t n) {
  auto* p = static_cast<unsigned char*>(std::malloc(n + 16));
  if (p == nullptr) throw std::bad_alloc();
  std::memcpy(p, &n, sizeof n);
  g_live_bytes += n;
  return p + 16;
}
void operator delete(void* q) noexcept {
  if (q == nullptr) return;
  auto* p = static_cast<unsigned char*>(q) - 16;
  std::size_t n = 0;
  std::memcpy(&n, p, sizeof n);
  g_live_bytes -= n;
  std::free(p);
}
void operator delete(void* q, std::size_t) noexcept { operator delete(q); }

namespace {

class CountingSink final : public BarSink {
 public:
  void on_bar(const Bar& b) override { bars_ += 1 + (b.volume < 0 ? 1 : 0); }
  std::uint64_t bars_ = 0;
};

// A trading day of trades for `nsym` symbols: increasing event time, random-walk prices.
std::vector<Tick> make_ticks(SymbolTable& symbols, int nsym, std::size_t n) {
  std::mt19937_64 rng(7);
  std::vector<Symbol> syms;
  std::vector<double> px;
  for (int i = 0; i < nsym; ++i) {
    syms.push_back(symbols.intern("S" + std::to_string(i)));
    px.push_back(50.0 + i);
  }
  std::vector<Tick> ticks;
  ticks.reserve(n);
  Timestamp t = 1381152600LL * kNanosPerSecond;  // 2013-10-07 09:30 New York
  const Timestamp step = 6 * 3600 * kNanosPerSecond / static_cast<Timestamp>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(nsym));
    px[s] = std::max(1.0, px[s] + (static_cast<double>(rng() % 5) - 2.0) * 0.01);
    t += step;
    ticks.push_back(Tick{syms[s], t, t, px[s], static_cast<double>(100 * (1 + rng() % 5)), 0});
  }
  return ticks;
}

void bench_aggregate(const Config& c) {
  SymbolTable symbols;
  const auto ticks = make_ticks(symbols, 100, c.smoke ? 10'000 : 5'000'000);
  std::vector<double> secs;
  for (int r = 0; r < c.runs; ++r) {
    ManualClock clock;
    CountingSink sink;
    BarAggregator agg(AggregatorOptions{}, clock, sink);
    secs.push_back(time_once([&] {
      for (const Tick& t : ticks) {
        clock.set(t.ts_event);
        agg.on_tick(t);
      }
      agg.flush();
    }));
    if (sink.bars_ == 0) std::abort();  // the work must not be optimised away
  }
  report("aggregate_ticks_in_process", ticks.size(), secs);
}

// Reads a ticks CSV into a fresh aggregator `runs` times and reports the median; does nothing
// when the file cannot be opened.
void time_parse_aggregate(const char* name, const std::string& path, int runs) {
  std::vector<double> secs;
  std::uint64_t n = 0;
  for (int r = 0; r < runs; ++r) {
    SymbolTable symbols;
    ManualClock clock;
    CountingSink sink;
    BarAggregator agg(AggregatorOptions{}, clock, sink);
    auto reader = TickCsvReader::open(path, symbols);
    if (!reader) return;
    n = 0;
    secs.push_back(time_once([&] {
      Tick t;
      Error e;
      while ((*reader)->next(t, e) == ReadStatus::Ok) {
        if (t.ts_event > clock.now()) clock.set(t.ts_event);
        agg.on_tick(t);
        ++n;
      }
      agg.flush();
    }));
    if (sink.bars_ == 0) std::abort();  // the work must not be optimised away
  }
  report(name, n, secs);
}

void bench_parse_aggregate(const Config& c) {
  SymbolTable gen_symbols;
  const auto ticks = make_ticks(gen_symbols, 100, c.smoke ? 10'000 : 3'000'000);
  char path[] = "/tmp/tickstock-bench-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) std::abort();
  std::FILE* f = fdopen(fd, "w");
  std::fputs("ts_ns,symbol,price,size\n", f);
  for (const Tick& t : ticks)
    std::fprintf(f, "%lld,%.*s,%.2f,%.0f\n", static_cast<long long>(t.ts_event),
                 static_cast<int>(t.symbol.name().size()), t.symbol.name().data(), t.price, t.size);
  std::fclose(f);
  time_parse_aggregate("parse_aggregate_ticks_csv", path, c.runs);
  std::remove(path);
}

// The real SPY day (gzip), when the data directory is available.
void bench_parse_aggregate_real(const Config& c) {
  const char* dir = std::getenv("TICKSTOCK_DATA_DIR");
  if (dir == nullptr || c.smoke) return;
  const std::string path = std::string(dir) + "/ticks/lean_trades_SPY_20131010.csv.gz";
  time_parse_aggregate("parse_aggregate_ticks_csv_gz_real_spy", path, c.runs);
}

// Counts what a scanner reports without writing it anywhere.
class CountingScanSink final : public ScanSink {
 public:
  void on_scan(const ScanResult& r) override { sum_ += r.cdl[0] + (r.index & 1); }
  void on_pattern(const PatternEvent& e) override { sum_ += e.output != 0 ? 1 : 0; }
  void on_alert(const AlertEvent& e) override { sum_ += e.retracted ? 0 : 1; }
  std::uint64_t sum_ = 0;
};

// A random walk of minute bars with the shapes patterns look for (dojis, long bodies, gaps).
std::vector<Bar> make_bars(SymbolTable& symbols, std::size_t n) {
  WalkDraws draws{std::mt19937_64(11)};
  const Symbol sym = symbols.intern("BENCH");
  std::vector<Bar> bars;
  bars.reserve(n);
  double close = 100;
  Timestamp t = 1381152600LL * kNanosPerSecond;
  for (std::size_t i = 0; i < n; ++i) {
    Bar b;
    b.symbol = sym;
    b.start = t;
    t += 60 * kNanosPerSecond;
    walk_prices(draws, close, b);
    bars.push_back(b);
  }
  return bars;
}

ScannerOptions patterns_only() {
  ScannerOptions o;
  o.indicators.reset();
  return o;
}

ScannerOptions talib_indicators_only() {
  ScannerOptions o;
  o.patterns.reset();
  o.indicators.reset();
  for (int i = 0; i < kTalibIndicatorCount; ++i) o.indicators.set(static_cast<std::size_t>(i));
  return o;
}

// Streams `bars` through one series scanner per run; reports ns per bar. With `events` the
// scanner reports to a sink (pattern events with their confidence, alerts, every result);
// without, it only computes (what TA-Lib's own loop does).
double bench_series(const char* name, const ScannerOptions& o, const std::vector<Bar>& bars,
                    int runs, bool events) {
  std::vector<double> secs;
  for (int r = 0; r < runs; ++r) {
    CountingScanSink sink;
    SeriesScanner scanner(o);
    secs.push_back(time_once([&] {
      for (const Bar& b : bars) {
        scanner.update(b, events ? &sink : nullptr);
        if (!events) sink.on_scan(scanner.last());
      }
    }));
    if (sink.sum_ == 0) std::abort();  // the work must not be optimised away
  }
  report(name, bars.size(), secs);
  std::sort(secs.begin(), secs.end());
  return secs[secs.size() / 2] * 1e9 / static_cast<double>(bars.size());
}

// The same bars spread over many symbols (round robin): the states no longer fit in L1.
void bench_many_series(const char* name, const std::vector<Bar>& bars, int nsym, int runs) {
  SymbolTable symbols;
  std::vector<Symbol> syms;
  for (int i = 0; i < nsym; ++i) syms.push_back(symbols.intern("S" + std::to_string(i)));
  std::vector<double> secs;
  for (int r = 0; r < runs; ++r) {
    CountingScanSink sink;
    Scanner scanner(ScannerOptions{}, sink);
    secs.push_back(time_once([&] {
      std::size_t k = 0;
      for (const Bar& b : bars) {
        Bar x = b;
        x.symbol = syms[k];
        if (++k == syms.size()) k = 0;
        scanner.on_bar(x);
      }
    }));
    if (sink.sum_ == 0) std::abort();
  }
  report(name, bars.size(), secs);
}

// What live systems built on batch TA code do: rerun everything over the trailing 50-bar
// window for each new bar (a fresh full scanner per bar).
double bench_naive_window(const std::vector<Bar>& bars, int runs) {
  constexpr std::size_t kWindow = 50;
  std::vector<double> secs;
  std::size_t n = 0;
  for (int r = 0; r < runs; ++r) {
    CountingScanSink sink;
    n = 0;
    secs.push_back(time_once([&] {
      for (std::size_t i = kWindow; i <= bars.size(); ++i, ++n) {
        SeriesScanner scanner{ScannerOptions{}};
        for (std::size_t j = i - kWindow; j < i; ++j) scanner.update(bars[j], nullptr);
        sink.on_scan(scanner.last());
      }
    }));
    if (n == 0) std::abort();
  }
  report("scan_naive_window50_per_bar", n, secs);
  std::sort(secs.begin(), secs.end());
  return secs[secs.size() / 2] * 1e9 / static_cast<double>(n);
}

// Heap plus object bytes one more (symbol, timeframe) series costs in a default Scanner.
void report_series_memory(int nsym) {
  SymbolTable symbols;
  CountingScanSink sink;
  Scanner scanner(ScannerOptions{}, sink);
  Bar b;
  b.open = b.high = b.low = b.close = 10;
  b.volume = 100;
  b.symbol = symbols.intern("WARMUP");
  scanner.on_bar(b);
  std::vector<Symbol> syms;
  for (int i = 0; i < nsym; ++i) syms.push_back(symbols.intern("M" + std::to_string(i)));
  const std::size_t before = g_live_bytes;
  for (const Symbol s : syms) {
    b.symbol = s;
    scanner.on_bar(b);
  }
  const double per = static_cast<double>(g_live_bytes - before) / nsym;
  std::printf("{\"name\":\"scan_state_bytes_per_series\",\"bytes\":%.0f,\"series\":%d}\n", per,
              nsym);
  std::fflush(stdout);
}

void bench_scan(const Config& c) {
  SymbolTable symbols;
  const auto bars = make_bars(symbols, c.smoke ? 2'000 : 1'000'000);
  bench_series("scan_cdl61_per_bar", patterns_only(), bars, c.runs, false);
  bench_series("scan_indicators_per_bar", talib_indicators_only(), bars, c.runs, false);
  const double full = bench_series("scan_full_per_bar", ScannerOptions{}, bars, c.runs, true);
  bench_many_series("scan_full_per_bar_1000_series", bars, c.smoke ? 10 : 1000, c.runs);
  const std::vector<Bar> few(bars.begin(), bars.begin() + (c.smoke ? 200 : 20'000));
  const double naive = bench_naive_window(few, c.smoke ? 1 : 3);
  std::printf("{\"name\":\"scan_naive_window50_vs_streaming\",\"ratio\":%.1f}\n", naive / full);
  report_series_memory(c.smoke ? 10 : 1000);
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      c.smoke = true;
      c.runs = 1;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      c.only = argv[++i];
    } else {
      std::fprintf(
          stderr,
          "usage: tickstock-bench [--smoke] [--only aggregate|scan|backtest|backtest_large|parse|"
          "pg|redis|polygon]\n");
      return 2;
    }
  }
  if (c.wants("aggregate")) bench_aggregate(c);
  if (c.wants("scan")) bench_scan(c);
  if (c.wants("backtest")) bench_backtest(c);
  if (c.wants("backtest_large")) bench_backtest_large(c);
  if (c.wants("parse")) {
    bench_parse_aggregate(c);
    bench_parse_aggregate_real(c);
  }
  if (c.wants("pg")) bench_pg(c);
  if (c.wants("redis")) tickstock::bench::bench_redis(c.smoke, c.runs);
#ifdef TICKSTOCK_BENCH_APP
  if (c.wants("polygon")) bench_polygon(c);
#endif
  return 0;
}
