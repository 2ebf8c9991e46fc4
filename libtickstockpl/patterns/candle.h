// Candle primitives and the per-function running totals shared by the CDL detectors.
// Definitions follow TA-Lib 0.6 (ta_utility.h) operation for operation, so that results are
// bit-identical; see tests/lib/patterns for the parity tests.
#ifndef TICKSTOCK_PATTERNS_CANDLE_H_
#define TICKSTOCK_PATTERNS_CANDLE_H_

#include <array>
#include <cmath>
#include <cstdint>

#include "tickstock/candle_settings.h"

namespace tickstock::detail {

// OHLC of one candle.
struct Candle {
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
};

inline double real_body(const Candle& c) { return std::fabs(c.close - c.open); }
inline double high_low(const Candle& c) { return c.high - c.low; }
// TA-Lib: close >= open is white (+1), a doji with close == open counts as white.
inline int color(const Candle& c) { return c.close >= c.open ? 1 : -1; }
inline double upper_shadow(const Candle& c) {
  return c.high - (c.close >= c.open ? c.close : c.open);
}
inline double lower_shadow(const Candle& c) {
  return (c.close >= c.open ? c.open : c.close) - c.low;
}
// Real-body gap up of `b` over the earlier candle `a`.
inline bool real_body_gap_up(const Candle& b, const Candle& a) {
  return std::fmin(b.open, b.close) > std::fmax(a.open, a.close);
}
// Real-body gap down of `b` under the earlier candle `a`.
inline bool real_body_gap_down(const Candle& b, const Candle& a) {
  return std::fmax(b.open, b.close) < std::fmin(a.open, a.close);
}
inline bool candle_gap_up(const Candle& b, const Candle& a) { return b.low > a.high; }
inline bool candle_gap_down(const Candle& b, const Candle& a) { return b.high < a.low; }

// The quantity a setting measures on one candle (TA_CANDLERANGE).
inline double candle_range(CandleRange range, const Candle& c) {
  switch (range) {
    case CandleRange::RealBody:
      return real_body(c);
    case CandleRange::HighLow:
      return high_low(c);
    case CandleRange::Shadows:
      return upper_shadow(c) + lower_shadow(c);
  }
  return 0;
}

// The reference value of setting `s` (TA_CANDLEAVERAGE): `total` is the running sum over the
// avg_period candles before `c`; with avg_period 0 the candle's own range is used.
inline double candle_average(const CandleSetting& s, double total, const Candle& c) {
  return s.factor *
         (s.avg_period != 0 ? total / static_cast<double>(s.avg_period)
                            : candle_range(s.range, c)) /
         (s.range == CandleRange::Shadows ? 2.0 : 1.0);
}

// The most recent candles, newest first. Fixed capacity, never allocates.
class CandleRing {
 public:
  static constexpr int kCapacity = 32;  // > the longest lookback settings may produce

  // Appends the next candle.
  void push(const Candle& c) {
    ++count_;
    buf_[static_cast<std::size_t>(count_ - 1) & kMask] = c;
  }
  // Replaces the newest candle (a revised bar). REQUIRES: count() > 0.
  void replace_newest(const Candle& c) { buf_[static_cast<std::size_t>(count_ - 1) & kMask] = c; }
  // The candle `back` steps before the newest (0 = newest). REQUIRES: back < min(count, kCapacity).
  const Candle& operator[](int back) const {
    return buf_[static_cast<std::size_t>(count_ - 1 - back) & kMask];
  }
  // Candles pushed since construction; the newest has series index count() - 1.
  std::int64_t count() const { return count_; }
  // Index in the series of the newest candle (-1 when empty).
  std::int64_t newest_index() const { return count_ - 1; }

 private:
  static constexpr std::size_t kMask = kCapacity - 1;
  std::array<Candle, kCapacity> buf_{};
  std::int64_t count_ = 0;
};

// TA-Lib keeps, inside each CDL function, one running total per (setting, candle position).
// The total for the candle `pos` steps before the newest covers the avg_period candles before
// that candle. It is first summed oldest-to-newest at the function's first output bar, then
// moved by `total += range(entering) - range(leaving)` (difference first), exactly as TA-Lib
// does, because the rounding history decides ties at the last ulp.
//
// Streaming form: call advance() once per new candle, before evaluating it. It starts the total
// when the newest index equals `lookback`, and rolls it forward afterwards. The total for the
// newest bar depends only on older candles, so a revised newest candle needs no undo: on a
// revision simply do not call advance() again.
class CandleTotal {
 public:
  // REQUIRES: the newest candle of `r` is new since the previous call; lookback is the
  // function's lookback; pos is the candle position in the pattern (0 = newest).
  void advance(const CandleSetting& s, const CandleRing& r, std::int64_t lookback, int pos) {
    const std::int64_t n = r.newest_index();
    if (n < lookback) return;
    if (n == lookback) {
      total_ = 0;
      for (int k = pos + s.avg_period; k > pos; --k) total_ += candle_range(s.range, r[k]);
      return;
    }
    // After the previous output TA-Lib added the candle that was then at `pos` (now pos + 1)
    // and removed the one avg_period older.
    total_ += candle_range(s.range, r[pos + 1]) - candle_range(s.range, r[pos + 1 + s.avg_period]);
  }
  // The running total (meaningful once the newest index >= lookback).
  double value() const { return total_; }
  // The setting's reference value for candle `c` (which must be the candle at `pos`).
  double average(const CandleSetting& s, const Candle& c) const {
    return candle_average(s, total_, c);
  }

 private:
  double total_ = 0;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CANDLE_H_
