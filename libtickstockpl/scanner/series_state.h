// The state of one (symbol, timeframe) series and the configuration all series share.
#ifndef TICKSTOCK_SCANNER_SERIES_STATE_H_
#define TICKSTOCK_SCANNER_SERIES_STATE_H_

#include <array>
#include <cstdint>
#include <optional>

#include "tickstock/indicators.h"
#include "tickstock/scanner.h"

#include "patterns/candle.h"
#include "patterns/cdl_set.h"

namespace tickstock::detail {

// Built once per scanner from its options.
struct ScanConfig {
  explicit ScanConfig(const ScannerOptions& o);
  ScannerOptions options;  // periods clamped into the indicators' ranges
  CdlConfig cdl;
  CdlSet detectors;          // shared by every series
  int candle_depth;          // candles a series keeps (patterns, confidence, high/low windows)
  int close_depth;           // closes a series keeps for the windowed indicators
  int volume_depth;          // volumes a series keeps (confidence, relative volume, MFI)
  int cdl_max_lookback = 0;  // of the enabled patterns
  bool runs(IndicatorId id) const { return options.indicators[static_cast<std::size_t>(id)]; }
};

// What one update did with its bar.
enum class ScanOutcome : std::uint8_t {
  Refused,  // a revision of a bar older than the newest: not applied
  New,      // a new bar
  Revised,  // the newest bar, replaced
};

// Detectors' and indicators' state of one series: its recent bars (one ring each for candles,
// closes and volumes, shared by all its patterns and indicators) and a few numbers per
// indicator. Fixed size after construction.
class SeriesState {
 public:
  explicit SeriesState(const ScanConfig& c);
  // Scans a new bar or a revision of the newest into `out` (the full result, which `sink`, if
  // any, is given with the events); refuses (doing nothing) a revision of an older bar.
  ScanOutcome update(const ScanConfig& c, const Bar& bar, ScanSink* sink, ScanResult& out);
  // The result for the newest bar (index -1 before the first).
  void result(const ScanConfig& c, ScanResult& out) const;

 private:
  // The values alerts compare: of the newest bar, and of the bar before it.
  struct AlertInputs {
    double rsi, macd, signal, close, upper, lower;
  };
  std::int64_t index() const { return ring_.newest_index(); }
  void step_indicators(const Bar& bar, bool fresh);
  void write_values(const ScanConfig& c, std::array<double, kFieldCount>& v) const;
  // What the newest bar reported, kept when a revision replaces it (filled only then: left
  // uninitialized otherwise, so that a new bar pays nothing for it).
  struct Replaced {
    CdlOutputs cdl;
    std::array<double, kPatternCount> confidence;  // of each pattern found
    double close, volume;
  };
  void emit_patterns(const Replaced& before, bool fresh, ScanSink& sink) const;
  void emit_alerts(const ScanConfig& c, const ScanResult& r, bool fresh, ScanSink& sink);
  double confidence(PatternId id, int output) const;
  SeriesView highs() const;
  SeriesView lows() const;

  CandleRing ring_;
  ValueRing closes_;
  ValueRing volumes_;
  CdlSeries cdl_series_;
  CdlOutputs cdl_{};  // of the newest bar
  std::optional<SmaCore> sma_;
  std::optional<Ema> ema_;
  std::optional<Rsi> rsi_;
  std::optional<Macd> macd_;
  std::optional<BollingerCore> bbands_;
  std::optional<Atr> atr_;
  std::optional<StochCore> stoch_;
  std::optional<Adx> adx_;
  std::optional<Obv> obv_;
  std::optional<WillrCore> willr_;
  std::optional<CciCore> cci_;
  std::optional<MfiCore> mfi_;
  std::optional<Vwap> vwap_;
  std::optional<SmaCore> rvol_;
  std::optional<Pivots> pivots_;              // standard and Fibonacci levels
  Bar bar_;                                   // the newest
  const ConfidenceCalibration* calibration_;  // the scanner's (null: the formula)
  AlertInputs newest_, before_;
  std::uint8_t alerts_on_newest_ = 0;  // bit per AlertKind fired on the newest bar
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_SCANNER_SERIES_STATE_H_
