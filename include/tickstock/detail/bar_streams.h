// The streams behind the indicators that read several fields of a bar (Atr, Stoch, Adx, Obv,
// WilliamsR, Cci, Mfi, Vwap, Pivots): what BasicIndicator<Stream> runs bars through, as in
// close_streams.h.
#ifndef TICKSTOCK_DETAIL_BAR_STREAMS_H_
#define TICKSTOCK_DETAIL_BAR_STREAMS_H_

#include <cstdint>

#include "tickstock/calendar.h"
#include "tickstock/detail/series.h"
#include "tickstock/detail/window_cores.h"
#include "tickstock/indicator_values.h"
#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::detail {

// Atr: Wilder-smoothed true range.
class AtrStream {
 public:
  // Period 1..100000; clamped.
  explicit AtrStream(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's high, low, close.
  void update(BarStep s, double high, double low, double close);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.high, bar.low, bar.close); }
  // The ATR.
  double value() const { return s_.atr; }
  // TA_ATR_Lookback: period.
  int lookback() const { return period_; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    int count = 0;  // bars seen, saturating at period_+1
    double prev_close = 0;
    double sum = 0;
    double atr = 0;
  };
  int period_;
  State s_, saved_;
};

// Stoch: windows of highs and lows and the smoothing state.
class StochStream {
 public:
  // Periods 1..100000; clamped.
  explicit StochStream(int fast_k = 5, int slow_k = 3, int slow_d = 3);
  // Checks the periods against TA-Lib's ranges.
  static Result<void> validate(int fast_k, int slow_k, int slow_d);
  // Bar s.i's high, low, close.
  void update(BarStep s, double high, double low, double close);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.high, bar.low, bar.close); }
  // Slow %K and %D.
  StochValue value() const { return {core_.slow_k(), core_.slow_d()}; }
  // TA_STOCH_Lookback.
  int lookback() const { return core_.lookback(); }
  // Back to the constructed state.
  void reset();

 private:
  ValueRing high_, low_;
  StochCore core_;
};

// Adx: Wilder sums of the directional movements and true range, and the ADX over their DX.
class AdxStream {
 public:
  // Period 2..100000; clamped.
  explicit AdxStream(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's high, low, close.
  void update(BarStep s, double high, double low, double close);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.high, bar.low, bar.close); }
  // ADX (NaN before its lookback) and the DIs.
  AdxValue value() const;
  // TA_ADX_Lookback: 2·period − 1.
  int lookback() const { return 2 * period_ - 1; }
  // TA_PLUS_DI_Lookback / TA_MINUS_DI_Lookback: period.
  int di_lookback() const { return period_; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    int count = 0;  // bars seen, saturating at 2·period_
    double prev_high = 0, prev_low = 0, prev_close = 0;
    double plus_dm = 0, minus_dm = 0, tr = 0;
    double sum_dx = 0, adx = 0;
    double plus_di = 0, minus_di = 0;
  };
  int period_;
  State s_, saved_;
};

// Obv: the running total and the previous close.
class ObvStream {
 public:
  // Bar s.i's close and volume.
  void update(BarStep s, double close, double volume);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.close, bar.volume); }
  // The OBV.
  double value() const { return s_.obv; }
  // TA_OBV_Lookback: 0.
  int lookback() const { return 0; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    bool started = false;
    double prev_close = 0;
    double obv = 0;
  };
  State s_, saved_;
};

// WilliamsR: windows of highs, lows and closes and the extremes over them.
class WillrStream {
 public:
  // Period 2..100000; clamped.
  explicit WillrStream(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's high, low, close.
  void update(BarStep s, double high, double low, double close);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.high, bar.low, bar.close); }
  // %R in [−100, 0].
  double value() const { return core_.value(); }
  // TA_WILLR_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  int period_;
  ValueRing high_, low_, close_;
  WillrCore core_;
};

// Cci: windows of highs, lows and closes.
class CciStream {
 public:
  // Period 2..100000; clamped.
  explicit CciStream(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's high, low, close.
  void update(BarStep s, double high, double low, double close);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.high, bar.low, bar.close); }
  // The CCI.
  double value() const { return core_.value(); }
  // TA_CCI_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  int period_;
  ValueRing high_, low_, close_;
  CciCore core_;
};

// Mfi: windows of all four inputs and the money flow sums.
class MfiStream {
 public:
  // Period 2..100000; clamped.
  explicit MfiStream(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Bar s.i's high, low, close, volume.
  void update(BarStep s, double high, double low, double close, double volume);
  // Bar s.i.
  void update(BarStep s, const Bar& bar) { update(s, bar.high, bar.low, bar.close, bar.volume); }
  // MFI in [0, 100].
  double value() const { return core_.value(); }
  // TA_MFI_Lookback: period.
  int lookback() const { return period_; }
  // Back to the constructed state.
  void reset();

 private:
  int period_;
  ValueRing high_, low_, close_, volume_;
  MfiCore core_;
};

// Vwap: the current New York day's volume-weighted sums.
class VwapStream {
 public:
  // Bar s.i (uses start, high, low, close, volume).
  void update(BarStep s, const Bar& bar);
  // The current day has seen volume.
  bool ready() const { return s_.sum_v > 0; }
  // VWAP and bands.
  VwapValue value() const;
  // 0: a value is available from the first bar with volume of each day.
  int lookback() const { return 0; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    bool started = false;
    Timestamp day_start = 0;  // New York midnight of the current day, UTC ns
    double sum_v = 0, sum_vp = 0, sum_vpp = 0;
  };
  State s_, saved_;
  NewYorkDayCache days_;
};

// Pivots: the current and the prior New York day's high, low and close.
class PivotsStream {
 public:
  // Standard or Fibonacci levels.
  explicit PivotsStream(PivotKind kind = PivotKind::Standard) : kind_(kind) {}
  // Bar s.i (uses start, high, low, close).
  void update(BarStep s, const Bar& bar);
  // A prior day is known.
  bool ready() const { return s_.has_prior; }
  // Today's levels of the kind given at construction.
  PivotValue value() const { return levels(kind_); }
  // Today's levels of either kind.
  PivotValue levels(PivotKind kind) const;
  // 0: readiness depends on the calendar, not on a bar count.
  int lookback() const { return 0; }
  // Back to the constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    bool started = false;
    bool has_prior = false;
    Timestamp day_start = 0;
    double high = 0, low = 0, close = 0;                    // current day so far
    double prior_high = 0, prior_low = 0, prior_close = 0;  // the prior day
  };
  PivotKind kind_;
  State s_, saved_;
  NewYorkDayCache days_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_DETAIL_BAR_STREAMS_H_
