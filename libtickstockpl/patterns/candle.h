// Candle primitives and the per-function running totals shared by the CDL detectors.
// Definitions follow TA-Lib 0.6 (ta_utility.h) operation for operation, so that results are
// bit-identical; see tests/lib/patterns for the parity tests.
#ifndef TICKSTOCK_PATTERNS_CANDLE_H_
#define TICKSTOCK_PATTERNS_CANDLE_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

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
[[gnu::always_inline]] inline double candle_range(CandleRange range, const Candle& c) {
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

// The reference value of setting `s` (TA_CANDLEAVERAGE) given `mean`, the running total over
// the avg_period candles before `c` divided by avg_period; with avg_period 0 the candle's own
// range is used. TA-Lib divides by 2.0 (Shadows) or 1.0 last: x * 0.5 and x are the same
// doubles, without a division.
[[gnu::always_inline]] inline double candle_average_of_mean(const CandleSetting& s, double mean,
                                                            const Candle& c) {
  const double v = s.factor * (s.avg_period != 0 ? mean : candle_range(s.range, c));
  return s.range == CandleRange::Shadows ? v * 0.5 : v;
}

// The same from the running total itself.
[[gnu::always_inline]] inline double candle_average(const CandleSetting& s, double total,
                                                    const Candle& c) {
  return candle_average_of_mean(
      s, s.avg_period != 0 ? total / static_cast<double>(s.avg_period) : 0.0, c);
}

// The most recent candles, newest first, and the running totals the detectors reading them
// registered (see CandleTotal). Fixed capacity; allocates only when a total is first registered.
class CandleRing {
 public:
  static constexpr int kCapacity = 32;  // > the longest lookback settings may produce

  // Appends the next candle and moves every registered total forward.
  void push(const Candle& c) {
    ++count_;
    buf_[static_cast<std::size_t>(count_ - 1) & kMask] = c;
    advance_totals();
  }
  // Replaces the newest candle (a revised bar). The totals only cover older candles, so they
  // stay. REQUIRES: count() > 0.
  void replace_newest(const Candle& c) { buf_[static_cast<std::size_t>(count_ - 1) & kMask] = c; }
  // The candle `back` steps before the newest (0 = newest). REQUIRES: back < min(count, kCapacity).
  const Candle& operator[](int back) const {
    return buf_[static_cast<std::size_t>(count_ - 1 - back) & kMask];
  }
  // Candles pushed since construction; the newest has series index count() - 1.
  std::int64_t count() const { return count_; }
  // Index in the series of the newest candle (-1 when empty).
  std::int64_t newest_index() const { return count_ - 1; }

  // The slot of the running total of `s` for candle position `pos` in a function with this
  // lookback, registered on first use. Totals with the same range, period, lookback and
  // position are the same number, so detectors sharing one ring share them. Registration is
  // bookkeeping, hence const. REQUIRES: called right after the push() of the candle evaluated.
  std::uint16_t register_total(const CandleSetting& s, std::int64_t lookback, int pos) const {
    const TotalKey k{static_cast<std::int32_t>(lookback), static_cast<std::uint8_t>(s.range),
                     static_cast<std::uint8_t>(s.avg_period), static_cast<std::uint8_t>(pos)};
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == k) return static_cast<std::uint16_t>(i);
    keys_.push_back(k);
    totals_.push_back(0);
    means_.push_back(0);
    if (newest_index() == lookback) {
      start(k, totals_.back());
      means_.back() = mean_of(k, totals_.back());
    }
    // Keep order_ grouped by (range, period, position): the totals of one group move by the
    // same difference, computed once per push.
    const auto slot = static_cast<std::uint16_t>(keys_.size() - 1);
    auto at = order_.begin();
    while (at != order_.end() && !(k.group() < keys_[*at].group())) ++at;
    order_.insert(at, slot);
    groups_.clear();
    for (std::size_t i = 0; i < order_.size(); ++i) {
      const TotalKey& o = keys_[order_[i]];
      if (groups_.empty() || keys_[order_[groups_.back().begin]].group() != o.group())
        groups_.push_back({static_cast<std::uint16_t>(i), 0, o.range, o.avg_period, o.pos});
      groups_.back().end = static_cast<std::uint16_t>(i + 1);
    }
    max_lookback_ = std::max(max_lookback_, k.lookback);
    return slot;
  }
  // The running total in `slot`.
  [[gnu::always_inline]] double total(std::uint16_t slot) const { return totals_[slot]; }
  // The running total in `slot` divided by its period (0 for period 0), as of the last push.
  [[gnu::always_inline]] double mean(std::uint16_t slot) const { return means_[slot]; }
  // Gives back the spare capacity of the totals once every detector has registered.
  void shrink_totals() {
    keys_.shrink_to_fit();
    totals_.shrink_to_fit();
    means_.shrink_to_fit();
    order_.shrink_to_fit();
    groups_.shrink_to_fit();
  }
  // Number of distinct totals registered.
  std::size_t total_count() const { return keys_.size(); }

 private:
  struct TotalKey {
    std::int32_t lookback;
    std::uint8_t range, avg_period, pos;
    bool operator==(const TotalKey&) const = default;
    std::uint32_t group() const {
      return std::uint32_t{range} << 16 | std::uint32_t{avg_period} << 8 | pos;
    }
  };
  static double range_of(const TotalKey& k, const Candle& c) {
    return candle_range(static_cast<CandleRange>(k.range), c);
  }
  // TA-Lib first sums the total oldest-to-newest at the function's first output bar.
  void start(const TotalKey& k, double& total) const {
    total = 0;
    for (int i = k.pos + k.avg_period; i > k.pos; --i) total += range_of(k, (*this)[i]);
  }
  // Then it moves it by `total += range(entering) - range(leaving)` (difference first), exactly
  // as TA-Lib does, because the rounding history decides ties at the last ulp. After the
  // previous output TA-Lib added the candle that was then at `pos` (now pos + 1) and removed
  // the one avg_period older. The difference depends only on (range, period, position).
  void advance_totals() {
    const std::int64_t n = newest_index();
    if (n > max_lookback_) {  // every total is rolling: one difference per group
      for (const Group& g : groups_) {
        const auto range = static_cast<CandleRange>(g.range);
        const double diff = candle_range(range, (*this)[g.pos + 1]) -
                            candle_range(range, (*this)[g.pos + 1 + g.avg_period]);
        const double period = g.avg_period;
        for (std::uint16_t i = g.begin; i < g.end; ++i) {
          const std::uint16_t slot = order_[i];
          totals_[slot] += diff;
          if (g.avg_period != 0) means_[slot] = totals_[slot] / period;
        }
      }
      return;
    }
    std::uint32_t group = 0xffffffffu;
    double diff = 0;
    for (const std::uint16_t slot : order_) {
      const TotalKey& k = keys_[slot];
      double& total = totals_[slot];
      if (n < k.lookback) continue;
      if (n == k.lookback) {
        start(k, total);
      } else {
        if (k.group() != group) {
          group = k.group();
          diff = range_of(k, (*this)[k.pos + 1]) - range_of(k, (*this)[k.pos + 1 + k.avg_period]);
        }
        total += diff;
      }
      means_[slot] = mean_of(k, total);
    }
  }
  static double mean_of(const TotalKey& k, double total) {
    return k.avg_period != 0 ? total / static_cast<double>(k.avg_period) : 0.0;
  }

  static constexpr std::size_t kMask = kCapacity - 1;
  std::array<Candle, kCapacity> buf_{};
  std::int64_t count_ = 0;
  mutable std::vector<TotalKey> keys_;
  mutable std::vector<double> totals_;
  mutable std::vector<double> means_;         // totals_[i] / period, refreshed on push
  mutable std::vector<std::uint16_t> order_;  // slots sorted by TotalKey::group()
  struct Group {
    std::uint16_t begin, end;  // a run of order_ with one group
    std::uint8_t range, avg_period, pos;
  };
  mutable std::vector<Group> groups_;
  mutable std::int32_t max_lookback_ = -1;  // of the registered totals
};

// TA-Lib keeps, inside each CDL function, one running total per (setting, candle position):
// for the candle `pos` steps before the newest it covers the avg_period candles before that
// candle. The totals live in the CandleRing (see CandleRing::register_total); this is a
// detector's handle to one of them.
//
// Streaming form: call advance() once per new candle, before evaluating it (the first call
// registers the total; the ring moves it on every push). The total for the newest bar depends
// only on older candles, so a revised newest candle needs no undo: on a revision simply do not
// call advance() again.
class CandleTotal {
 public:
  // REQUIRES: the newest candle of `r` is new since the previous call; lookback is the
  // function's lookback; pos is the candle position in the pattern (0 = newest).
  void advance(const CandleSetting& s, const CandleRing& r, std::int64_t lookback, int pos) {
    if (slot_ == kUnset) slot_ = r.register_total(s, lookback, pos);
  }
  // The setting's reference value for candle `c` (which must be the candle at `pos`).
  [[gnu::always_inline]] double average(const CandleRing& r, const CandleSetting& s,
                                        const Candle& c) const {
    return candle_average_of_mean(s, r.mean(slot_), c);
  }

 private:
  static constexpr std::uint16_t kUnset = 0xffff;
  std::uint16_t slot_ = kUnset;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CANDLE_H_
