// Streaming technical indicators: O(1) per bar (CCI: O(period), see Cci; STOCH and WILLR rescan
// their window when its extreme leaves it, as TA-Lib does), no heap allocation
// after construction, values bit-identical to TA-Lib 0.6 (default compatibility, unstable
// period 0) when fed the same series from its first bar.
//
// Every indicator is a BasicIndicator over its stream (tickstock/detail/*_streams.h), a small
// copyable value type with the same surface:
//   update(bar)   next bar (or update(x...) with the raw inputs it uses)
//   revise(bar)   the newest bar was replaced: the result is as if update() had been given
//                 this bar instead (can be repeated; before any update it acts as update())
//   ready()       TA-Lib would output a value for the newest bar
//   value()       REQUIRES: ready()
//   lookback()    bars TA-Lib needs before its first output (TA_xxx_Lookback)
//   reset()       back to the freshly constructed state
// Periods outside TA-Lib's accepted range are clamped into it (check with the static
// validate() of each type beforehand when the period comes from the outside).
//
// Exactness: each type repeats TA-Lib's own operation order (running totals, seeding,
// thresholds), so outputs compare equal with ==, not just within a tolerance. Recursive
// indicators (EMA, RSI, MACD, ATR, ADX, MFI) depend on where the series starts, exactly as
// TA-Lib's do: start them on the same first bar as the reference.
#ifndef TICKSTOCK_INDICATORS_H_
#define TICKSTOCK_INDICATORS_H_

#include <concepts>
#include <cstdint>

#include "tickstock/detail/bar_streams.h"
#include "tickstock/detail/close_streams.h"
#include "tickstock/detail/series.h"
#include "tickstock/indicator_values.h"
#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock {

// Largest period TA-Lib accepts for any of these indicators.
inline constexpr int kMaxIndicatorPeriod = 100000;

// One indicator: counts the bars and turns update/revise into the BarStep its Stream takes.
// Stream: constructible from the indicator's parameters; update(BarStep, inputs...) and
// update(BarStep, const Bar&); value(); lookback(); reset(); optionally a static validate()
// and a ready() (else ready means more than lookback() bars).
template <class Stream>
class BasicIndicator {
 public:
  // The default parameters.
  BasicIndicator() = default;
  // The indicator's parameters (see each type); periods out of range are clamped.
  template <class... P>
  requires(sizeof...(P) > 0 &&
           std::constructible_from<Stream, P...>) explicit BasicIndicator(P... params)
      : stream_(params...) {}
  // Checks parameters against TA-Lib's ranges.
  template <class... P>
  requires requires(P... p) { Stream::validate(p...); }
  static Result<void> validate(P... params) { return Stream::validate(params...); }
  // Next bar's raw inputs (see each type).
  template <std::convertible_to<double>... X>
  requires requires(Stream& s, detail::BarStep b, X... x) { s.update(b, double(x)...); }
  void update(X... x) { stream_.update(detail::next_step(n_, false), static_cast<double>(x)...); }
  // Next bar.
  void update(const Bar& bar) { stream_.update(detail::next_step(n_, false), bar); }
  // The newest bar's raw inputs were replaced.
  template <std::convertible_to<double>... X>
  requires requires(Stream& s, detail::BarStep b, X... x) { s.update(b, double(x)...); }
  void revise(X... x) { stream_.update(detail::next_step(n_, true), static_cast<double>(x)...); }
  // The newest bar was replaced.
  void revise(const Bar& bar) { stream_.update(detail::next_step(n_, true), bar); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const {
    if constexpr (requires(const Stream& s) { s.ready(); }) {
      return stream_.ready();
    } else {
      return n_ > stream_.lookback();
    }
  }
  // The output. REQUIRES: ready().
  auto value() const { return stream_.value(); }
  // TA_xxx_Lookback.
  int lookback() const { return stream_.lookback(); }
  // Back to the constructed state.
  void reset() {
    n_ = 0;
    stream_.reset();
  }

 protected:
  // Bars given (a revision is not a new one).
  std::int64_t bars() const { return n_; }
  // The indicator's state.
  const Stream& stream() const { return stream_; }

 private:
  std::int64_t n_ = 0;
  Stream stream_;
};

// Simple moving average of the close (TA_SMA): Sma(period = 30), period 2..100000 (TA-Lib's
// range); update(x) or update(bar). Lookback period − 1.
class Sma : public BasicIndicator<detail::SmaStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Exponential moving average of the close (TA_EMA): k = 2/(period+1), seeded with the SMA of
// the first `period` values (output at bar period−1), then ema = (x − ema)·k + ema.
// Ema(period = 30), period 2..100000; update(x) or update(bar). Lookback period − 1.
class Ema : public BasicIndicator<detail::EmaStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Wilder's relative strength index of the close (TA_RSI): gains/losses averaged over the first
// `period` differences, then avg = (avg·(period−1) + x)/period; RSI = 100·gain/(gain+loss),
// 0 when gain+loss is within 1e-14 of zero. Rsi(period = 14), period 2..100000; update(x) or
// update(bar); value() in [0, 100]. Lookback = period.
class Rsi : public BasicIndicator<detail::RsiStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// MACD of the close (TA_MACD): Macd(fast = 12, slow = 26, signal = 9), each 2..100000; value()
// is a MacdValue. If slow < fast the two are swapped, as TA-Lib does. Both EMAs start at bar
// slow−1: the slow one seeded with the SMA of bars 0..slow−1, the fast one with the SMA of bars
// slow−fast..slow−1 (later than a standalone EMA(fast) would). The signal is an EMA of the
// MACD line seeded with the SMA of its first `signal` values. All three outputs start at
// lookback = (slow−1) + (signal−1).
// Signal period 1: TA-Lib 0.6 declares 1..100000 but TA_EMA_Lookback(1) is −1, so TA_MACD then
// starts one bar early with shifted, partly uninitialised outputs. There is nothing exact to
// match, so the signal period here is 2..100000 like every other EMA (validate() rejects 1).
class Macd : public BasicIndicator<detail::MacdStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Bollinger Bands of the close (TA_BBANDS with MA type SMA): Bollinger(period = 20,
// nb_dev_up = 2.0, nb_dev_dn = 2.0), period 2..100000, any multipliers; value() is a
// BollingerValue. σ is the population standard deviation from a running sum of squares,
// σ = sqrt(Σx²/n − sma²), 0 when that variance is below 1e-14 (TA-Lib's absolute threshold).
// Lookback period − 1.
class Bollinger : public BasicIndicator<detail::BollingerStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Average true range (TA_ATR): TR from bar 1 = max(H−L, |H−C₋₁|, |L−C₋₁|); first ATR = mean
// TR of bars 1..period; then atr = (atr·(period−1) + tr)/period. Atr(period = 14), period
// 1..100000; update(high, low, close) or update(bar). Lookback = period.
class Atr : public BasicIndicator<detail::AtrStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Slow stochastic with SMA smoothing (TA_STOCH, MA types SMA): fastK = (C − LL)/((HH − LL)/100)
// over the last fastK-period bars, 0 when HH = LL; slowK = SMA(fastK); slowD = SMA(slowK).
// Stoch(fast_k = 5, slow_k = 3, slow_d = 3), each 1..100000; update(high, low, close) or
// update(bar); value() is a StochValue. Both outputs start at lookback = (fastK−1) + (slowK−1)
// + (slowD−1).
class Stoch : public BasicIndicator<detail::StochStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Average directional index with +DI/−DI (TA_ADX, TA_PLUS_DI, TA_MINUS_DI). Wilder sums (not
// averages) of +DM, −DM and TR: summed over bars 1..period−1, then s = s − s/period + x.
// −DM counts when it is > 0 and > +DM, +DM when > 0 and > −DM. DI = 100·DM/TR (0 when TR is
// ~0); DX = 100·|−DI − +DI|/(−DI + +DI); first ADX = (sum of the first `period` DX)/period,
// then adx = (adx·(period−1) + dx)/period. A DX is skipped (ADX unchanged) when TR or the DI
// sum is within 1e-14 of zero. ADX starts at lookback 2·period−1, the DIs at period.
// Adx(period = 14), period 2..100000; update(high, low, close) or update(bar).
class Adx : public BasicIndicator<detail::AdxStream> {
 public:
  using BasicIndicator::BasicIndicator;
  // TA_PLUS_DI / TA_MINUS_DI would output a value for the newest bar; value() needs only this
  // (its adx is NaN unless ready()).
  bool di_ready() const { return bars() > di_lookback(); }
  // TA_PLUS_DI_Lookback / TA_MINUS_DI_Lookback: period.
  int di_lookback() const { return stream().di_lookback(); }
};

// On-balance volume (TA_OBV): starts at the first bar's volume, then ± volume on up/down
// closes, unchanged on an equal close. No parameters; update(close, volume) or update(bar).
// Lookback 0.
class Obv : public BasicIndicator<detail::ObvStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Williams %R (TA_WILLR): (HH − C)/((HH − LL)/−100) over the last `period` bars, 0 when
// HH = LL. WilliamsR(period = 14), period 2..100000; update(high, low, close) or update(bar);
// value() in [−100, 0]. Lookback period − 1.
class WilliamsR : public BasicIndicator<detail::WillrStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Commodity channel index (TA_CCI): tp = (H+L+C)/3; CCI = (tp − mean)/(0.015·meandev) over the
// last `period` typical prices, 0 when either the numerator or the mean deviation is exactly 0.
// The mean and the mean absolute deviation are recomputed from the ring each bar, summed in
// TA-Lib's circular-buffer slot order, so this one costs O(period) per bar (the mean absolute
// deviation cannot be updated incrementally). Cci(period = 14), period 2..100000;
// update(high, low, close) or update(bar). Lookback period − 1.
class Cci : public BasicIndicator<detail::CciStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Money flow index (TA_MFI): tp = (H+L+C)/3, flow = tp·volume, positive when tp rose, negative
// when it fell (neither when equal); running sums over the last `period` flows;
// MFI = 100·pos/(pos+neg), 0 when pos+neg < 1.0 (TA-Lib's absolute threshold). Mfi(period =
// 14), period 2..100000; update(high, low, close, volume) or update(bar). Lookback period.
class Mfi : public BasicIndicator<detail::MfiStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Session VWAP with ±1σ/±2σ bands (not a TA-Lib function). Per bar tp = (H+L+C)/3 and volume
// v; within a New York trading day: vwap = Σv·tp/Σv, σ = sqrt(max(0, Σv·tp²/Σv − vwap²))
// (volume-weighted population deviation of tp around the vwap). Everything restarts when the
// New York date of Bar::start changes (midnight America/New_York, DST-aware), so pre/post
// market bars count toward their day if they are fed. No parameters; update(bar) only;
// value() is a VwapValue; ready() once the day has volume.
class Vwap : public BasicIndicator<detail::VwapStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Relative volume: volume / SMA(volume, period), where the SMA is TA-Lib's (running total)
// over the last `period` bars *including* the current one, so a bar is compared with the
// window it belongs to and the value is 1 on a steady volume. 0 when that average is 0.
// RelativeVolume(period = 20), period 1..100000; update(volume) or update(bar). Lookback
// period − 1.
class RelativeVolume : public BasicIndicator<detail::RelativeVolumeStream> {
 public:
  using BasicIndicator::BasicIndicator;
};

// Pivot points from the prior New York trading day's high, low and close, accumulated from the
// bars fed (intraday or daily; H = max high, L = min low, C = last close of that day, where
// the day is the New York date of Bar::start). A bar whose New York date differs from the
// current one starts a new day and makes the finished day the "prior day". The levels stay
// constant through the day. Pivots(kind = PivotKind::Standard); update(bar) only; value() is
// the PivotValue of that kind; ready() from the first bar of the second day seen.
class Pivots : public BasicIndicator<detail::PivotsStream> {
 public:
  using BasicIndicator::BasicIndicator;
  // Today's levels of either kind (both come from the same prior day). REQUIRES: ready().
  PivotValue levels(PivotKind kind) const { return stream().levels(kind); }
};

// A streaming indicator: bar in, ready()/value() out, revisable newest bar, resettable.
template <class T>
concept Indicator = std::copy_constructible<T> && requires(T t, const T ct, const Bar& bar) {
  t.update(bar);
  t.revise(bar);
  t.reset();
  { ct.ready() } -> std::same_as<bool>;
  ct.value();
  { ct.lookback() } -> std::same_as<int>;
};

// An Indicator with a single double output.
template <class T>
concept ScalarIndicator = Indicator<T> && requires(const T ct) {
  { ct.value() } -> std::same_as<double>;
};

static_assert(ScalarIndicator<Sma>);
static_assert(ScalarIndicator<Ema>);
static_assert(ScalarIndicator<Rsi>);
static_assert(ScalarIndicator<Atr>);
static_assert(ScalarIndicator<Obv>);
static_assert(ScalarIndicator<WilliamsR>);
static_assert(ScalarIndicator<Cci>);
static_assert(ScalarIndicator<Mfi>);
static_assert(ScalarIndicator<RelativeVolume>);
static_assert(Indicator<Macd>);
static_assert(Indicator<Bollinger>);
static_assert(Indicator<Stoch>);
static_assert(Indicator<Adx>);
static_assert(Indicator<Vwap>);
static_assert(Indicator<Pivots>);

}  // namespace tickstock

#endif  // TICKSTOCK_INDICATORS_H_
