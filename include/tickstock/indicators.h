// Streaming technical indicators: O(1) per bar (CCI: O(period), see Cci; STOCH and WILLR rescan
// their window when its extreme leaves it, as TA-Lib does), no heap allocation
// after construction, values bit-identical to TA-Lib 0.6 (default compatibility, unstable
// period 0) when fed the same series from its first bar.
//
// Every indicator is a small copyable value type with the same surface:
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
#include <memory>

#include "tickstock/calendar.h"
#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock {

// Largest period TA-Lib accepts for any of these indicators.
inline constexpr int kMaxIndicatorPeriod = 100000;

namespace detail {

// The values of one input by bar index (0 = the first bar): bar i is base[(i & mask) *
// stride]. A view into a ring, so only its last mask + 1 bars are there.
struct SeriesView {
  const double* base = nullptr;
  std::size_t mask = 0;
  std::size_t stride = 1;
  // Bar i. REQUIRES: the ring still holds it.
  double operator[](std::int64_t i) const {
    return base[(static_cast<std::size_t>(i) & mask) * stride];
  }
};

// A ring of the last values of one input by bar index; its size is a power of two.
class ValueRing {
 public:
  // Room for at least `min_size` bars. REQUIRES: min_size >= 1.
  explicit ValueRing(int min_size);
  ValueRing(const ValueRing& o);
  ValueRing& operator=(const ValueRing& o);
  ValueRing(ValueRing&&) noexcept = default;
  ValueRing& operator=(ValueRing&&) noexcept = default;
  ~ValueRing() = default;
  // Writes bar i (over bar i - size()).
  void set(std::int64_t i, double x) { data_[static_cast<std::size_t>(i) & mask_] = x; }
  // Bar i. REQUIRES: one of the last size() bars written.
  double operator[](std::int64_t i) const { return data_[static_cast<std::size_t>(i) & mask_]; }
  // The ring as a view.
  SeriesView view() const { return {data_.get(), mask_, 1}; }
  // All values back to 0.
  void clear();

 private:
  std::unique_ptr<double[]> data_;  // mask_ + 1 values
  std::size_t mask_;
};

// Which bar an update (revise = false) or a revision writes, given the bars seen so far `n`:
// a revision replaces bar n - 1, an update (or a revision before any bar) adds bar n.
struct BarStep {
  std::int64_t i;  // bar index
  bool fresh;      // a new bar
};
// The step, counting a new bar in n.
inline BarStep next_step(std::int64_t& n, bool revise) {
  if (revise && n > 0) return {n - 1, false};
  return {n++, true};
}

// The cores below hold an indicator's running state but not its window: the caller keeps the
// inputs in a ring (the indicator types below their own, a scanner one per series for all its
// indicators) and passes views of it. update(i, fresh, ...) takes bar i, the newest; with
// fresh = false it replaces bar i given before (a revision), from the state bar i started from.

// TA-Lib's SMA (TA_INT_SMA): a running total that adds the newest value, outputs
// total/period, then subtracts the oldest value of the window; the total drifts in the last
// bits exactly as TA-Lib's does.
class SmaCore {
 public:
  // REQUIRES: period >= 1.
  explicit SmaCore(int period) : period_(period) {}
  // Window length.
  int period() const { return period_; }
  // Bar i of x; x must hold bars i - period + 1 .. i.
  void update(std::int64_t i, bool fresh, const SeriesView& x);
  // The average ending at the newest bar. REQUIRES: newest bar index >= period - 1.
  double value() const { return s_.value; }
  // Back to the freshly constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    double total = 0;  // TA-Lib's periodTotal
    double value = 0;  // newest average
  };
  int period_;
  State s_, saved_;
};

// TA_BBANDS with an SMA middle band: TA_INT_SMA and TA_INT_stddev_using_precalc_ma.
class BollingerCore {
 public:
  // REQUIRES: period >= 2.
  BollingerCore(int period, double nb_dev_up, double nb_dev_dn)
      : period_(period), up_(nb_dev_up), dn_(nb_dev_dn) {}
  // Bar i of x; x must hold bars i - period + 1 .. i.
  void update(std::int64_t i, bool fresh, const SeriesView& x);
  // Upper, middle and lower band at the newest bar. REQUIRES: newest index >= period - 1.
  void bands(double& upper, double& middle, double& lower) const;
  // Back to the freshly constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    double total = 0, total2 = 0;
    double middle = 0, sd = 0;
  };
  int period_;
  double up_, dn_;
  State s_, saved_;
};

// Highest high and lowest low of the last `period` bars, as TA-Lib's STOCH and WILLR find
// them: kept with their bar index and rescanned over the window only when the extreme leaves it.
class ExtremesCore {
 public:
  // REQUIRES: period >= 1.
  explicit ExtremesCore(int period) : period_(period) {}
  // Window length.
  int period() const { return period_; }
  // Bar i; high and low must hold bars i - period + 1 .. i. REQUIRES: i >= period - 1.
  void update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low);
  // Highest high of the window ending at the newest bar.
  double highest() const { return s_.highest; }
  // Lowest low of the window ending at the newest bar.
  double lowest() const { return s_.lowest; }
  // Back to the freshly constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    double highest = 0, lowest = 0;
    std::int64_t highest_idx = -1, lowest_idx = -1;
  };
  int period_;
  State s_, saved_;
};

// TA_WILLR: (HH − C)/((HH − LL)/−100), 0 when HH == LL.
class WillrCore {
 public:
  // REQUIRES: period >= 2.
  explicit WillrCore(int period) : extremes_(period) {}
  // Bar i; high, low and close must hold bars i - period + 1 .. i.
  void update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
              const SeriesView& close);
  // REQUIRES: newest index >= period - 1.
  double value() const { return value_; }
  // Back to the freshly constructed state.
  void reset();

 private:
  ExtremesCore extremes_;
  double value_ = 0;  // recomputed from the window on every update
};

// TA_CCI: (TP − SMA(TP))/(0.015 · mean deviation), TP = (H + L + C)/3.
class CciCore {
 public:
  // REQUIRES: period >= 2.
  explicit CciCore(int period) : period_(period) {}
  // Bar i; high, low and close must hold bars i - period + 1 .. i.
  void update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
              const SeriesView& close);
  // REQUIRES: newest index >= period - 1.
  double value() const { return value_; }
  // Back to the freshly constructed state.
  void reset() { value_ = 0; }

 private:
  int period_;
  double value_ = 0;  // recomputed from the window on every update
};

// TA_MFI: 100 · positive money flow / total money flow over `period` bars.
class MfiCore {
 public:
  // REQUIRES: period >= 2.
  explicit MfiCore(int period) : period_(period) {}
  // Inputs must hold bars i - period - 1 .. i.
  void update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
              const SeriesView& close, const SeriesView& volume);
  // REQUIRES: newest index >= period.
  double value() const { return s_.value; }
  // Back to the freshly constructed state.
  void reset() { s_ = saved_ = State{}; }

 private:
  struct State {
    double pos_sum = 0, neg_sum = 0;
    double value = 0;
  };
  int period_;
  State s_, saved_;
};

// TA_STOCH with SMA smoothing: fast %K over fast_k bars, slow %K = SMA(slow_k) of it, slow %D
// = SMA(slow_d) of slow %K. Keeps the short rings of %K values the smoothing needs.
class StochCore {
 public:
  // REQUIRES: all periods >= 1.
  StochCore(int fast_k, int slow_k, int slow_d);
  // Bar i; high and low must hold bars i - fast_k + 1 .. i.
  void update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
              double close);
  // Bars before the first slow %D.
  int lookback() const {
    return extremes_.period() - 1 + slow_k_.period() - 1 + slow_d_.period() - 1;
  }
  // Slow %K. REQUIRES: newest index >= lookback().
  double slow_k() const { return slow_k_.value(); }
  // Slow %D. REQUIRES: newest index >= lookback().
  double slow_d() const { return slow_d_.value(); }
  // Back to the freshly constructed state.
  void reset();

 private:
  ExtremesCore extremes_;
  SmaCore slow_k_, slow_d_;
  ValueRing fast_k_values_, slow_k_values_;
};

}  // namespace detail

// Simple moving average of the close (TA_SMA). Lookback period − 1.
class Sma {
 public:
  // Period 2..100000 (TA-Lib's range); clamped.
  explicit Sma(int period = 30);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next value.
  void update(double x);
  // Next bar (uses close).
  void update(const Bar& bar) { update(bar.close); }
  // The newest value was replaced by x.
  void revise(double x);
  // The newest bar was replaced (uses close).
  void revise(const Bar& bar) { revise(bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return n_ >= period_; }
  // The average. REQUIRES: ready().
  double value() const { return sma_.value(); }
  // TA_SMA_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double x);
  int period_;
  std::int64_t n_ = 0;  // values given
  detail::ValueRing x_;
  detail::SmaCore sma_;
};

// Exponential moving average of the close (TA_EMA): k = 2/(period+1), seeded with the SMA of
// the first `period` values (output at bar period−1), then ema = (x − ema)·k + ema.
class Ema {
 public:
  // Period 2..100000; clamped.
  explicit Ema(int period = 30);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next value.
  void update(double x);
  // Next bar (uses close).
  void update(const Bar& bar) { update(bar.close); }
  // The newest value was replaced by x.
  void revise(double x);
  // The newest bar was replaced (uses close).
  void revise(const Bar& bar) { revise(bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return s_.count >= period_; }
  // The average. REQUIRES: ready().
  double value() const { return s_.ema; }
  // TA_EMA_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    int count = 0;   // values seen, saturating at period_
    double sum = 0;  // seed total
    double ema = 0;
  };
  int period_;
  double k_;
  bool any_ = false;
  State s_, saved_;
};

// Wilder's relative strength index of the close (TA_RSI): gains/losses averaged over the first
// `period` differences, then avg = (avg·(period−1) + x)/period; RSI = 100·gain/(gain+loss),
// 0 when gain+loss is within 1e-14 of zero. Lookback = period.
class Rsi {
 public:
  // Period 2..100000; clamped.
  explicit Rsi(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next value.
  void update(double x);
  // Next bar (uses close).
  void update(const Bar& bar) { update(bar.close); }
  // The newest value was replaced by x.
  void revise(double x);
  // The newest bar was replaced (uses close).
  void revise(const Bar& bar) { revise(bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return s_.count > period_; }
  // RSI in [0, 100]. REQUIRES: ready().
  double value() const { return s_.value; }
  // TA_RSI_Lookback: period.
  int lookback() const { return period_; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    int count = 0;  // values seen, saturating at period_+1
    double prev = 0;
    double gain = 0;
    double loss = 0;
    double value = 0;
  };
  int period_;
  bool any_ = false;
  State s_, saved_;
};

// MACD outputs.
struct MacdValue {
  double macd = 0;    // fast EMA − slow EMA
  double signal = 0;  // EMA(signal period) of macd
  double hist = 0;    // macd − signal
};

// MACD of the close (TA_MACD). If slow < fast the two are swapped, as TA-Lib does. Both EMAs
// start at bar slow−1: the slow one seeded with the SMA of bars 0..slow−1, the fast one with
// the SMA of bars slow−fast..slow−1 (later than a standalone EMA(fast) would). The signal is an
// EMA of the MACD line seeded with the SMA of its first `signal` values. All three outputs
// start at lookback = (slow−1) + (signal−1).
// Signal period 1: TA-Lib 0.6 declares 1..100000 but TA_EMA_Lookback(1) is −1, so TA_MACD then
// starts one bar early with shifted, partly uninitialised outputs. There is nothing exact to
// match, so the signal period here is 2..100000 like every other EMA (validate() rejects 1).
class Macd {
 public:
  // fast, slow, signal 2..100000; clamped.
  explicit Macd(int fast = 12, int slow = 26, int signal = 9);
  // Checks the periods against TA-Lib's ranges.
  static Result<void> validate(int fast, int slow, int signal);
  // Next value.
  void update(double x);
  // Next bar (uses close).
  void update(const Bar& bar) { update(bar.close); }
  // The newest value was replaced by x.
  void revise(double x);
  // The newest bar was replaced (uses close).
  void revise(const Bar& bar) { revise(bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return s_.sig_count >= signal_; }
  // Line, signal and histogram. REQUIRES: ready().
  MacdValue value() const { return {s_.macd, s_.signal, s_.macd - s_.signal}; }
  // TA_MACD_Lookback.
  int lookback() const { return slow_ - 1 + signal_ - 1; }
  // Back to the constructed state.
  void reset();

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
  bool any_ = false;
  State s_, saved_;
};

// Bollinger Bands outputs.
struct BollingerValue {
  double upper = 0;   // middle + σ·nbDevUp
  double middle = 0;  // SMA(period)
  double lower = 0;   // middle − σ·nbDevDn
};

// Bollinger Bands of the close (TA_BBANDS with MA type SMA): σ is the population standard
// deviation from a running sum of squares, σ = sqrt(Σx²/n − sma²), 0 when that variance is
// below 1e-14 (TA-Lib's absolute threshold). Lookback period − 1.
class Bollinger {
 public:
  // Period 2..100000 (clamped); any deviation multipliers.
  explicit Bollinger(int period = 20, double nb_dev_up = 2.0, double nb_dev_dn = 2.0);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next value.
  void update(double x);
  // Next bar (uses close).
  void update(const Bar& bar) { update(bar.close); }
  // The newest value was replaced by x.
  void revise(double x);
  // The newest bar was replaced (uses close).
  void revise(const Bar& bar) { revise(bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return n_ >= period_; }
  // The three bands. REQUIRES: ready().
  BollingerValue value() const;
  // TA_BBANDS_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double x);
  int period_;
  std::int64_t n_ = 0;  // values given
  detail::ValueRing x_;
  detail::BollingerCore core_;
};

// Average true range (TA_ATR): TR from bar 1 = max(H−L, |H−C₋₁|, |L−C₋₁|); first ATR = mean
// TR of bars 1..period; then atr = (atr·(period−1) + tr)/period. Lookback = period.
class Atr {
 public:
  // Period 1..100000; clamped.
  explicit Atr(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next bar's high, low, close.
  void update(double high, double low, double close);
  // Next bar.
  void update(const Bar& bar) { update(bar.high, bar.low, bar.close); }
  // The newest bar was replaced.
  void revise(double high, double low, double close);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.high, bar.low, bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return s_.count > period_; }
  // The ATR. REQUIRES: ready().
  double value() const { return s_.atr; }
  // TA_ATR_Lookback: period.
  int lookback() const { return period_; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    int count = 0;  // bars seen, saturating at period_+1
    double prev_close = 0;
    double sum = 0;
    double atr = 0;
  };
  int period_;
  bool any_ = false;
  State s_, saved_;
};

// Slow stochastic outputs.
struct StochValue {
  double slow_k = 0;  // SMA(slowK period) of fast %K
  double slow_d = 0;  // SMA(slowD period) of slow %K
};

// Slow stochastic with SMA smoothing (TA_STOCH, MA types SMA): fastK = (C − LL)/((HH − LL)/100)
// over the last fastK-period bars, 0 when HH = LL; slowK = SMA(fastK); slowD = SMA(slowK).
// Both outputs start at lookback = (fastK−1) + (slowK−1) + (slowD−1).
class Stoch {
 public:
  // Periods 1..100000; clamped.
  explicit Stoch(int fast_k = 5, int slow_k = 3, int slow_d = 3);
  // Checks the periods against TA-Lib's ranges.
  static Result<void> validate(int fast_k, int slow_k, int slow_d);
  // Next bar's high, low, close.
  void update(double high, double low, double close);
  // Next bar.
  void update(const Bar& bar) { update(bar.high, bar.low, bar.close); }
  // The newest bar was replaced.
  void revise(double high, double low, double close);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.high, bar.low, bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return n_ > core_.lookback(); }
  // Slow %K and %D. REQUIRES: ready().
  StochValue value() const { return {core_.slow_k(), core_.slow_d()}; }
  // TA_STOCH_Lookback.
  int lookback() const { return core_.lookback(); }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double high, double low, double close);
  int fast_k_;
  std::int64_t n_ = 0;  // bars given
  detail::ValueRing high_, low_;
  detail::StochCore core_;
};

// ADX outputs.
struct AdxValue {
  double adx = 0;       // NaN while !Adx::ready() (only the DIs are available then)
  double plus_di = 0;   // +DI as TA_PLUS_DI(period) gives it
  double minus_di = 0;  // −DI as TA_MINUS_DI(period) gives it
};

// Average directional index with +DI/−DI (TA_ADX, TA_PLUS_DI, TA_MINUS_DI). Wilder sums (not
// averages) of +DM, −DM and TR: summed over bars 1..period−1, then s = s − s/period + x.
// −DM counts when it is > 0 and > +DM, +DM when > 0 and > −DM. DI = 100·DM/TR (0 when TR is
// ~0); DX = 100·|−DI − +DI|/(−DI + +DI); first ADX = (sum of the first `period` DX)/period,
// then adx = (adx·(period−1) + dx)/period. A DX is skipped (ADX unchanged) when TR or the DI
// sum is within 1e-14 of zero. ADX starts at lookback 2·period−1, the DIs at period.
class Adx {
 public:
  // Period 2..100000; clamped.
  explicit Adx(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next bar's high, low, close.
  void update(double high, double low, double close);
  // Next bar.
  void update(const Bar& bar) { update(bar.high, bar.low, bar.close); }
  // The newest bar was replaced.
  void revise(double high, double low, double close);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.high, bar.low, bar.close); }
  // TA_ADX would output a value for the newest bar.
  bool ready() const { return s_.count >= 2 * period_; }
  // TA_PLUS_DI / TA_MINUS_DI would output a value for the newest bar.
  bool di_ready() const { return s_.count > period_; }
  // ADX and the DIs. REQUIRES: di_ready() (adx is NaN unless ready()).
  AdxValue value() const;
  // TA_ADX_Lookback: 2·period − 1.
  int lookback() const { return 2 * period_ - 1; }
  // TA_PLUS_DI_Lookback / TA_MINUS_DI_Lookback: period.
  int di_lookback() const { return period_; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    int count = 0;  // bars seen, saturating at 2·period_
    double prev_high = 0, prev_low = 0, prev_close = 0;
    double plus_dm = 0, minus_dm = 0, tr = 0;
    double sum_dx = 0, adx = 0;
    double plus_di = 0, minus_di = 0;
  };
  int period_;
  bool any_ = false;
  State s_, saved_;
};

// On-balance volume (TA_OBV): starts at the first bar's volume, then ± volume on up/down
// closes, unchanged on an equal close. Lookback 0.
class Obv {
 public:
  // No parameters.
  Obv() = default;
  // Next bar's close and volume.
  void update(double close, double volume);
  // Next bar.
  void update(const Bar& bar) { update(bar.close, bar.volume); }
  // The newest bar was replaced.
  void revise(double close, double volume);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.close, bar.volume); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return s_.started; }
  // The OBV. REQUIRES: ready().
  double value() const { return s_.obv; }
  // TA_OBV_Lookback: 0.
  int lookback() const { return 0; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    bool started = false;
    double prev_close = 0;
    double obv = 0;
  };
  bool any_ = false;
  State s_, saved_;
};

// Williams %R (TA_WILLR): (HH − C)/((HH − LL)/−100) over the last `period` bars, 0 when
// HH = LL. Lookback period − 1.
class WilliamsR {
 public:
  // Period 2..100000; clamped.
  explicit WilliamsR(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next bar's high, low, close.
  void update(double high, double low, double close);
  // Next bar.
  void update(const Bar& bar) { update(bar.high, bar.low, bar.close); }
  // The newest bar was replaced.
  void revise(double high, double low, double close);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.high, bar.low, bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return n_ >= period_; }
  // %R in [−100, 0]. REQUIRES: ready().
  double value() const { return core_.value(); }
  // TA_WILLR_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double high, double low, double close);
  int period_;
  std::int64_t n_ = 0;  // bars given
  detail::ValueRing high_, low_, close_;
  detail::WillrCore core_;
};

// Commodity channel index (TA_CCI): tp = (H+L+C)/3; CCI = (tp − mean)/(0.015·meandev) over the
// last `period` typical prices, 0 when either the numerator or the mean deviation is exactly 0.
// The mean and the mean absolute deviation are recomputed from the ring each bar, summed in
// TA-Lib's circular-buffer slot order, so this one costs O(period) per bar (the mean absolute
// deviation cannot be updated incrementally). Lookback period − 1.
class Cci {
 public:
  // Period 2..100000; clamped.
  explicit Cci(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next bar's high, low, close.
  void update(double high, double low, double close);
  // Next bar.
  void update(const Bar& bar) { update(bar.high, bar.low, bar.close); }
  // The newest bar was replaced.
  void revise(double high, double low, double close);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.high, bar.low, bar.close); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return n_ >= period_; }
  // The CCI. REQUIRES: ready().
  double value() const { return core_.value(); }
  // TA_CCI_Lookback: period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double high, double low, double close);
  int period_;
  std::int64_t n_ = 0;  // bars given
  detail::ValueRing high_, low_, close_;
  detail::CciCore core_;
};

// Money flow index (TA_MFI): tp = (H+L+C)/3, flow = tp·volume, positive when tp rose, negative
// when it fell (neither when equal); running sums over the last `period` flows;
// MFI = 100·pos/(pos+neg), 0 when pos+neg < 1.0 (TA-Lib's absolute threshold). Lookback period.
class Mfi {
 public:
  // Period 2..100000; clamped.
  explicit Mfi(int period = 14);
  // Checks a period against TA-Lib's range.
  static Result<void> validate(int period);
  // Next bar's high, low, close, volume.
  void update(double high, double low, double close, double volume);
  // Next bar.
  void update(const Bar& bar) { update(bar.high, bar.low, bar.close, bar.volume); }
  // The newest bar was replaced.
  void revise(double high, double low, double close, double volume);
  // The newest bar was replaced.
  void revise(const Bar& bar) { revise(bar.high, bar.low, bar.close, bar.volume); }
  // TA-Lib would output a value for the newest bar.
  bool ready() const { return n_ > period_; }
  // MFI in [0, 100]. REQUIRES: ready().
  double value() const { return core_.value(); }
  // TA_MFI_Lookback: period.
  int lookback() const { return period_; }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double high, double low, double close, double volume);
  int period_;
  std::int64_t n_ = 0;  // bars given
  detail::ValueRing high_, low_, close_, volume_;
  detail::MfiCore core_;
};

// Session VWAP outputs.
struct VwapValue {
  double vwap = 0;    // Σv·tp / Σv
  double upper1 = 0;  // vwap + σ
  double lower1 = 0;  // vwap − σ
  double upper2 = 0;  // vwap + 2σ
  double lower2 = 0;  // vwap − 2σ
};

// Session VWAP with ±1σ/±2σ bands (not a TA-Lib function). Per bar tp = (H+L+C)/3 and volume
// v; within a New York trading day: vwap = Σv·tp/Σv, σ = sqrt(max(0, Σv·tp²/Σv − vwap²))
// (volume-weighted population deviation of tp around the vwap). Everything restarts when the
// New York date of Bar::start changes (midnight America/New_York, DST-aware), so pre/post
// market bars count toward their day if they are fed. ready() once the day has volume.
class Vwap {
 public:
  // No parameters.
  Vwap() = default;
  // Next bar (uses start, high, low, close, volume).
  void update(const Bar& bar);
  // The newest bar was replaced.
  void revise(const Bar& bar);
  // The current day has seen volume.
  bool ready() const { return s_.sum_v > 0; }
  // VWAP and bands. REQUIRES: ready().
  VwapValue value() const;
  // 0: a value is available from the first bar with volume of each day.
  int lookback() const { return 0; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    bool started = false;
    Timestamp day_start = 0;  // New York midnight of the current day, UTC ns
    double sum_v = 0, sum_vp = 0, sum_vpp = 0;
  };
  bool any_ = false;
  State s_, saved_;
  NewYorkDayCache days_;
};

// Relative volume: volume / SMA(volume, period), where the SMA is TA-Lib's (running total)
// over the last `period` bars *including* the current one, so a bar is compared with the
// window it belongs to and the value is 1 on a steady volume. 0 when that average is 0.
// Lookback period − 1.
class RelativeVolume {
 public:
  // Period 1..100000; clamped.
  explicit RelativeVolume(int period = 20);
  // Checks a period.
  static Result<void> validate(int period);
  // Next bar's volume.
  void update(double volume);
  // Next bar (uses volume).
  void update(const Bar& bar) { update(bar.volume); }
  // The newest volume was replaced.
  void revise(double volume);
  // The newest bar was replaced (uses volume).
  void revise(const Bar& bar) { revise(bar.volume); }
  // `period` volumes have been seen.
  bool ready() const { return n_ >= period_; }
  // volume / average. REQUIRES: ready().
  double value() const;
  // period − 1.
  int lookback() const { return period_ - 1; }
  // Back to the constructed state.
  void reset();

 private:
  // Writes the inputs of bar s.i and runs the core on it.
  void apply(detail::BarStep s, double volume);
  int period_;
  std::int64_t n_ = 0;  // values given
  detail::ValueRing x_;
  detail::SmaCore sma_;
};

// Pivot levels.
struct PivotValue {
  double p = 0;
  double r1 = 0, r2 = 0, r3 = 0;
  double s1 = 0, s2 = 0, s3 = 0;
};

// Which pivot formulas.
enum class PivotKind : std::uint8_t {
  // P=(H+L+C)/3, R1=2P−L, S1=2P−H, R2=P+(H−L), S2=P−(H−L), R3=H+2(P−L), S3=L−2(H−P).
  Standard,
  // P=(H+L+C)/3, R/S = P ± 0.382·(H−L), ± 0.618·(H−L), ± 1.000·(H−L).
  Fibonacci,
};

// Pivot points from the prior New York trading day's high, low and close, accumulated from the
// bars fed (intraday or daily; H = max high, L = min low, C = last close of that day, where
// the day is the New York date of Bar::start). A bar whose New York date differs from the
// current one starts a new day and makes the finished day the "prior day". The levels stay
// constant through the day. ready() from the first bar of the second day seen.
class Pivots {
 public:
  // Standard or Fibonacci levels.
  explicit Pivots(PivotKind kind = PivotKind::Standard) : kind_(kind) {}
  // Next bar (uses start, high, low, close).
  void update(const Bar& bar);
  // The newest bar was replaced.
  void revise(const Bar& bar);
  // A prior day is known.
  bool ready() const { return s_.has_prior; }
  // Today's levels of the kind given at construction. REQUIRES: ready().
  PivotValue value() const { return levels(kind_); }
  // Today's levels of either kind (both come from the same prior day). REQUIRES: ready().
  PivotValue levels(PivotKind kind) const;
  // 0: readiness depends on the calendar, not on a bar count.
  int lookback() const { return 0; }
  // Back to the constructed state.
  void reset();

 private:
  struct State {
    bool started = false;
    bool has_prior = false;
    Timestamp day_start = 0;
    double high = 0, low = 0, close = 0;                    // current day so far
    double prior_high = 0, prior_low = 0, prior_close = 0;  // the prior day
  };
  PivotKind kind_;
  bool any_ = false;
  State s_, saved_;
  NewYorkDayCache days_;
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
