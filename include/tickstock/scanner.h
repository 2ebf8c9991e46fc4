// The pattern engine: per (symbol, timeframe), the 61 TA-Lib candlestick patterns and the
// indicators, updated in O(1) on every closed bar, and the events derived from them.
//
//   BarAggregator --bars--> Scanner --ScanResult / PatternEvent / AlertEvent--> ScanSink
//
// Confidence of a pattern event, in [0, 1] (see pattern_confidence()):
//   0.4·S + 0.2·B + 0.2·V + 0.2·T, where, with n = the pattern's candles and W = the up to 10
//   bars before its first candle,
//   S  strength from TA-Lib's output: |80| → 0.6, |100| → 0.8, |200| (confirmed) → 1.0;
//   B  candle size: x/(1+x), x = mean high−low of the n candles / mean high−low over W;
//   V  volume: y/(1+y), y = mean volume of the n candles / mean volume over W;
//   T  trend context: t = clamp((close before the pattern − close 5 bars earlier) /
//      (2·√5·mean high−low over W), −1, 1); with s = the sign of the output, T = (1 − s·t)/2
//      for reversal patterns (a prior move against the signal counts), (1 + s·t)/2 for
//      continuation patterns and |t| for indecision patterns.
//   A term whose history is missing (fewer than 3 bars in W, 5 more for T, or a zero
//   average) counts 0.5.
#ifndef TICKSTOCK_SCANNER_H_
#define TICKSTOCK_SCANNER_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tickstock/candle_settings.h"
#include "tickstock/patterns.h"
#include "tickstock/result.h"
#include "tickstock/sink.h"
#include "tickstock/types.h"

namespace tickstock {

// The indicator outputs a scan produces. The first 17 are the oracle's columns, with its names.
#define TICKSTOCK_INDICATOR_FIELDS(X) \
  X(Sma, "SMA")                       \
  X(Ema, "EMA")                       \
  X(Rsi, "RSI")                       \
  X(Macd, "MACD")                     \
  X(MacdSignal, "MACD_SIGNAL")        \
  X(MacdHist, "MACD_HIST")            \
  X(BbandsUpper, "BBANDS_UPPER")      \
  X(BbandsMiddle, "BBANDS_MIDDLE")    \
  X(BbandsLower, "BBANDS_LOWER")      \
  X(Atr, "ATR")                       \
  X(StochSlowK, "STOCH_SLOWK")        \
  X(StochSlowD, "STOCH_SLOWD")        \
  X(Adx, "ADX")                       \
  X(Obv, "OBV")                       \
  X(Willr, "WILLR")                   \
  X(Cci, "CCI")                       \
  X(Mfi, "MFI")                       \
  X(PlusDi, "PLUS_DI")                \
  X(MinusDi, "MINUS_DI")              \
  X(Vwap, "VWAP")                     \
  X(VwapUpper1, "VWAP_UPPER1")        \
  X(VwapLower1, "VWAP_LOWER1")        \
  X(VwapUpper2, "VWAP_UPPER2")        \
  X(VwapLower2, "VWAP_LOWER2")        \
  X(RelVolume, "RVOL")                \
  X(PivotP, "PIVOT_P")                \
  X(PivotR1, "PIVOT_R1")              \
  X(PivotR2, "PIVOT_R2")              \
  X(PivotR3, "PIVOT_R3")              \
  X(PivotS1, "PIVOT_S1")              \
  X(PivotS2, "PIVOT_S2")              \
  X(PivotS3, "PIVOT_S3")              \
  X(FibR1, "FIB_R1")                  \
  X(FibR2, "FIB_R2")                  \
  X(FibR3, "FIB_R3")                  \
  X(FibS1, "FIB_S1")                  \
  X(FibS2, "FIB_S2")                  \
  X(FibS3, "FIB_S3")

// One indicator output; the value is its index in ScanResult::values.
enum class Field : std::uint8_t {
#define TICKSTOCK_FIELD_ENUM(e, name) e,
  TICKSTOCK_INDICATOR_FIELDS(TICKSTOCK_FIELD_ENUM)
#undef TICKSTOCK_FIELD_ENUM
};
// Number of indicator outputs.
inline constexpr int kFieldCount = 0
#define TICKSTOCK_FIELD_COUNT(e, name) +1
    TICKSTOCK_INDICATOR_FIELDS(TICKSTOCK_FIELD_COUNT)
#undef TICKSTOCK_FIELD_COUNT
    ;
// Number of leading fields that are TA-Lib outputs (the oracle's columns, SMA..MFI).
inline constexpr int kTalibFieldCount = 17;
// The column name of a field, e.g. "MACD_SIGNAL".
std::string_view field_name(Field f);

// The indicators a scanner can run; each produces some fields.
enum class IndicatorId : std::uint8_t {
  Sma,        // SMA
  Ema,        // EMA
  Rsi,        // RSI
  Macd,       // MACD, MACD_SIGNAL, MACD_HIST
  Bbands,     // BBANDS_UPPER/MIDDLE/LOWER
  Atr,        // ATR
  Stoch,      // STOCH_SLOWK, STOCH_SLOWD
  Adx,        // ADX, PLUS_DI, MINUS_DI
  Obv,        // OBV
  Willr,      // WILLR
  Cci,        // CCI
  Mfi,        // MFI
  Vwap,       // VWAP and its ±1σ/±2σ bands (New York session)
  RelVolume,  // RVOL
  Pivots,     // PIVOT_* (standard) and FIB_* (Fibonacci) from the prior day
};
// Number of indicators.
inline constexpr int kIndicatorCount = 15;
// Number of leading indicators that are TA-Lib functions (SMA..MFI).
inline constexpr int kTalibIndicatorCount = 12;

// Periods and deviations; TA-Lib's defaults except BBANDS 20/2/2 (as the oracle passes).
struct IndicatorParams {
  int sma_period = 30;
  int ema_period = 30;
  int rsi_period = 14;
  int macd_fast = 12;
  int macd_slow = 26;
  int macd_signal = 9;
  int bbands_period = 20;
  double bbands_dev_up = 2.0;
  double bbands_dev_dn = 2.0;
  int atr_period = 14;
  int stoch_fast_k = 5;
  int stoch_slow_k = 3;
  int stoch_slow_d = 3;
  int adx_period = 14;
  int willr_period = 14;
  int cci_period = 14;
  int mfi_period = 14;
  int rvol_period = 20;
};

// Alert thresholds.
struct AlertOptions {
  double rsi_overbought = 70;   // RSI crossing above: overbought; back below: its exit
  double rsi_oversold = 30;     // RSI crossing below: oversold; back above: its exit
  bool macd_cross = true;       // MACD line crossing its signal line
  bool bollinger_break = true;  // close crossing outside a Bollinger band
};

// What a Scanner runs. Defaults: every pattern with TA-Lib's settings, every indicator.
// Confidence from history (`tickstockapp calibrate`, `serve --confidence-calibration`): per
// pattern, timeframe and event direction, the hit rate its signals had in a backtest, reported
// as the event's confidence instead of the formula above. Unset entries keep the formula.
class ConfidenceCalibration {
 public:
  ConfidenceCalibration();  // every entry unset
  // Sets the confidence of (id, tf, d) to `hit_rate` (clamped to [0, 1]). d: Bullish,
  // Bearish or Neutral (Both is not an event direction and is ignored).
  void set(PatternId id, Timeframe tf, PatternDirection d, double hit_rate);
  // The entry, NaN when unset.
  double get(PatternId id, Timeframe tf, PatternDirection d) const;
  // How many entries are set.
  std::size_t size() const;

 private:
  std::array<double, kPatternCount * kTimeframeCount * 3> rate_;
};
// Reads a calibration file: CSV with the header pattern,timeframe,direction,horizon,n,hit_rate
// (what `tickstockapp calibrate` writes; more columns are allowed). The error names file:line,
// the column and the value.
Result<ConfidenceCalibration> read_confidence_calibration(const std::string& path);

struct ScannerOptions {
  CandleSettings candles;                         // shared by all patterns of the engine
  std::array<double, kPatternCount> penetration;  // per pattern (TA-Lib defaults)
  std::bitset<kPatternCount> patterns;            // which patterns run (all)
  std::bitset<kIndicatorCount> indicators;        // which indicators run (all)
  IndicatorParams params;
  AlertOptions alerts;
  // Confidence from history instead of the formula (null: the formula everywhere).
  std::shared_ptr<const ConfidenceCalibration> calibration;

  ScannerOptions();
  // Checks every period, deviation, penetration, candle setting and threshold.
  Result<void> validate() const;
  // Applies one "NAME.param=value". Oracle names: SMA.optInTimePeriod, MACD.optInFastPeriod,
  // BBANDS.optInNbDevUp, STOCH.optInSlowK_Period, CDLMATHOLD.optInPenetration, ... (MA types
  // accept 0 only); plus RVOL.optInTimePeriod, ALERT.rsi_overbought, ALERT.rsi_oversold,
  // ALERT.macd_cross, ALERT.bollinger_break and CANDLE.<setting>.<avg_period|factor|range>
  // (settings: BodyLong, BodyVeryLong, BodyShort, BodyDoji, ShadowLong, ShadowVeryLong,
  // ShadowShort, ShadowVeryShort, Near, Far, Equal; ranges: RealBody, HighLow, Shadows).
  Result<void> set(std::string_view assignment);
};

// Everything computed for one bar of one series.
struct ScanResult {
  Bar bar;                                        // the bar scanned (revision > 0: replaced)
  std::int64_t index = 0;                         // bars in the series before this one
  std::array<std::int16_t, kPatternCount> cdl{};  // TA-Lib output per pattern (0 if none)
  std::uint64_t cdl_ready = 0;                    // bit i: pattern i has a value (past lookback)
  std::array<double, kFieldCount> values{};       // NaN where there is no value yet / not run

  // True when pattern `id` is past its lookback and enabled.
  bool has_cdl(PatternId id) const { return (cdl_ready >> static_cast<int>(id)) & 1u; }
  // The value of `f` (NaN when none).
  double value(Field f) const { return values[static_cast<std::size_t>(f)]; }
};

// A pattern found on a bar (or, with retracted, no longer found after the bar was revised).
struct PatternEvent {
  Symbol symbol;
  Timeframe timeframe = Timeframe::M1;
  Timestamp bar_start = 0;
  std::uint32_t revision = 0;  // of the bar
  PatternId pattern = PatternId::TwoCrows;
  int output = 0;                                       // TA-Lib's value (±80, ±100, ±200)
  PatternDirection direction = PatternDirection::Both;  // Bullish, Bearish or Neutral
  double confidence = 0;                                // [0, 1], see the header comment
  bool retracted = false;  // a revision of the bar removed this pattern (output is then 0)
};

// Kinds of indicator alert.
enum class AlertKind : std::uint8_t {
  RsiOverbought,        // RSI crossed above the overbought level
  RsiOverboughtExit,    // RSI crossed back below it
  RsiOversold,          // RSI crossed below the oversold level
  RsiOversoldExit,      // RSI crossed back above it
  MacdBullishCross,     // MACD crossed above its signal line
  MacdBearishCross,     // MACD crossed below its signal line
  BollingerUpperBreak,  // close crossed above the upper band
  BollingerLowerBreak,  // close crossed below the lower band
};
inline constexpr int kAlertKindCount = 8;
// "rsi_overbought", "rsi_overbought_exit", "rsi_oversold", "rsi_oversold_exit",
// "macd_bullish_cross", "macd_bearish_cross", "bollinger_upper_break", "bollinger_lower_break".
std::string_view alert_name(AlertKind k);

// An indicator crossing on a bar (a crossing: the previous bar was on the other side).
struct AlertEvent {
  Symbol symbol;
  Timeframe timeframe = Timeframe::M1;
  Timestamp bar_start = 0;
  std::uint32_t revision = 0;
  AlertKind kind = AlertKind::RsiOverbought;
  double value = 0;        // RSI, MACD line or close
  double level = 0;        // the threshold, signal line or band crossed
  bool retracted = false;  // a revision of the bar undid this crossing
};

// Receives a scanner's output on the engine thread. All methods default to doing nothing.
class ScanSink {
 public:
  virtual ~ScanSink() = default;
  // Every scanned bar with all outputs (also revisions).
  virtual void on_scan(const ScanResult& /*result*/) {}
  // A pattern found, or retracted by a revision.
  virtual void on_pattern(const PatternEvent& /*event*/) {}
  // An alert, or its retraction.
  virtual void on_alert(const AlertEvent& /*event*/) {}
  // End of input or shutdown.
  virtual void flush() {}
};

// Passes everything to several ScanSinks, in the order added.
class ScanFanOut final : public ScanSink {
 public:
  // Adds a sink. REQUIRES: `sink` outlives this object.
  void add(ScanSink& sink) { sinks_.push_back(&sink); }
  void on_scan(const ScanResult& r) override {
    for (ScanSink* s : sinks_) s->on_scan(r);
  }
  void on_pattern(const PatternEvent& e) override {
    for (ScanSink* s : sinks_) s->on_pattern(e);
  }
  void on_alert(const AlertEvent& e) override {
    for (ScanSink* s : sinks_) s->on_alert(e);
  }
  void flush() override {
    for (ScanSink* s : sinks_) s->flush();
  }

 private:
  std::vector<ScanSink*> sinks_;
};

// Counters of a scanner.
struct ScannerStats {
  std::uint64_t bars = 0;             // new bars scanned
  std::uint64_t revisions = 0;        // revised newest bars re-scanned
  std::uint64_t stale_revisions = 0;  // not applied: revisions of a bar older than the newest
  std::uint64_t replayed_bars = 0;    // not scanned: new bars (revision 0) not newer than the
                                      // newest, e.g. a replay of what a series already holds
  std::uint64_t patterns = 0;         // pattern events (not counting retractions)
  std::uint64_t retractions = 0;      // pattern and alert retractions
  std::uint64_t alerts = 0;           // alert events (not counting retractions)
  std::uint64_t series = 0;           // (symbol, timeframe) states
  std::uint64_t no_symbol = 0;        // bars without a symbol: not scanned
  std::uint64_t primed = 0;           // stored bars scanned at a warm start (not reported)
};

namespace detail {
struct ScanConfig;
class SeriesState;
}  // namespace detail

// The scanner of one series (one symbol, one timeframe). Feed bars in order; a bar with
// revision > 0 and the newest bar's start replaces that bar. Not thread-safe.
class SeriesScanner {
 public:
  // REQUIRES: options.validate() is ok (invalid periods are clamped).
  explicit SeriesScanner(const ScannerOptions& options);
  ~SeriesScanner();
  SeriesScanner(SeriesScanner&&) noexcept;
  SeriesScanner& operator=(SeriesScanner&&) noexcept;

  // Scans `bar` and reports to `sink` (may be null). Returns false, doing nothing, for a
  // revision (revision > 0) of a bar other than the newest.
  bool update(const Bar& bar, ScanSink* sink);
  // The result for the newest bar (index -1 before the first).
  const ScanResult& last() const;

 private:
  std::shared_ptr<const detail::ScanConfig> config_;
  std::unique_ptr<detail::SeriesState> state_;
  ScanResult last_;
};

// Scans every (symbol, timeframe) it receives bars for: a BarSink to put behind the
// aggregator. State for a series is made on its first bar; nothing is allocated per bar.
class Scanner final : public BarSink {
 public:
  // REQUIRES: options.validate() is ok; `sink` outlives the scanner.
  Scanner(const ScannerOptions& options, ScanSink& sink);
  ~Scanner() override;
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Scans one closed or revised bar.
  void on_bar(const Bar& bar) override;
  // Warm start: scans a bar an earlier run stored (each series oldest first, before any
  // on_bar) without reporting anything, so that the series continue where that run left off.
  void prime(const Bar& bar);
  // Flushes the sink.
  void flush() override;
  // Counters so far.
  ScannerStats stats() const;
  // The newest result of a series (computed from its state), or none if it has no bars yet.
  std::optional<ScanResult> last(Symbol symbol, Timeframe timeframe) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The confidence of a pattern event for `id` with TA-Lib output `output` on the newest bar of
// `history` (newest first; each entry high, low, close, volume), as defined above.
struct ConfidenceBar {
  double high = 0, low = 0, close = 0, volume = 0;
};
double pattern_confidence(PatternId id, int output, const ConfidenceBar* history, int history_size);

}  // namespace tickstock

#endif  // TICKSTOCK_SCANNER_H_
