// Stoch: TA_STOCH with SMA smoothing for slow %K and slow %D.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock {

Stoch::Stoch(int fast_k, int slow_k, int slow_d)
    : fast_k_(detail::clamp_period(fast_k, 1)),
      slow_k_(detail::clamp_period(slow_k, 1)),
      slow_d_(detail::clamp_period(slow_d, 1)),
      highest_(fast_k_),
      lowest_(fast_k_),
      slow_k_sma_(slow_k_),
      slow_d_sma_(slow_d_) {}

Result<void> Stoch::validate(int fast_k, int slow_k, int slow_d) {
  if (auto r = detail::check_period("STOCH fastK", fast_k, 1); !r) return r;
  if (auto r = detail::check_period("STOCH slowK", slow_k, 1); !r) return r;
  return detail::check_period("STOCH slowD", slow_d, 1);
}

void Stoch::checkpoint() {
  saved_count_ = count_;
  highest_.checkpoint();
  lowest_.checkpoint();
  slow_k_sma_.checkpoint();
  slow_d_sma_.checkpoint();
}

void Stoch::update(double high, double low, double close) {
  any_ = true;
  checkpoint();
  const double hh = highest_.push(high);
  const double ll = lowest_.push(low);
  if (count_ < fast_k_ - 1) {
    ++count_;
    return;
  }
  count_ = fast_k_;
  // TA-Lib keeps diff = (HH − LL)/100 and divides by it (not a multiply by 100).
  const double diff = (hh - ll) / 100.0;
  const double fast_k = diff != 0.0 ? (close - ll) / diff : 0.0;
  slow_k_sma_.push(fast_k);
  if (slow_k_sma_.ready()) slow_d_sma_.push(slow_k_sma_.value());
}

void Stoch::revise(double high, double low, double close) {
  if (any_) {
    count_ = saved_count_;
    highest_.rollback();
    lowest_.rollback();
    slow_k_sma_.rollback();
    slow_d_sma_.rollback();
  }
  update(high, low, close);
}

void Stoch::reset() {
  any_ = false;
  count_ = saved_count_ = 0;
  highest_.reset();
  lowest_.reset();
  slow_k_sma_.reset();
  slow_d_sma_.reset();
}

}  // namespace tickstock
