// The largest job the limits allow (shared/design/backtesting.md §11): 50 symbols × 5 years of
// regular-session minute bars (1,260 days × 390 ≈ 24.6 M bars) read from CSV.gz files, all 61
// patterns, horizons 1, 5, 10, 20, 2 threads, statistics and files' data but no signals kept.
//   backtest_largest_job_s        wall time of run_backtest with progress reported, the mean of
//                                 two runs alternated with two without (floor ≤ 30 s)
//   backtest_largest_zcat_s       the same files only decompressed (gzread), the baseline
//   backtest_progress_overhead    with ÷ without the progress callback (floor < 1.03)
//   backtest_peak_rss_mib         the peak resident memory of the child process that ran them
//                                 (≤ 2 GiB)
// The files are made once into $TMPDIR/tickstock-bench-large-v1/ (about 1 GB, a few minutes) and
// reused by later runs. --smoke: 2 symbols × 5 days, made each time.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <zlib.h>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"

#include "bench.h"

namespace tickstock::bench {
namespace {

namespace fs = std::filesystem;

// Writes SYMBOL.1m.csv.gz with `days` weekdays of 390 minute bars from 2019-01-02.
void write_symbol(const fs::path& path, std::uint64_t seed, int days) {
  WalkDraws draws{std::mt19937_64(seed)};
  gzFile f = gzopen(path.c_str(), "wb1");
  if (f == nullptr) std::abort();
  gzbuffer(f, 1 << 20);
  gzputs(f, "ts,open,high,low,close,volume\n");
  double close = 50 + static_cast<double>(seed % 100);
  Date day{2019, 1, 2};
  char line[160];
  for (int d = 0; d < days; ++d) {
    while ((days_from_civil(day) + 4) % 7 >= 5) day = civil_from_days(days_from_civil(day) + 1);
    const Timestamp open = new_york_midnight(day) + 570 * kNanosPerMinute;
    for (int m = 0; m < 390; ++m) {
      Bar b;
      walk_prices(draws, close, b);
      const long long secs = (open + m * kNanosPerMinute) / 1'000'000'000;
      const int n = std::snprintf(line, sizeof line, "%lld,%.2f,%.2f,%.2f,%.2f,%.0f\n", secs,
                                  b.open, b.high, b.low, b.close, b.volume);
      gzwrite(f, line, static_cast<unsigned>(n));
    }
    day = civil_from_days(days_from_civil(day) + 1);
  }
  if (gzclose(f) != Z_OK) std::abort();
}

// The files, made unless a complete set is there already.
fs::path files(bool smoke, int symbols, int days) {
  const fs::path dir = smoke ? fs::temp_directory_path() / "tickstock-bench-large-smoke"
                             : fs::temp_directory_path() / "tickstock-bench-large-v1";
  const fs::path done = dir / "complete";
  if (!smoke && fs::exists(done)) return dir;
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int s = 0; s < symbols; ++s)
    write_symbol(dir / ("L" + std::to_string(s) + ".1m.csv.gz"),
                 1000 + static_cast<std::uint64_t>(s), days);
  std::ofstream(done) << "ok\n";
  return dir;
}

// Seconds to decompress every file (the floor any CSV.gz reader stands on).
double zcat(const fs::path& dir) {
  std::vector<char> buf(1 << 20);
  return time_once([&] {
    std::uint64_t bytes = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".gz") continue;
      gzFile f = gzopen(e.path().c_str(), "rb");
      for (int n; (n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()))) > 0;)
        bytes += static_cast<std::uint64_t>(n);
      gzclose(f);
    }
    if (bytes == 0) std::abort();
  });
}

}  // namespace

void bench_backtest_large(const Config& c) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) std::abort();
  if (child > 0) {
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::abort();
    return;
  }
  const int symbols = c.smoke ? 2 : 50, days = c.smoke ? 5 : 1260;
  const fs::path dir = files(c.smoke, symbols, days);
  BacktestOptions o;
  for (int s = 0; s < symbols; ++s) o.symbols.push_back("L" + std::to_string(s));
  o.start = new_york_midnight(Date{2019, 1, 2});
  o.end = new_york_midnight(Date{2023, 12, 30});
  o.timeframes = {Timeframe::M1};
  o.threads = 2;
  o.keep_signals = false;
  auto source = make_csv_bar_source(dir.string());
  if (!source) std::abort();
  auto plan = plan_backtest(o, **source);
  if (!plan || !plan->missing.empty()) std::abort();
  std::uint64_t updates = 0;
  auto run = [&](bool progress) {
    return time_once([&] {
      auto r = run_backtest(*plan, o, **source,
                            progress ? std::function<void(const BacktestRunProgress&)>(
                                           [&](const BacktestRunProgress&) { ++updates; })
                                     : std::function<void(const BacktestRunProgress&)>());
      if (!r || r->events == 0) std::abort();
    });
  };
  const double unzip = zcat(dir);
  // Alternated, so that neither side has the first run's cold memory to itself.
  double with = 0, without = 0;
  for (int i = 0; i < 2; ++i) {
    without += run(false) / 2;
    with += run(true) / 2;
  }
  rusage use{};
  getrusage(RUSAGE_SELF, &use);
  std::printf(
      "{\"name\":\"backtest_largest_job_s\",\"seconds\":%.2f,\"bars\":%llu,"
      "\"bars_per_s\":%.0f,\"progress_updates\":%llu}\n",
      with, static_cast<unsigned long long>(plan->bars_total),
      static_cast<double>(plan->bars_total) / with, static_cast<unsigned long long>(updates));
  std::printf("{\"name\":\"backtest_largest_zcat_s\",\"seconds\":%.2f,\"ratio\":%.2f}\n", unzip,
              with / unzip);
  std::printf("{\"name\":\"backtest_progress_overhead\",\"ratio\":%.3f}\n", with / without);
  std::printf("{\"name\":\"backtest_peak_rss_mib\",\"mib\":%.0f}\n",
              static_cast<double>(use.ru_maxrss) / 1024.0);
  std::fflush(stdout);
  std::_Exit(0);
}

}  // namespace tickstock::bench
