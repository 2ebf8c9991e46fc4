// Backtesting pattern signals on stored bars: which patterns worked, per symbol, timeframe,
// direction and horizon, with honest statistics (shared/design/backtesting.md §2–§4).
//
// Stored bars are replayed through the same streaming SeriesScanner that serve runs, warmed up
// on the bars before `start`; a detection at bar t is known at t's close. For each event and
// horizon h the forward return is r_h = d·(C[t+h]/P0 − 1) with P0 the next bar's open
// (default) or t's close; windows reaching past `end` or (intraday) out of t's trading session
// are censored. Cells (pattern × symbol or ALL × timeframe × direction × h) report n, hits, the
// Wilson interval, mean, median, std, MFE/MAE, excess over the all-bars baseline, the
// overlap-thinned n_eff with a Welch t test against the baseline, and a Benjamini–Hochberg q
// over every cell of the job with n_eff >= 30.
#ifndef TICKSTOCK_BACKTEST_H_
#define TICKSTOCK_BACKTEST_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tickstock/backtest_strategy.h"
#include "tickstock/result.h"
#include "tickstock/scanner.h"
#include "tickstock/types.h"

namespace tickstock {

// The price a signal's forward returns are measured from.
enum class EntryPrice : std::uint8_t { NextOpen, SignalClose };
// A hit is r > θ: θ = 0, or the round trip's cost 2·(commission + slippage).
enum class HitThreshold : std::uint8_t { Zero, Cost };

// What a backtest measures. Defaults as in the spec (§2).
struct BacktestOptions {
  std::vector<std::string> symbols;  // 1..50
  Timestamp start = 0, end = 0;      // bar starts, inclusive; ≤ 5 years apart
  std::vector<Timeframe> timeframes{Timeframe::D1, Timeframe::M1};
  std::vector<std::string> patterns;        // TA-Lib names, e.g. "CDLDOJI"; empty = all
  ScannerOptions scanner;                   // as serve's (--set)
  std::vector<int> horizons{1, 5, 10, 20};  // each 1..500, at most 8
  EntryPrice entry = EntryPrice::NextOpen;
  HitThreshold hit_threshold = HitThreshold::Zero;
  double commission = 0.001, slippage = 0.0005;  // fractions; θ of HitThreshold::Cost
  double min_confidence = 0;                     // events below are dropped
  bool session_bound = true;                     // intraday windows stay in one session
  int warmup_bars = 1000;                        // scanned before start, not reported
  int threads = 0;                               // 0 = all cores
  std::optional<StrategyOptions> strategy;       // trade the signals too (§5)
  bool keep_signals = true;  // fill BacktestReport::signals (events.csv); off saves memory
};

// Checks the options against the limits of §7.3; the error names the field.
Result<void> validate(const BacktestOptions& options);

// One series a backtest reads: `warmup_bars` bars before `start`, then every bar in [start, end].
struct SeriesRequest {
  std::string_view symbol;
  Timeframe timeframe = Timeframe::D1;
  Timestamp start = 0, end = 0;
  int warmup_bars = 0;
};

// Reads one series, oldest first. Bar::symbol may be left empty.
class BarCursor {
 public:
  virtual ~BarCursor() = default;
  // Fills `out` from the front; 0 at the end of the series.
  virtual Result<std::size_t> next_chunk(std::span<Bar> out) = 0;
};

// Where bars come from. Thread-safe across different series.
class BarSource {
 public:
  virtual ~BarSource() = default;
  // How many bars open(r) will deliver.
  virtual Result<std::size_t> count(const SeriesRequest& r) = 0;
  // A cursor over the bars of `r`.
  virtual Result<std::unique_ptr<BarCursor>> open(const SeriesRequest& r) = 0;
};

// The bars of one symbol, any timeframes, in any order.
struct SymbolBars {
  std::string symbol;
  std::vector<Bar> bars;
};
// A source over bars in memory (sorted by start per timeframe; a repeated start keeps the last).
std::unique_ptr<BarSource> make_vector_bar_source(std::vector<SymbolBars> series);
// Bars of a directory of NAME[.TF].csv[.gz] or of one CSV with a symbol column; 1m rolls up.
Result<std::unique_ptr<BarSource>> make_csv_bar_source(std::string path);

// What a backtest will read, in canonical order (symbol, then timeframe).
struct BacktestPlan {
  struct Series {
    std::string symbol;
    Timeframe timeframe = Timeframe::D1;
    std::uint64_t bars = 0;  // warm-up included
  };
  std::vector<Series> series;
  std::uint64_t bars_total = 0;
  std::vector<std::string> missing;   // symbols without a bar on any timeframe
  std::vector<std::string> warnings;  // e.g. "no 1m bars for MSFT in 2019-01-02..2023-12-29"
};
// Counts every series of `options` in `source`.
Result<BacktestPlan> plan_backtest(const BacktestOptions& options, BarSource& source);

// How far a run is.
struct BacktestRunProgress {
  std::uint64_t bars_done = 0, bars_total = 0;
  std::uint32_t series_done = 0, series_total = 0;
  std::string current_symbol;
  double elapsed_s = 0, eta_s = -1;  // -1 until 1 % is done
};

// A direction as reported: the doji family (no sign) is reported as `neutral` with d = +1.
enum class SignalSide : std::uint8_t { Bullish, Bearish, Neutral };
// "bullish", "bearish", "neutral".
std::string_view signal_side_name(SignalSide s);

// One cell's statistics (§4.2–§4.5). NaN where undefined (reported as null).
struct StatCell {
  PatternId pattern = PatternId::TwoCrows;
  std::string symbol;  // or "ALL"
  Timeframe timeframe = Timeframe::D1;
  SignalSide side = SignalSide::Bullish;
  int horizon = 1;
  std::uint64_t events = 0;    // detections at or after start, before validity
  std::uint64_t censored = 0;  // windows past end or out of the session
  std::uint64_t n = 0, hits = 0;
  double hit_rate = 0, hit_lo = 0, hit_hi = 0;  // Wilson 95 %
  double mean = 0, median = 0, std = 0, mfe = 0, mae = 0;
  double baseline_mean = 0, baseline_std = 0, baseline_p0 = 0;  // in the cell's direction
  std::uint64_t baseline_n = 0;
  double excess = 0;  // mean − baseline_mean
  std::uint64_t n_eff = 0, hits_eff = 0;
  double mean_eff = 0, std_eff = 0;
  double welch_t = 0, welch_df = 0, p = 0, q = 0;  // q: NaN when n_eff < 30
  double naive_t = 0, p_hit = 0;
  std::uint32_t symbols_positive = 0, symbols_total = 0;  // ALL cells only
  bool significant = false;                               // q ≤ 0.10
};

// Why a window has no return: it reaches past the bars read (end, or the end of the data), or
// (intraday, session_bound) out of the signal bar's trading session.
enum class Censor : std::uint8_t { None, PastEnd, Session };
// "", "past_end", "session".
std::string_view censor_name(Censor c);

// One detection with its forward returns (events.csv), NaN where censored.
struct SignalEvent {
  std::string symbol;
  Timeframe timeframe = Timeframe::D1;
  Timestamp bar_start = 0;
  PatternId pattern = PatternId::TwoCrows;
  SignalSide side = SignalSide::Bullish;
  int output = 0;
  double confidence = 0;
  double entry = 0;             // P0, NaN when there is no next bar
  std::vector<double> returns;  // one per horizon
  std::vector<Censor> censor;   // one per horizon
};

// Confidence bins of the calibration (§4.9): [0, 0.2), [0.2, 0.4), ..., [0.8, 1].
inline constexpr int kCalibrationBins = 5;
// One bin: the events of `pattern` (every pattern when nullopt) on `timeframe` whose confidence
// falls in bin `bin`, and how their windows at the calibration horizon went. NaN when n == 0.
struct CalibrationBin {
  std::optional<PatternId> pattern;
  Timeframe timeframe = Timeframe::D1;
  int bin = 0;
  std::uint64_t n = 0, hits = 0;  // valid windows; r > θ
  double mean_confidence = 0, hit_rate = 0;
  double brier = 0;  // (1/n)·Σ(c − 1[r > θ])²
};

// The outcome of run_backtest.
struct BacktestReport {
  enum class Status : std::uint8_t { Done, Cancelled } status = Status::Done;
  // One series as read.
  struct SeriesRead {
    std::string symbol;
    Timeframe timeframe = Timeframe::D1;
    std::uint64_t bars = 0, warmup = 0;  // bars read; of them before start
    Timestamp first = 0, last = 0;       // the first and last bar at or after start
  };
  BacktestOptions options;
  std::uint64_t bars_read = 0, events = 0, censored = 0;
  std::uint64_t tests = 0;  // m of Benjamini–Hochberg: cells with n_eff >= 30
  // sha256 (hex) over the sha256 digests of the series in canonical order, each over its bars'
  // start (int64) and open, high, low, close, volume (doubles), little-endian.
  std::string fingerprint;
  std::vector<SeriesRead> series;  // canonical order
  std::vector<StatCell> stats;     // canonical order: pattern, symbol (ALL last), tf, side, h
  // The calibration at horizon `calibration_horizon` (5 when among the horizons, else the
  // first): every bin of each pattern with a valid window, then of all patterns, per timeframe
  // in options order.
  int calibration_horizon = 0;
  std::vector<CalibrationBin> calibration;
  std::vector<SignalEvent> signals;  // with keep_signals; order: symbol, timeframe, bar, pattern
  std::vector<std::string> warnings;
  std::optional<StrategyReport> strategy;  // when options.strategy
  double wall_s = 0;                       // never in results_json
};

// Runs the plan on `options.threads` threads. `on_progress` runs on one thread, at most 4 times
// a second plus at 0 and at the end; `cancel` is read at least every 65,536 bars.
Result<BacktestReport> run_backtest(
    const BacktestPlan& plan, const BacktestOptions& options, BarSource& source,
    const std::function<void(const BacktestRunProgress&)>& on_progress = {},
    const std::atomic<bool>* cancel = nullptr);

// The library's version ("0.1.0") and the git commit it was built from ("unknown" outside git).
std::string_view engine_version();
std::string_view engine_commit();

// The report as JSON, byte-identical for the same bars and options (no times, no threads); keys
// sorted.
std::string results_json(const BacktestReport& report);
// Writes stats.csv (and events.csv when `events`; trades.csv, equity.csv and equity_daily.csv
// with a strategy) into `dir`, created if missing.
Result<void> write_backtest_csv(const BacktestReport& report, const std::string& dir,
                                bool events = true);

}  // namespace tickstock

#endif  // TICKSTOCK_BACKTEST_H_
