// Candle primitives and the per-function running totals shared by the CDL detectors.
// Definitions follow TA-Lib 0.6 (ta_utility.h) operation for operation, so that results are
// bit-identical; see tests/lib/patterns for the parity tests.
#ifndef TICKSTOCK_PATTERNS_CANDLE_H_
#define TICKSTOCK_PATTERNS_CANDLE_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
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

// The running totals the detectors of one configuration read (see CandleTotal): which ones
// exist and in what order a ring moves them. Built once, before any ring uses it, and shared
// by the rings of every series with that configuration.
class TotalsLayout {
 public:
  // The slot of the running total of `s` for candle position `pos` in a function with this
  // lookback, added on first use. Totals with the same range, period, lookback and position
  // are the same number, so detectors sharing a layout share them.
  std::uint16_t register_total(const CandleSetting& s, std::int64_t lookback, int pos) {
    const TotalKey k{static_cast<std::int32_t>(lookback), static_cast<std::uint8_t>(s.range),
                     static_cast<std::uint8_t>(s.avg_period), static_cast<std::uint8_t>(pos)};
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == k) return static_cast<std::uint16_t>(i);
    keys_.push_back(k);
    divisors_.push_back(k.avg_period != 0 ? k.avg_period : 1.0);
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
    depth_ = std::max(depth_, static_cast<int>(k.pos) + k.avg_period + 2);
    return slot;
  }
  // Number of distinct totals.
  std::size_t size() const { return keys_.size(); }
  // Candles a ring must hold to move these totals (the newest plus the oldest one leaving).
  int depth() const { return depth_; }

 private:
  friend class CandleRing;
  struct TotalKey {
    std::int32_t lookback;
    std::uint8_t range, avg_period, pos;
    bool operator==(const TotalKey&) const = default;
    std::uint32_t group() const {
      return std::uint32_t{range} << 16 | std::uint32_t{avg_period} << 8 | pos;
    }
  };
  struct Group {
    std::uint16_t begin, end;  // a run of order_ with one group
    std::uint8_t range, avg_period, pos;
  };
  std::vector<TotalKey> keys_;
  std::vector<std::uint16_t> order_;  // slots sorted by TotalKey::group()
  std::vector<Group> groups_;
  std::vector<double> divisors_;    // by slot: the period, or 1 for period 0 (the total stays 0)
  std::int32_t max_lookback_ = -1;  // of all totals
  int depth_ = 0;
};

// The most recent candles of one series, newest first, and the running totals of a layout.
// Its size is fixed at construction; pushing never allocates.
class CandleRing {
 public:
  // Candles every ring holds at least: the five of the longest pattern and the older ones
  // its totals read, with TA-Lib's default settings.
  static constexpr int kMinCapacity = 16;

  // A ring for the totals of `layout`, which must be complete and outlive the ring, holding
  // at least `min_capacity` candles.
  explicit CandleRing(const TotalsLayout& layout, int min_capacity = kMinCapacity)
      : layout_(&layout),
        mask_(capacity_for(std::max(min_capacity, layout.depth())) - 1),
        buf_(new Candle[mask_ + 1]),
        totals_(new double[2 * std::max<std::size_t>(layout.size(), 1)]()),
        means_(totals_.get() + layout.size()) {}

  // Appends the next candle and moves every total forward.
  void push(const Candle& c) {
    ++count_;
    buf_[static_cast<std::size_t>(count_ - 1) & mask_] = c;
    advance_totals();
  }
  // Replaces the newest candle (a revised bar). The totals only cover older candles, so they
  // stay. REQUIRES: count() > 0.
  void replace_newest(const Candle& c) { buf_[static_cast<std::size_t>(count_ - 1) & mask_] = c; }
  // The candle `back` steps before the newest (0 = newest). REQUIRES: back < min(count,
  // capacity).
  const Candle& operator[](int back) const {
    return buf_[static_cast<std::size_t>(count_ - 1 - back) & mask_];
  }
  // The candle of series index i is data()[i & mask()] (for views of one field).
  const Candle* data() const { return buf_.get(); }
  // Candles held, minus 1 (a power of two minus 1).
  std::size_t mask() const { return mask_; }
  // Candles pushed since construction; the newest has series index count() - 1.
  std::int64_t count() const { return count_; }
  // Index in the series of the newest candle (-1 when empty).
  std::int64_t newest_index() const { return count_ - 1; }
  // The running total in `slot` divided by its period (0 for period 0), as of the last push.
  [[gnu::always_inline]] double mean(std::uint16_t slot) const { return means_[slot]; }

 private:
  using TotalKey = TotalsLayout::TotalKey;
  static std::size_t capacity_for(int n) {
    std::size_t c = 1;
    while (c < static_cast<std::size_t>(n)) c <<= 1;
    return c;
  }
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
    const TotalsLayout& l = *layout_;
    const std::int64_t n = newest_index();
    double* totals = totals_.get();
    double* means = means_;
    if (n > l.max_lookback_) {  // every total is rolling: one difference per group
      for (const TotalsLayout::Group& g : l.groups_) {
        const auto range = static_cast<CandleRange>(g.range);
        const double diff = candle_range(range, (*this)[g.pos + 1]) -
                            candle_range(range, (*this)[g.pos + 1 + g.avg_period]);
        for (std::uint16_t i = g.begin; i < g.end; ++i) totals[l.order_[i]] += diff;
      }
      // One contiguous loop of independent divisions, which the compiler packs two (or more)
      // to an instruction: the divisions are most of the time a push takes. Each lane is the
      // same IEEE division as a scalar one. A total of period 0 stays 0 and is divided by 1.
      const double* divisors = l.divisors_.data();
      const std::size_t count = l.keys_.size();
      for (std::size_t i = 0; i < count; ++i) means[i] = totals[i] / divisors[i];
      return;
    }
    std::uint32_t group = 0xffffffffu;
    double diff = 0;
    for (const std::uint16_t slot : l.order_) {
      const TotalKey& k = l.keys_[slot];
      double& total = totals[slot];
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
      means[slot] = k.avg_period != 0 ? total / static_cast<double>(k.avg_period) : 0.0;
    }
  }

  const TotalsLayout* layout_;
  std::size_t mask_;                  // capacity - 1 (a power of two)
  std::unique_ptr<Candle[]> buf_;     // by series index & mask_
  std::unique_ptr<double[]> totals_;  // the totals by slot, then their means
  double* means_;                     // into totals_
  std::int64_t count_ = 0;
};

// TA-Lib keeps, inside each CDL function, one running total per (setting, candle position):
// for the candle `pos` steps before the newest it covers the avg_period candles before that
// candle. The totals live in the CandleRing, laid out by a TotalsLayout; this is a detector's
// handle to one of them. The total for the newest candle depends only on older candles, so a
// revised newest candle needs no undo.
class CandleTotal {
 public:
  // Adds the total of `s` for candle position `pos` (0 = newest) in a function with this
  // lookback to `layout` (or finds it there).
  void register_with(TotalsLayout& layout, const CandleSetting& s, std::int64_t lookback, int pos) {
    slot_ = layout.register_total(s, lookback, pos);
  }
  // The setting's reference value for candle `c` (which must be the candle at `pos`).
  [[gnu::always_inline]] double average(const CandleRing& r, const CandleSetting& s,
                                        const Candle& c) const {
    return candle_average_of_mean(s, r.mean(slot_), c);
  }

 private:
  std::uint16_t slot_ = 0;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CANDLE_H_
