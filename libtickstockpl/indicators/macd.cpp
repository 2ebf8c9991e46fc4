// Macd: TA_MACD (EMA-based, both EMAs started at bar slow−1).
#include <utility>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

namespace {
double per_to_k(int period) { return 2.0 / static_cast<double>(period + 1); }
}  // namespace

MacdStream::MacdStream(int fast, int slow, int signal)
    : fast_(clamp_period(fast, 2)),
      slow_(clamp_period(slow, 2)),
      signal_(clamp_period(signal, 2)),
      k_fast_(0),
      k_slow_(0),
      k_signal_(0) {
  if (slow_ < fast_) std::swap(fast_, slow_);  // as TA-Lib does
  k_fast_ = per_to_k(fast_);
  k_slow_ = per_to_k(slow_);
  k_signal_ = per_to_k(signal_);
}

Result<void> MacdStream::validate(int fast, int slow, int signal) {
  if (auto r = check_period("MACD fast", fast, 2); !r) return r;
  if (auto r = check_period("MACD slow", slow, 2); !r) return r;
  // 1 would be TA-Lib's range, but TA-Lib 0.6 returns garbage for it (see the header).
  return check_period("MACD signal", signal, 2);
}

void MacdStream::update(BarStep s, double x) {
  save_or_restore(s.fresh, s_, saved_);
  if (s_.count < slow_) {
    // Seeds: the slow EMA averages bars 0..slow−1, the fast one only bars slow−fast..slow−1.
    s_.slow_sum += x;
    if (s_.count >= slow_ - fast_) s_.fast_sum += x;
    if (++s_.count < slow_) return;
    s_.slow = s_.slow_sum / slow_;
    s_.fast = s_.fast_sum / fast_;
  } else {
    s_.slow = ((x - s_.slow) * k_slow_) + s_.slow;
    s_.fast = ((x - s_.fast) * k_fast_) + s_.fast;
  }
  s_.macd = s_.fast - s_.slow;
  // Signal: an EMA over the MACD line, seeded with the SMA of its first `signal` values.
  if (s_.sig_count < signal_) {
    s_.sig_sum += s_.macd;
    if (++s_.sig_count == signal_) s_.signal = s_.sig_sum / signal_;
  } else {
    s_.signal = ((s_.macd - s_.signal) * k_signal_) + s_.signal;
  }
}

}  // namespace tickstock::detail
