// run_backtest against a recomputation written here: the detections come from a SeriesScanner
// run directly (the engine the backtest must replay unchanged), and every statistic is redone
// with naive loops over them. Also determinism across thread counts, causality, censoring and
// the limits' errors. On real daily bars when TICKSTOCK_DATA_DIR is set.
#include "tickstock/backtest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/csv_reader.h"

#include "support/split_mix64.h"

using namespace tickstock;

namespace {

constexpr Timestamp kDay = 24 * kNanosPerHour;

using tickstock::test::SplitMix64;

// A random walk of daily candles, with bodies and shadows of every size so patterns fire.
std::vector<Bar> random_days(std::uint64_t seed, int n, Timestamp first) {
  SplitMix64 rng{seed};
  std::vector<Bar> bars;
  double close = 100;
  for (int i = 0; i < n; ++i) {
    Bar b;
    b.timeframe = Timeframe::D1;
    b.start = first + i * kDay;
    b.open = close * (1 + (rng.uniform() - 0.5) * 0.02);
    b.close = b.open * (1 + (rng.uniform() - 0.5) * 0.04);
    b.high = std::max(b.open, b.close) * (1 + rng.uniform() * 0.015);
    b.low = std::min(b.open, b.close) * (1 - rng.uniform() * 0.015);
    b.volume = 1000 + static_cast<Volume>(rng.uniform() * 9000);
    b.vwap = b.close;
    close = b.close;
    bars.push_back(b);
  }
  return bars;
}

using CellKey = std::tuple<PatternId, std::string, SignalSide, int>;

// The naive side: detections, returns and statistics, recomputed with loops.
struct Naive {
  std::map<CellKey, std::vector<double>> returns;  // valid, in bar order
  std::map<CellKey, std::vector<long>> bars;       // their bar indices
  std::map<std::pair<std::string, int>, std::vector<double>> baseline;
};

Naive recompute(const std::map<std::string, std::vector<Bar>>& data, const BacktestOptions& o) {
  Naive out;
  for (const std::string& sym : o.symbols) {
    const auto it = data.find(sym);
    if (it == data.end()) continue;
    std::vector<Bar> bars;
    for (const Bar& b : it->second) {
      if (b.start <= o.end) bars.push_back(b);
    }
    long first = 0;
    while (first < static_cast<long>(bars.size()) && bars[first].start < o.start) ++first;
    const long warm = std::min<long>(first, o.warmup_bars);
    bars.erase(bars.begin(), bars.begin() + (first - warm));
    first = warm;
    struct Collect : ScanSink {
      std::vector<PatternEvent> events;
      void on_pattern(const PatternEvent& e) override { events.push_back(e); }
    } sink;
    SeriesScanner scanner(o.scanner);
    const long n = static_cast<long>(bars.size());
    for (long t = 0; t < n; ++t) {
      sink.events.clear();
      scanner.update(bars[t], &sink);
      if (t < first) continue;
      for (const PatternEvent& e : sink.events) {
        const SignalSide side = e.direction == PatternDirection::Neutral ? SignalSide::Neutral
                                : e.output < 0                           ? SignalSide::Bearish
                                                                         : SignalSide::Bullish;
        const double d = side == SignalSide::Bearish ? -1 : 1;
        for (const int h : o.horizons) {
          if (t + h >= n) continue;
          const double r = d * (bars[t + h].close / bars[t + 1].open - 1);
          out.returns[{e.pattern, sym, side, h}].push_back(r);
          out.bars[{e.pattern, sym, side, h}].push_back(t);
        }
      }
    }
    for (const int h : o.horizons) {
      for (long u = first; u + h < n; ++u) {
        out.baseline[{sym, h}].push_back(bars[u + h].close / bars[u + 1].open - 1);
      }
    }
  }
  return out;
}

double naive_mean(const std::vector<double>& v) {
  double s = 0;
  for (const double x : v) s += x;
  return s / static_cast<double>(v.size());
}
double naive_std(const std::vector<double>& v) {
  const double m = naive_mean(v);
  double s = 0;
  for (const double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}
double naive_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
bool close_rel(double a, double b, double tol) {
  return std::abs(a - b) <= tol * std::max({1e-300, std::abs(a), std::abs(b)});
}

// Compares every per-symbol and ALL cell of `r` with the naive recomputation.
void check_against_naive(const BacktestReport& r, const Naive& nv) {
  std::size_t checked = 0;
  for (const StatCell& c : r.stats) {
    INFO(pattern_info(c.pattern).talib_name << " " << c.symbol << " " << signal_side_name(c.side)
                                            << " h=" << c.horizon);
    std::vector<double> ret, base;
    std::size_t eff = 0;
    for (const auto& [key, v] : nv.returns) {
      const auto& [p, sym, side, h] = key;
      if (p != c.pattern || side != c.side || h != c.horizon) continue;
      if (c.symbol != "ALL" && sym != c.symbol) continue;
      ret.insert(ret.end(), v.begin(), v.end());
      long last = -1'000'000;
      for (const long t : nv.bars.at(key)) {
        if (t - last >= h) {
          ++eff;
          last = t;
        }
      }
    }
    for (const auto& [key, v] : nv.baseline) {
      if (key.second == c.horizon && (c.symbol == "ALL" || key.first == c.symbol))
        base.insert(base.end(), v.begin(), v.end());
    }
    REQUIRE(c.n == ret.size());
    CHECK(c.n_eff == eff);
    const double d = c.side == SignalSide::Bearish ? -1 : 1;
    CHECK(close_rel(c.baseline_mean, d * naive_mean(base), 1e-12));
    CHECK(close_rel(c.baseline_std, naive_std(base), 1e-12));
    if (ret.empty()) continue;
    CHECK(c.hits == static_cast<std::uint64_t>(
                        std::count_if(ret.begin(), ret.end(), [](double x) { return x > 0; })));
    CHECK(c.median == naive_median(ret));
    CHECK(close_rel(c.mean, naive_mean(ret), 1e-12));
    if (ret.size() > 1) CHECK(close_rel(c.std, naive_std(ret), 1e-12));
    CHECK(close_rel(c.excess, c.mean - d * naive_mean(base), 1e-12));
    ++checked;
  }
  CHECK(checked > 100);
  // Benjamini–Hochberg over the cells with n_eff >= 30, the quadratic definition.
  std::vector<std::size_t> tested;
  for (std::size_t i = 0; i < r.stats.size(); ++i) {
    if (r.stats[i].n_eff >= 30) tested.push_back(i);
  }
  CHECK(r.tests == tested.size());
  for (const std::size_t i : tested) {
    std::vector<double> ps;
    for (const std::size_t j : tested) ps.push_back(r.stats[j].p);
    std::sort(ps.begin(), ps.end());
    const double m = static_cast<double>(ps.size());
    const std::size_t rank =
        static_cast<std::size_t>(std::upper_bound(ps.begin(), ps.end(), r.stats[i].p) - ps.begin());
    double q = 1;
    for (std::size_t k = rank; k <= ps.size(); ++k)
      q = std::min(q, m * ps[k - 1] / static_cast<double>(k));
    CHECK(close_rel(r.stats[i].q, q, 1e-12));
    CHECK(r.stats[i].significant == (r.stats[i].q <= 0.10));
  }
}

struct Job {
  std::map<std::string, std::vector<Bar>> data;
  BacktestOptions options;
  std::unique_ptr<BarSource> source() const {
    std::vector<SymbolBars> all;
    for (const auto& [sym, bars] : data) all.push_back({sym, bars});
    return make_vector_bar_source(std::move(all));
  }
  BacktestReport run(int threads = 1) const {
    BacktestOptions o = options;
    o.threads = threads;
    auto src = source();
    auto plan = plan_backtest(o, *src);
    REQUIRE(plan);
    auto r = run_backtest(*plan, o, *src);
    REQUIRE(r);
    return std::move(*r);
  }
};

Job synthetic_job() {
  Job job;
  const Timestamp first = 1'600'000'000LL * 1'000'000'000LL;
  job.data["AAA"] = random_days(1, 900, first);
  job.data["BBB"] = random_days(2, 900, first);
  job.data["CCC"] = random_days(3, 700, first + 100 * kDay);
  job.options.symbols = {"AAA", "BBB", "CCC"};
  job.options.timeframes = {Timeframe::D1};
  job.options.start = first + 300 * kDay;
  job.options.end = first + 850 * kDay;
  job.options.warmup_bars = 200;
  return job;
}

// The calibration (§4.9) recomputed from the report's signals: per (pattern or ALL,
// timeframe, bin) the valid windows at the calibration horizon, their hits, mean confidence
// and Brier score; each pattern with a valid window lists its 5 bins, ALL always.
void check_calibration(const BacktestReport& r) {
  const auto k = static_cast<std::size_t>(
      std::find(r.options.horizons.begin(), r.options.horizons.end(), r.calibration_horizon) -
      r.options.horizons.begin());
  REQUIRE(k < r.options.horizons.size());
  CHECK(r.calibration_horizon == 5);
  const double theta = r.options.hit_threshold == HitThreshold::Zero
                           ? 0
                           : 2 * (r.options.commission + r.options.slippage);
  struct Sums {
    std::uint64_t n = 0, hits = 0;
    double c = 0, sq = 0;
  };
  std::map<std::tuple<int, Timeframe, int>, Sums> naive;  // pattern (-1: ALL), tf, bin
  for (const SignalEvent& e : r.signals) {
    if (e.censor[k] != Censor::None) continue;
    const int bin = e.confidence >= 0.8   ? 4
                    : e.confidence >= 0.6 ? 3
                    : e.confidence >= 0.4 ? 2
                    : e.confidence >= 0.2 ? 1
                                          : 0;
    const double hit = e.returns[k] > theta ? 1 : 0;
    for (const int p : {static_cast<int>(e.pattern), -1}) {
      Sums& s = naive[{p, e.timeframe, bin}];
      ++s.n;
      s.hits += hit > 0 ? 1 : 0;
      s.c += e.confidence;
      s.sq += (e.confidence - hit) * (e.confidence - hit);
    }
  }
  std::size_t with_events = 0;
  for (const CalibrationBin& b : r.calibration) {
    const int p = b.pattern ? static_cast<int>(*b.pattern) : -1;
    const Sums s = naive.count({p, b.timeframe, b.bin}) ? naive[{p, b.timeframe, b.bin}] : Sums{};
    INFO((b.pattern ? pattern_info(*b.pattern).talib_name : "ALL") << " bin " << b.bin);
    CHECK(b.n == s.n);
    CHECK(b.hits == s.hits);
    if (s.n == 0) {
      CHECK(std::isnan(b.hit_rate));
      CHECK(std::isnan(b.brier));
      continue;
    }
    ++with_events;
    const double n = static_cast<double>(s.n);
    CHECK(b.hit_rate == static_cast<double>(s.hits) / n);
    CHECK_THAT(b.mean_confidence, Catch::WithinRel(s.c / n, 1e-12));
    CHECK_THAT(b.brier, Catch::WithinRel(s.sq / n, 1e-12) || Catch::WithinAbs(0, 1e-15));
  }
  // Every naive bin is listed, and nothing else: 5 rows per listed pattern and ALL.
  CHECK(with_events == naive.size());
  CHECK(r.calibration.size() % kCalibrationBins == 0);
  REQUIRE(!naive.empty());
}

}  // namespace

TEST_CASE("backtest: every statistic equals a naive recomputation on synthetic days",
          "[backtest]") {
  const Job job = synthetic_job();
  const BacktestReport r = job.run();
  CHECK(r.status == BacktestReport::Status::Done);
  CHECK(r.bars_read == 751 + 751 + 700);  // days 100..850 of AAA and BBB, 100..799 of CCC
  check_against_naive(r, recompute(job.data, job.options));
  check_calibration(r);
}

TEST_CASE("backtest: the report is byte-identical with 1 and 2 threads", "[backtest]") {
  const Job job = synthetic_job();
  const std::string one = results_json(job.run(1));
  CHECK(one == results_json(job.run(2)));
  CHECK(one == results_json(job.run(1)));
  CHECK(one.find("\"fingerprint\"") != std::string::npos);
}

TEST_CASE("backtest: without the signals kept, the statistics are the same bytes", "[backtest]") {
  Job job = synthetic_job();
  const BacktestReport kept = job.run(2);
  job.options.keep_signals = false;
  const BacktestReport dropped = job.run(2);
  REQUIRE(!kept.signals.empty());
  CHECK(kept.signals.size() == kept.events);
  CHECK(dropped.signals.empty());
  CHECK(dropped.events == kept.events);
  CHECK(dropped.censored == kept.censored);
  CHECK(results_json(dropped) == results_json(kept));
}

TEST_CASE("backtest: bars after t change nothing measured by t (causality)", "[backtest]") {
  Job job = synthetic_job();
  const BacktestReport full = job.run();
  SplitMix64 rng{7};
  std::size_t compared = 0;
  for (int round = 0; round < 3; ++round) {
    const Timestamp cut = job.options.start + static_cast<Timestamp>(rng.uniform() * 500) * kDay;
    Job cut_job = job;
    for (auto& [sym, bars] : cut_job.data) {
      std::erase_if(bars, [&](const Bar& b) { return b.start > cut; });
    }
    const BacktestReport part = cut_job.run();
    // Every signal of the cut run is a signal of the full run, with the same returns where the
    // window ended by the cut.
    std::map<std::tuple<std::string, Timestamp, PatternId>, const SignalEvent*> by_key;
    for (const SignalEvent& e : full.signals) by_key[{e.symbol, e.bar_start, e.pattern}] = &e;
    for (const SignalEvent& e : part.signals) {
      const auto it = by_key.find({e.symbol, e.bar_start, e.pattern});
      REQUIRE(it != by_key.end());
      CHECK(it->second->output == e.output);
      CHECK(it->second->confidence == e.confidence);
      for (std::size_t k = 0; k < e.returns.size(); ++k) {
        const Timestamp window_end = e.bar_start + job.options.horizons[k] * kDay;
        if (window_end > cut) {
          CHECK(std::isnan(e.returns[k]));  // censored: the bars are not there
        } else {
          CHECK(e.returns[k] == it->second->returns[k]);
          ++compared;
        }
      }
    }
  }
  CHECK(compared > 100);
}

TEST_CASE("backtest: intraday windows stay in their session, and past end they are censored",
          "[backtest]") {
  // Two regular sessions of minute bars: 2024-03-04 and 2024-03-05, 09:30-16:00 New York.
  std::vector<Bar> bars;
  SplitMix64 rng{11};
  double close = 50;
  for (int day = 0; day < 2; ++day) {
    const Timestamp open_ny =
        new_york_midnight({2024, 3, 4 + day}) + 9 * kNanosPerHour + 30 * kNanosPerMinute;
    for (int m = 0; m < 390; ++m) {
      Bar b;
      b.timeframe = Timeframe::M1;
      b.start = open_ny + m * kNanosPerMinute;
      b.open = close;
      b.close = close * (1 + (rng.uniform() - 0.5) * 0.004);
      b.high = std::max(b.open, b.close) * (1 + rng.uniform() * 0.002);
      b.low = std::min(b.open, b.close) * (1 - rng.uniform() * 0.002);
      b.volume = 100;
      close = b.close;
      bars.push_back(b);
    }
  }
  Job job;
  job.data["MIN"] = bars;
  job.options.symbols = {"MIN"};
  job.options.timeframes = {Timeframe::M1};
  job.options.horizons = {5, 20};
  job.options.start = bars[100].start;
  job.options.end = bars[700].start;
  const BacktestReport r = job.run();
  std::size_t crossing = 0, past_end = 0;
  for (const SignalEvent& e : r.signals) {
    const auto t = static_cast<std::size_t>(
        std::find_if(bars.begin(), bars.end(),
                     [&](const Bar& b) { return b.start == e.bar_start; }) -
        bars.begin());
    for (std::size_t k = 0; k < 2; ++k) {
      const std::size_t last = t + static_cast<std::size_t>(job.options.horizons[k]);
      const bool out_of_session = t < 390 && last >= 390;
      const bool after_end = last > 700;
      if (out_of_session || after_end) {
        CHECK(std::isnan(e.returns[k]));
        CHECK(e.censor[k] == (after_end ? Censor::PastEnd : Censor::Session));
        crossing += out_of_session ? 1 : 0;
        past_end += after_end ? 1 : 0;
      } else {
        CHECK(e.censor[k] == Censor::None);
        const double d = e.side == SignalSide::Bearish ? -1 : 1;
        CHECK(e.returns[k] == Approx(d * (bars[last].close / bars[t + 1].open - 1)).epsilon(1e-12));
      }
    }
  }
  CHECK(crossing > 0);
  CHECK(past_end > 0);
  CHECK(r.censored == crossing + past_end);
}

TEST_CASE("backtest: options outside the limits are refused, naming the field", "[backtest]") {
  BacktestOptions o;
  o.symbols = {"SPY"};
  o.start = 1'600'000'000LL * 1'000'000'000LL;
  o.end = o.start + 10 * kDay;
  CHECK(validate(o));
  auto refused = [](BacktestOptions bad, const std::string& field) {
    const auto v = validate(bad);
    REQUIRE_FALSE(v);
    CHECK(v.error().message.rfind(field, 0) == 0);
  };
  BacktestOptions bad = o;
  bad.symbols.clear();
  refused(bad, "symbols");
  bad = o;
  bad.symbols.assign(51, "X");
  refused(bad, "symbols");
  bad = o;
  bad.symbols = {"BAD SYMBOL"};
  refused(bad, "symbols");
  bad = o;
  bad.end = bad.start;
  refused(bad, "start");
  bad = o;
  bad.end = bad.start + 1827 * kDay;
  refused(bad, "end");
  bad = o;
  bad.horizons = {0};
  refused(bad, "horizons");
  bad.horizons = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  refused(bad, "horizons");
  bad = o;
  bad.patterns = {"CDLNOPE"};
  refused(bad, "patterns");
  bad = o;
  bad.min_confidence = 1.5;
  refused(bad, "min_confidence");
  bad = o;
  bad.commission = 0.05;
  refused(bad, "commission");
}

TEST_CASE("backtest: a symbol without bars is missing, a timeframe without bars a warning",
          "[backtest]") {
  Job job = synthetic_job();
  job.options.symbols = {"AAA", "ZZZ"};
  job.options.timeframes = {Timeframe::D1, Timeframe::H1};
  auto src = job.source();
  const auto plan = plan_backtest(job.options, *src);
  REQUIRE(plan);
  REQUIRE(plan->series.size() == 1);
  CHECK(plan->series[0].symbol == "AAA");
  CHECK(plan->missing == std::vector<std::string>{"ZZZ"});
  CHECK(plan->warnings.size() == 3);  // AAA 1h, ZZZ 1d, ZZZ 1h
}

TEST_CASE("backtest: statistics equal a naive recomputation on real daily bars",
          "[backtest][real]") {
  const char* dir = std::getenv("TICKSTOCK_DATA_DIR");
  if (dir == nullptr) {
    WARN("SKIPPED: set TICKSTOCK_DATA_DIR to run on real daily bars");
    return;
  }
  SymbolTable symbols;
  auto reader =
      BarCsvReader::open(std::string(dir) + "/daily/yahoo_sp500_daily_2012-2017.csv.gz", symbols);
  REQUIRE(reader);
  Job job;
  job.options.symbols = {"AAPL", "JPM", "XOM"};
  Bar bar;
  Error error;
  for (;;) {
    const ReadStatus s = (*reader)->next(bar, error);
    if (s == ReadStatus::Eof) break;
    REQUIRE(s == ReadStatus::Ok);
    const std::string name(bar.symbol.name());
    if (name != "AAPL" && name != "JPM" && name != "XOM") continue;
    bar.timeframe = Timeframe::D1;
    job.data[name].push_back(bar);
  }
  REQUIRE(job.data.size() == 3);
  job.options.timeframes = {Timeframe::D1};
  job.options.start = *parse_timestamp("2013-06-03");
  job.options.end = *parse_timestamp("2017-06-30");
  job.options.warmup_bars = 100;
  const BacktestReport r = job.run(2);
  check_against_naive(r, recompute(job.data, job.options));
  check_calibration(r);
  WARN("real daily: " << r.bars_read << " bars, " << r.events << " events, " << r.stats.size()
                      << " cells, " << r.tests << " with n_eff >= 30");
}
