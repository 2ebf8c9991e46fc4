// validate, plan_backtest and run_backtest: the series run on worker threads, largest first;
// their outcomes are merged in canonical order, so the report does not depend on the threads.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <thread>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"

#include "backtest/calibration.h"
#include "backtest/cell_builder.h"
#include "backtest/series_replay.h"
#include "backtest/sha256.h"
#include "backtest/strategy_sim.h"

namespace tickstock {
namespace {

constexpr std::size_t kMaxSymbols = 50;
constexpr std::size_t kMaxHorizons = 8;
constexpr int kMaxHorizon = 500;
constexpr Timestamp kMaxSpan = 1826 * 24 * kNanosPerHour;  // 5 years
constexpr auto kProgressEvery = std::chrono::milliseconds(250);

Result<void> validate_numbers(const BacktestOptions& o) {
  if (o.horizons.empty() || o.horizons.size() > kMaxHorizons) {
    return Error{"horizons: give 1 to 8 horizons, not " + std::to_string(o.horizons.size())};
  }
  for (const int h : o.horizons) {
    if (h < 1 || h > kMaxHorizon) {
      return Error{"horizons: each must be 1..500 bars, not " + std::to_string(h)};
    }
  }
  if (std::set<int>(o.horizons.begin(), o.horizons.end()).size() != o.horizons.size()) {
    return Error{"horizons: a horizon is given twice"};
  }
  if (!(o.min_confidence >= 0 && o.min_confidence <= 1)) {
    return Error{"min_confidence: must be 0..1"};
  }
  if (!(o.commission >= 0 && o.commission < 0.05)) return Error{"commission: must be 0..0.05"};
  if (!(o.slippage >= 0 && o.slippage < 0.05)) return Error{"slippage: must be 0..0.05"};
  if (o.warmup_bars < -1) return Error{"warmup_bars: must be -1 (all) or more"};
  if (o.threads < 0 || o.threads > 256) return Error{"threads: must be 0..256"};
  return {};
}

// The original application's limits on its strategy parameters, and a timeframe the job reads.
Result<void> validate_strategy(const BacktestOptions& o) {
  if (!o.strategy) return {};
  const StrategyOptions& s = *o.strategy;
  if (!(s.initial_capital >= 1000 && s.initial_capital <= 1e10)) {
    return Error{"initial_capital: must be 1000..10000000000"};
  }
  if (!(s.commission >= 0 && s.commission < 0.05)) return Error{"commission: must be 0..0.05"};
  if (!(s.slippage >= 0 && s.slippage < 0.05)) return Error{"slippage: must be 0..0.05"};
  if (!(s.max_position > 0 && s.max_position <= 1)) {
    return Error{"max_position: must be more than 0 and at most 1"};
  }
  if (!(s.stop_loss > 0 && s.stop_loss < 1)) return Error{"stop_loss: must be between 0 and 1"};
  if (!(s.take_profit > 0 && s.take_profit <= 10)) {
    return Error{"take_profit: must be more than 0 and at most 10"};
  }
  if (s.max_hold_bars < 1 || s.max_hold_bars > 10000) {
    return Error{"max_hold_bars: must be 1..10000"};
  }
  const Timeframe tf = backtest::strategy_timeframe(o);
  if (std::find(o.timeframes.begin(), o.timeframes.end(), tf) == o.timeframes.end()) {
    return Error{"strategy_timeframe: " + std::string(timeframe_name(tf)) +
                 " is not one of the timeframes"};
  }
  return {};
}

// The strategy's series: its timeframe's bars and signals, in canonical symbol order.
std::vector<backtest::StrategySeries> strategy_series(
    std::vector<Result<backtest::SeriesOutcome>>& outcomes, Timeframe tf) {
  std::vector<backtest::StrategySeries> out;
  for (auto& outcome : outcomes) {
    if (outcome->timeframe != tf) continue;
    backtest::StrategySeries s{outcome->symbol, std::move(outcome->strategy_bars), {}};
    for (const backtest::Detection& d : outcome->detections) {
      s.signals.push_back(
          {static_cast<std::size_t>(d.bar) - outcome->first, d.pattern, d.side, d.confidence});
    }
    out.push_back(std::move(s));
  }
  return out;
}

// The detections of `o` with their windows, for events.csv.
void add_signals(const backtest::SeriesOutcome& o, std::size_t horizons,
                 std::vector<SignalEvent>& out) {
  const backtest::SeriesWindows& w = o.windows;
  for (std::size_t i = 0; i < o.detections.size(); ++i) {
    const backtest::Detection& d = o.detections[i];
    const auto row = static_cast<std::ptrdiff_t>(i * horizons);
    const auto end = row + static_cast<std::ptrdiff_t>(horizons);
    out.push_back({o.symbol, o.timeframe, o.detection_starts[i], d.pattern, d.side, d.output,
                   d.confidence, w.entry[i],
                   std::vector<double>(w.returns.begin() + row, w.returns.begin() + end),
                   std::vector<Censor>(w.censor.begin() + row, w.censor.begin() + end)});
  }
}

// Reads 1-minute bars from `source` for Intrabar::LowerTimeframe.
backtest::MinuteBars minute_reader(BarSource& source) {
  return [&source](const std::string& symbol, Timestamp from,
                   Timestamp to) -> Result<std::vector<Bar>> {
    auto cursor = source.open({symbol, Timeframe::M1, from, to, 0});
    if (!cursor) return cursor.error();
    std::vector<Bar> out, chunk(1024);
    for (;;) {
      auto n = (*cursor)->next_chunk(chunk);
      if (!n) return n.error();
      if (*n == 0) return out;
      for (std::size_t i = 0; i < *n; ++i) {
        if (chunk[i].start >= from && chunk[i].start <= to) out.push_back(chunk[i]);
      }
    }
  };
}

Result<void> validate_lists(const BacktestOptions& o) {
  if (o.symbols.empty() || o.symbols.size() > kMaxSymbols) {
    return Error{"symbols: give 1 to 50 symbols, not " + std::to_string(o.symbols.size())};
  }
  for (const std::string& s : o.symbols) {
    if (auto ok = check_symbol("symbols", s); !ok) return Error{"symbols: " + ok.error().message};
  }
  if (std::set<std::string>(o.symbols.begin(), o.symbols.end()).size() != o.symbols.size()) {
    return Error{"symbols: a symbol is given twice"};
  }
  if (o.timeframes.empty()) return Error{"timeframes: give at least one"};
  if (std::set<Timeframe>(o.timeframes.begin(), o.timeframes.end()).size() != o.timeframes.size()) {
    return Error{"timeframes: a timeframe is given twice"};
  }
  for (const std::string& p : o.patterns) {
    if (!find_pattern(p)) return Error{"patterns: unknown pattern '" + p + "'"};
  }
  return {};
}

std::bitset<kPatternCount> selected_patterns(const BacktestOptions& o) {
  std::bitset<kPatternCount> out;
  if (o.patterns.empty()) out.set();
  for (const std::string& p : o.patterns) out.set(static_cast<std::size_t>(*find_pattern(p)));
  return out & o.scanner.patterns;
}

std::string range_text(const BacktestOptions& o) {
  return format_date(new_york_date(o.start)) + ".." + format_date(new_york_date(o.end));
}

// Runs the series of `plan` on `threads` workers, largest first; outcomes by plan index.
class SeriesPool {
 public:
  SeriesPool(const BacktestPlan& plan, const BacktestOptions& o, BarSource& source,
             const std::atomic<bool>* cancel)
      : plan_(plan),
        options_(o),
        source_(source),
        cancel_(cancel),
        patterns_(selected_patterns(o)),
        outcomes_(plan.series.size(), Error{"not run"}),
        order_(plan.series.size()) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return plan.series[a].bars > plan.series[b].bars;
    });
  }

  void start(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  // Waits for the workers, calling `tick` at most every 250 ms meanwhile.
  void wait(const std::function<void()>& tick) {
    std::unique_lock lock(mu_);
    while (finished_ < workers_.size()) {
      cv_.wait_for(lock, kProgressEvery);
      lock.unlock();
      if (tick) tick();
      lock.lock();
    }
    lock.unlock();
    for (std::thread& t : workers_) t.join();
  }
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint32_t> series_done{0};
  std::vector<Result<backtest::SeriesOutcome>>& outcomes() { return outcomes_; }
  std::string current() {
    std::lock_guard lock(mu_);
    return current_;
  }

 private:
  void work() {
    backtest::ReplayBuffers buffers;  // this worker's, reused from series to series
    for (;;) {
      const std::size_t n = next_.fetch_add(1);
      if (n >= order_.size()) break;
      const std::size_t i = order_[n];
      const auto& s = plan_.series[i];
      {
        std::lock_guard lock(mu_);
        current_ = s.symbol;
      }
      if (auto read = backtest::read_series(s, options_, source_, buffers); !read) {
        outcomes_[i] = read.error();
      } else {
        outcomes_[i] = backtest::replay_series(s, options_, patterns_, done, cancel_, buffers);
      }
      ++series_done;
    }
    std::lock_guard lock(mu_);
    ++finished_;
    cv_.notify_all();
  }

  const BacktestPlan& plan_;
  const BacktestOptions& options_;
  BarSource& source_;
  const std::atomic<bool>* cancel_;
  const std::bitset<kPatternCount> patterns_;
  std::vector<Result<backtest::SeriesOutcome>> outcomes_;
  std::vector<std::size_t> order_;
  std::atomic<std::size_t> next_{0};
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t finished_ = 0;
  std::string current_;
};

int thread_count(const BacktestOptions& o, std::size_t series) {
  const int hw = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int want = o.threads > 0 ? o.threads : hw;
  return std::max(1, std::min<int>(want, static_cast<int>(std::max<std::size_t>(series, 1))));
}

}  // namespace

std::string_view signal_side_name(SignalSide s) {
  switch (s) {
    case SignalSide::Bullish:
      return "bullish";
    case SignalSide::Bearish:
      return "bearish";
    case SignalSide::Neutral:
      return "neutral";
  }
  return "bullish";
}

std::string_view censor_name(Censor c) {
  switch (c) {
    case Censor::None:
      return "";
    case Censor::PastEnd:
      return "past_end";
    case Censor::Session:
      return "session";
  }
  return "";
}

Result<void> validate(const BacktestOptions& o) {
  if (auto ok = validate_lists(o); !ok) return ok;
  if (o.start >= o.end) return Error{"start: must be before end"};
  if (o.end - o.start > kMaxSpan) return Error{"end: at most 5 years (1826 days) after start"};
  if (auto ok = o.scanner.validate(); !ok) return Error{"scanner: " + ok.error().message};
  if (auto ok = validate_numbers(o); !ok) return ok;
  return validate_strategy(o);
}

Result<BacktestPlan> plan_backtest(const BacktestOptions& o, BarSource& source) {
  if (auto ok = validate(o); !ok) return ok.error();
  BacktestPlan plan;
  for (const std::string& symbol : o.symbols) {
    bool any = false;
    for (const Timeframe tf : o.timeframes) {
      auto n = source.count({symbol, tf, o.start, o.end, o.warmup_bars});
      if (!n)
        return Error{symbol + " " + std::string(timeframe_name(tf)) + ": " + n.error().message};
      if (*n == 0) {
        plan.warnings.push_back("no " + std::string(timeframe_name(tf)) + " bars for " + symbol +
                                " in " + range_text(o));
        continue;
      }
      any = true;
      plan.series.push_back({symbol, tf, *n});
      plan.bars_total += *n;
    }
    if (!any) plan.missing.push_back(symbol);
  }
  return plan;
}

Result<BacktestReport> run_backtest(
    const BacktestPlan& plan, const BacktestOptions& options, BarSource& source,
    const std::function<void(const BacktestRunProgress&)>& on_progress,
    const std::atomic<bool>* cancel) {
  if (auto ok = validate(options); !ok) return ok.error();
  const auto t0 = std::chrono::steady_clock::now();
  SeriesPool pool(plan, options, source, cancel);
  BacktestRunProgress progress;
  progress.bars_total = plan.bars_total;
  progress.series_total = static_cast<std::uint32_t>(plan.series.size());
  auto report_progress = [&] {
    if (!on_progress) return;
    progress.bars_done = std::min(pool.done.load(), plan.bars_total);
    progress.series_done = pool.series_done.load();
    progress.current_symbol = pool.current();
    progress.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double share = plan.bars_total > 0 ? static_cast<double>(progress.bars_done) /
                                                   static_cast<double>(plan.bars_total)
                                             : 0;
    progress.eta_s = share >= 0.01 ? progress.elapsed_s * (1 - share) / share : -1;
    on_progress(progress);
  };
  report_progress();
  pool.start(thread_count(options, plan.series.size()));
  pool.wait(report_progress);

  BacktestReport report;
  report.options = options;
  report.warnings = plan.warnings;
  for (const std::string& m : plan.missing) report.warnings.push_back("no bars for " + m);
  backtest::CellBuilder cells(options);
  backtest::Sha256 fingerprint;
  std::vector<std::vector<backtest::CalibrationSums>> calibration(kTimeframeCount);
  for (auto& outcome : pool.outcomes()) {
    if (!outcome) return outcome.error();
    if (outcome->cancelled) report.status = BacktestReport::Status::Cancelled;
  }
  if (report.status == BacktestReport::Status::Cancelled) return report;
  for (auto& outcome : pool.outcomes()) {
    backtest::SeriesOutcome& o = *outcome;
    report.bars_read += o.bars;
    fingerprint.update(o.digest.data(), o.digest.size());
    report.series.push_back({o.symbol, o.timeframe, o.bars, o.first, o.first_bar, o.last_bar});
    cells.add(o);
    for (const backtest::PoolPart& part : o.parts) report.censored += part.censored;
    report.events += o.events;
    backtest::merge_calibration(calibration[static_cast<std::size_t>(o.timeframe)], o.calibration);
    if (options.keep_signals) add_signals(o, options.horizons.size(), report.signals);
  }
  report.fingerprint = fingerprint.hex();
  report.stats = cells.finish(report.tests, thread_count(options, 256));
  report.calibration_horizon = options.horizons[backtest::calibration_horizon_index(options)];
  for (const Timeframe tf : options.timeframes) {
    backtest::calibration_rows(calibration[static_cast<std::size_t>(tf)], tf, report.calibration);
  }
  if (options.strategy) {
    const Timeframe tf = backtest::strategy_timeframe(options);
    auto sim =
        backtest::simulate_strategy(*options.strategy, tf, options.start, options.end,
                                    strategy_series(pool.outcomes(), tf), minute_reader(source));
    if (!sim) return Error{"strategy: " + sim.error().message};
    report.strategy = std::move(*sim);
  }
  report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report_progress();
  return report;
}

}  // namespace tickstock
