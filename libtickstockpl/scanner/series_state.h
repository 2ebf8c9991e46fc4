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
  ScannerOptions options;
  CdlConfig cdl;
  CdlSet detectors;  // shared by every series
  bool runs(IndicatorId id) const { return options.indicators[static_cast<std::size_t>(id)]; }
};

// What one update did with its bar.
enum class ScanOutcome : std::uint8_t {
  Refused,  // a revision of a bar older than the newest: not applied
  New,      // a new bar
  Revised,  // the newest bar, replaced
};

// Detectors, indicators and the last result of one series. Fixed size after construction.
class SeriesState {
 public:
  explicit SeriesState(const ScanConfig& c);
  // Scans a new bar or a revision of the newest; refuses (doing nothing) a revision of an
  // older bar.
  ScanOutcome update(const ScanConfig& c, const Bar& bar, ScanSink* sink);
  // The newest result.
  const ScanResult& result() const { return result_; }

 private:
  // Values of the bar before the newest that alerts compare with.
  struct Previous {
    double rsi, macd, signal, close, upper, lower;
  };
  void run_indicators(const ScanConfig& c, const Bar& bar, bool fresh);
  void emit_patterns(const ScanConfig& c, const CdlOutputs& before, bool fresh, ScanSink& sink);
  void emit_alerts(const ScanConfig& c, bool fresh, ScanSink& sink);
  double confidence(PatternId id, int output) const;

  CandleRing ring_;
  std::array<double, CandleRing::kMinCapacity> volume_{};  // volumes by series index
  CdlSeries cdl_;
  std::optional<Sma> sma_;
  std::optional<Ema> ema_;
  std::optional<Rsi> rsi_;
  std::optional<Macd> macd_;
  std::optional<Bollinger> bbands_;
  std::optional<Atr> atr_;
  std::optional<Stoch> stoch_;
  std::optional<Adx> adx_;
  std::optional<Obv> obv_;
  std::optional<WilliamsR> willr_;
  std::optional<Cci> cci_;
  std::optional<Mfi> mfi_;
  std::optional<Vwap> vwap_;
  std::optional<RelativeVolume> rvol_;
  std::optional<Pivots> pivots_;  // standard and Fibonacci levels
  Previous prev_{};
  std::uint8_t alerts_on_newest_ = 0;  // bit per AlertKind fired on the newest bar
  ScanResult result_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_SCANNER_SERIES_STATE_H_
