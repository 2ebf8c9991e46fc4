// The streams behind the single-input indicators (Sma, Ema, Rsi, Macd, Bollinger,
// RelativeVolume): what BasicIndicator<Stream> runs bars through. A stream takes a bar as a
// BarStep (which bar, and whether it is new or replaces the newest) with its raw input or the
// Bar itself, and restores its own state on a revision; BasicIndicator counts the bars.
#ifndef TICKSTOCK_DETAIL_CLOSE_STREAMS_H_
#define TICKSTOCK_DETAIL_CLOSE_STREAMS_H_

#include <cstdint>

#include "tickstock/detail/series.h"
#include "tickstock/detail/window_cores.h"
#include "tickstock/indicator_values.h"
#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::detail {

// Sma: a window of inputs and TA-Lib's running total over it.
class SmaStream {
 public:
  // Period 2..100000; clamped.
  explicit SmaStream(int period = 30);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's value.
  void update(BarStep s, double x);
  // Bar s.i (its close).
  void update(BarStep s, const Bar& bar) { update(s, bar.close); }
  // The average.
  double value() const { return sma_.value(); }
  // TA_SMA_Lookback: period − 1.
  int lookback() const { return sma_.period() - 1; }
  // Back to the constructed state.
  void reset();

 private:
  ValueRing x_;
  SmaCore sma_;
};

// Ema: SMA seed, then the recursion.
class EmaStream {
 public:
  // Period 2..100000; clamped.
  explicit EmaStream(int period = 30);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's value.
  void update(BarStep s, double x);
  // Bar s.i (its close).
  void update(BarStep s, const Bar& bar) { update(s, bar.close); }
  // The average.
  double value() const { return s_.ema; }
  // TA_EMA_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    int count = 0;   // values seen, saturating at period_
    double sum = 0;  // seed total
    double ema = 0;
  };
  int period_;
  double k_;
  State s_, saved_;
};

// Rsi: Wilder-smoothed gains and losses.
class RsiStream {
 public:
  // Period 2..100000; clamped.
  explicit RsiStream(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's value.
  void update(BarStep s, double x);
  // Bar s.i (its close).
  void update(BarStep s, const Bar& bar) { update(s, bar.close); }
  // RSI in [0, 100].
  double value() const { return s_.value; }
  // TA_RSI_Lookback: period.
  int lookback() const { return period_; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    int count = 0;  // values seen, saturating at period_+1
    double prev = 0;
    double gain = 0;
    double loss = 0;
    double value = 0;
  };
  int period_;
  State s_, saved_;
};

// Macd: two EMAs started together and an EMA of their difference.
class MacdStream {
 public:
  // fast, slow, signal 2..100000; clamped; slow < fast swapped.
  explicit MacdStream(int fast = 12, int slow = 26, int signal = 9);
  // Checks the periods against TA-Lib's ranges.
  static Result<void> validate(int fast, int slow, int signal);
  // Bar s.i's value.
  void update(BarStep s, double x);
  // Bar s.i (its close).
  void update(BarStep s, const Bar& bar) { update(s, bar.close); }
  // Line, signal and histogram.
  MacdValue value() const { return {s_.macd, s_.signal, s_.macd - s_.signal}; }
  // TA_MACD_Lookback.
  int lookback() const { return slow_ - 1 + signal_ - 1; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    int count = 0;  // values seen, saturating at slow_
    double slow_sum = 0, fast_sum = 0;
    double slow = 0, fast = 0, macd = 0;
    int sig_count = 0;  // MACD values seen, saturating at signal_
    double sig_sum = 0, signal = 0;
  };
  int fast_, slow_, signal_;
  double k_fast_, k_slow_, k_signal_;
  State s_, saved_;
};

// Bollinger: a window of inputs and TA-Lib's running sums over it.
class BollingerStream {
 public:
  // Period 2..100000 (clamped); any deviation multipliers.
  explicit BollingerStream(int period = 20, double nb_dev_up = 2.0, double nb_dev_dn = 2.0);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's value.
  void update(BarStep s, double x);
  // Bar s.i (its close).
  void update(BarStep s, const Bar& bar) { update(s, bar.close); }
  // The three bands.
  BollingerValue value() const;
  // TA_BBANDS_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  int period_;
  ValueRing x_;
  BollingerCore core_;
};

// RelativeVolume: a window of volumes, their running total and the newest bar's index.
class RelativeVolumeStream {
 public:
  // Period 1..100000; clamped.
  explicit RelativeVolumeStream(int period = 20);
  // Checks a period.
  static Result<void> validate(int period);
  // Bar s.i's volume.
  void update(BarStep s, double volume);
  // Bar s.i (its volume).
  void update(BarStep s, const Bar& bar) { update(s, bar.volume); }
  // volume / average.
  double value() const;
  // period − 1.
  int lookback() const { return sma_.period() - 1; }
  // Back to the constructed state.
  void reset();

 private:
  ValueRing x_;
  SmaCore sma_;
  std::int64_t newest_ = 0;  // index of the newest bar
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_DETAIL_CLOSE_STREAMS_H_
