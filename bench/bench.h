// What the figure groups of tickstock-bench share: the run configuration and the report line.
#ifndef TICKSTOCK_BENCH_BENCH_H_
#define TICKSTOCK_BENCH_BENCH_H_

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <time.h>
#include <vector>

#include "tickstock/types.h"

namespace tickstock::bench {

struct Config {
  bool smoke = false;
  int runs = 7;
  std::string only;  // run only the group with this name (aggregate, scan, parse, pg, ...)
  bool wants(const char* group) const { return only.empty() || only == group; }
};

// One figure: the median of `seconds` for `ops` operations, as a JSON line, with the best run
// (on a machine shared with other work, the least disturbed one).
inline void report(const char* name, std::uint64_t ops, std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  const double med = seconds[seconds.size() / 2];
  std::printf(
      "{\"name\":\"%s\",\"ns_per_op\":%.2f,\"ops_per_s\":%.0f,\"best_ops_per_s\":%.0f,"
      "\"runs\":%zu,\"ops\":%llu}\n",
      name, med * 1e9 / static_cast<double>(ops), static_cast<double>(ops) / med,
      static_cast<double>(ops) / seconds.front(), seconds.size(),
      static_cast<unsigned long long>(ops));
  std::fflush(stdout);
}

// Wall time of one call of `f`, in seconds.
inline double time_once(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of the calling thread for one call of `f`, in seconds: what a figure "on one core"
// means on a machine shared with other work.
inline double cpu_time_once(const std::function<void()>& f) {
  timespec a{}, b{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  f();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  return static_cast<double>(b.tv_sec - a.tv_sec) +
         static_cast<double>(b.tv_nsec - a.tv_nsec) * 1e-9;
}

// The PostgreSQL figures (bench_pg.cpp); a note on stderr and nothing else without DATABASE_URL.
void bench_pg(const Config& c);
// The next bar of a random walk from `close` with the shapes patterns look for (dojis, long
// bodies, gaps): its prices, volume and VWAP into `b`; `close` becomes its close.
// `step` is N(0, 0.25) and `u` U(0, 1), kept by the caller so that the sequence continues.
struct WalkDraws {
  std::mt19937_64 rng;
  std::normal_distribution<double> step{0.0, 0.25};
  std::uniform_real_distribution<double> u{0.0, 1.0};
};
inline void walk_prices(WalkDraws& w, double& close, Bar& b) {
  auto& rng = w.rng;
  auto& step = w.step;
  auto& u = w.u;
  const double gap = u(rng) < 0.05 ? step(rng) * 4 : 0.0;
  b.open = std::max(1.0, close + gap);
  const double body = u(rng) < 0.15 ? 0.0 : step(rng) * (u(rng) < 0.2 ? 4 : 1);
  b.close = std::max(1.0, b.open + body);
  b.high = std::max(b.open, b.close) + std::fabs(step(rng)) * u(rng);
  b.low = std::min(b.open, b.close) - std::fabs(step(rng)) * u(rng);
  b.volume = std::floor(1000 + 9000 * u(rng));
  b.vwap = (b.high + b.low + b.close) / 3;
  close = b.close;
}

// `n` regular-session minute bars of a random walk with the shapes patterns look for, from
// 2020-01-02 on weekdays (bench_backtest.cpp).
std::vector<Bar> minute_walk(std::uint64_t seed, std::size_t n);

// The backtest figures (bench_backtest.cpp): bars per second, and the ratio to the replay alone.
void bench_backtest(const Config& c);
// The largest allowed job from CSV.gz (bench_backtest_large.cpp), in a child process of its own
// so that its peak memory is its own.
void bench_backtest_large(const Config& c);
// The Polygon figures (bench_polygon.cpp): messages parsed per second, frame-to-bar latency.
void bench_polygon(const Config& c);

}  // namespace tickstock::bench

#endif  // TICKSTOCK_BENCH_BENCH_H_
