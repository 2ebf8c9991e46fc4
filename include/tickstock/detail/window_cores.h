// The windowed indicator cores: an indicator's running state but not its window. The caller
// keeps the inputs in a ring (BasicIndicator's streams their own, a scanner one per series for
// all its indicators) and passes views of it. update(i, fresh, ...) takes bar i, the newest;
// with fresh = false it replaces bar i given before (a revision), from the state bar i
// started from.
#ifndef TICKSTOCK_DETAIL_WINDOW_CORES_H_
#define TICKSTOCK_DETAIL_WINDOW_CORES_H_

#include <cstdint>

#include "tickstock/detail/series.h"

namespace tickstock::detail {

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

}  // namespace tickstock::detail

#endif  // TICKSTOCK_DETAIL_WINDOW_CORES_H_
