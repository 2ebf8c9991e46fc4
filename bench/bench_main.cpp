// tickstock-bench: speed figures, one JSON object per line:
//   {"name":..., "ns_per_op":..., "ops_per_s":..., "runs":N, "ops":M}
// Each figure is the median of repeated runs. `--smoke` runs everything once on tiny inputs
// (used by the test script to prove the benchmarks still work; its numbers mean nothing).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/csv_reader.h"

using namespace tickstock;

namespace {

struct Config {
  bool smoke = false;
  int runs = 7;
};

class CountingSink final : public BarSink {
 public:
  void on_bar(const Bar& b) override { bars_ += 1 + (b.volume < 0 ? 1 : 0); }
  std::uint64_t bars_ = 0;
};

void report(const char* name, std::uint64_t ops, std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  const double med = seconds[seconds.size() / 2];
  std::printf("{\"name\":\"%s\",\"ns_per_op\":%.2f,\"ops_per_s\":%.0f,\"runs\":%zu,\"ops\":%llu}\n",
              name, med * 1e9 / static_cast<double>(ops), static_cast<double>(ops) / med,
              seconds.size(), static_cast<unsigned long long>(ops));
  std::fflush(stdout);
}

double time_once(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

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

}  // namespace

int main(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      c.smoke = true;
      c.runs = 1;
    } else {
      std::fprintf(stderr, "usage: tickstock-bench [--smoke]\n");
      return 2;
    }
  }
  bench_aggregate(c);
  bench_parse_aggregate(c);
  bench_parse_aggregate_real(c);
  return 0;
}
