#include "backtest/series_replay.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "tickstock/calendar.h"

#include "backtest/series_cells.h"
#include "backtest/sha256.h"
#include "backtest/strategy_sim.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A detection names its bar with 32 bits; five years of minute bars are 2.6 M.
constexpr std::size_t kMaxSeriesBars = std::size_t{1} << 31;

bool intraday(Timeframe tf) { return tf != Timeframe::D1; }

// Collects the scanner's detections of the newest bar: the job's patterns at or above its
// minimum confidence.
class DetectionSink final : public ScanSink {
 public:
  DetectionSink(std::vector<Detection>& out, const std::bitset<kPatternCount>& patterns,
                double min_confidence)
      : out_(out), patterns_(patterns), min_confidence_(min_confidence) {}
  void on_pattern(const PatternEvent& e) override {
    if (e.retracted || !keep_ || !patterns_.test(static_cast<std::size_t>(e.pattern)) ||
        e.confidence < min_confidence_) {
      return;
    }
    const SignalSide side = e.direction == PatternDirection::Neutral ? SignalSide::Neutral
                            : e.output < 0                           ? SignalSide::Bearish
                                                                     : SignalSide::Bullish;
    out_.push_back({bar_, e.pattern, side, e.output, e.confidence});
  }
  // The next events belong to bar `i`, kept only when `keep` (at or after start).
  void at(std::uint32_t i, bool keep) {
    bar_ = i;
    keep_ = keep;
  }

 private:
  std::vector<Detection>& out_;
  const std::bitset<kPatternCount>& patterns_;
  double min_confidence_;
  std::uint32_t bar_ = 0;
  bool keep_ = false;
};

// The entry price of a window at bar t, or NaN when there is none.
double entry_price(const SeriesBars& b, std::size_t t, EntryPrice entry) {
  if (entry == EntryPrice::SignalClose) return b.bars[t].close;
  return t + 1 < b.size() ? b.bars[t + 1].open : kNaN;
}

// Why the window (t, t+h] cannot be measured: past the bars read or, if bound, out of t's
// session; Censor::None when it can.
Censor window_censor(const SeriesBars& b, std::size_t t, int h, bool bound) {
  const std::size_t last = t + static_cast<std::size_t>(h);
  if (last >= b.size()) return Censor::PastEnd;
  return bound && b.segment[last] != b.segment[t] ? Censor::Session : Censor::None;
}
bool window_valid(const SeriesBars& b, std::size_t t, int h, bool bound) {
  return window_censor(b, t, h, bound) == Censor::None;
}

// The long windows of bar t into row `slot` of `bw`. The horizons are walked in ascending
// order, so each bar after t is read once for the extremes.
void measure_bar(std::size_t slot, std::size_t t, const SeriesBars& b, const BacktestOptions& o,
                 const std::vector<std::size_t>& ascending, bool bound, BarWindows& bw) {
  const double entry = entry_price(b, t, o.entry);
  const std::size_t nh = o.horizons.size(), row = slot * nh;
  bw.entry[slot] = entry;
  if (std::isnan(entry)) return;  // the row stays past_end
  double high = -std::numeric_limits<double>::infinity();
  double low = std::numeric_limits<double>::infinity();
  std::size_t j = t + 1;
  for (const std::size_t k : ascending) {
    const int h = o.horizons[k];
    const Censor c = window_censor(b, t, h, bound);
    bw.censor[row + k] = c;
    if (c != Censor::None) continue;
    const std::size_t last = t + static_cast<std::size_t>(h);
    for (; j <= last; ++j) {
      high = std::max(high, b.bars[j].high);
      low = std::min(low, b.bars[j].low);
    }
    bw.ret[row + k] = b.bars[last].close / entry - 1;
    bw.high[row + k] = high / entry - 1;
    bw.low[row + k] = low / entry - 1;
  }
}

// The windows of every bar with a detection (`by_bar`: the detections in bar order).
void measure_bars(const std::vector<Detection>& by_bar, const SeriesBars& b,
                  const BacktestOptions& o, bool bound, BarWindows& bw) {
  const std::size_t nh = o.horizons.size();
  std::vector<std::size_t> ascending(nh);
  for (std::size_t k = 0; k < nh; ++k) ascending[k] = k;
  std::sort(ascending.begin(), ascending.end(),
            [&](std::size_t a, std::size_t c) { return o.horizons[a] < o.horizons[c]; });
  std::size_t rows = 0;
  for (std::size_t i = 0; i < by_bar.size(); ++i)
    rows += i == 0 || by_bar[i].bar != by_bar[i - 1].bar ? 1 : 0;
  bw.slot.resize(by_bar.size());
  bw.entry.assign(rows, kNaN);
  bw.ret.assign(rows * nh, kNaN);
  bw.high.assign(rows * nh, kNaN);
  bw.low.assign(rows * nh, kNaN);
  bw.censor.assign(rows * nh, Censor::PastEnd);
  std::size_t slot = 0;
  for (std::size_t i = 0; i < by_bar.size(); ++i) {
    if (i > 0 && by_bar[i].bar != by_bar[i - 1].bar) ++slot;
    bw.slot[i] = static_cast<std::uint32_t>(slot);
    if (i == 0 || by_bar[i].bar != by_bar[i - 1].bar)
      measure_bar(slot, by_bar[i].bar, b, o, ascending, bound, bw);
  }
}

// The grouped detections' windows into `w` (row j: grouped detection j), from their bars'.
void measure_all(const GroupedDetections& g, const BarWindows& bw, std::size_t nh,
                 SeriesWindows& w) {
  const std::size_t n = g.detections.size();
  w.entry.resize(n);
  w.returns.resize(n * nh);
  w.mfe.resize(n * nh);
  w.mae.resize(n * nh);
  w.censor.resize(n * nh);
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t slot = bw.slot[g.from[j]], from = slot * nh, row = j * nh;
    w.entry[j] = bw.entry[slot];
    const bool is_long = g.detections[j].side != SignalSide::Bearish;
    const double sign = is_long ? 1.0 : -1.0;
    for (std::size_t k = 0; k < nh; ++k) {
      const Censor c = bw.censor[from + k];
      w.censor[row + k] = c;
      if (c != Censor::None) {
        w.returns[row + k] = w.mfe[row + k] = w.mae[row + k] = kNaN;
        continue;
      }
      w.returns[row + k] = sign * bw.ret[from + k];
      w.mfe[row + k] = is_long ? bw.high[from + k] : -bw.low[from + k];
      w.mae[row + k] = is_long ? bw.low[from + k] : -bw.high[from + k];
    }
  }
}

// Two passes over the bars, every horizon in each (sums in bar order per horizon, as two
// separate loops per horizon would run them): counts and means, then Σ(b − mean)².
std::vector<Baseline> baseline_of(const SeriesBars& b, const BacktestOptions& o, bool bound) {
  const std::size_t nh = o.horizons.size();
  std::vector<Baseline> out(nh);
  auto each_window = [&](auto&& use) {
    for (std::size_t u = b.first; u < b.size(); ++u) {
      const double p0 = entry_price(b, u, o.entry);
      if (std::isnan(p0)) continue;
      for (std::size_t k = 0; k < nh; ++k) {
        const int h = o.horizons[k];
        if (window_valid(b, u, h, bound))
          use(k, b.bars[u + static_cast<std::size_t>(h)].close / p0 - 1);
      }
    }
  };
  std::vector<double> sum(nh, 0.0);
  each_window([&](std::size_t k, double r) {
    Baseline& base = out[k];
    sum[k] += r;
    ++base.n;
    base.up += r > 0 ? 1 : 0;
    base.down += r < 0 ? 1 : 0;
  });
  for (std::size_t k = 0; k < nh; ++k)
    if (out[k].n > 0) out[k].mean = sum[k] / static_cast<double>(out[k].n);
  each_window([&](std::size_t k, double r) { out[k].m2 += (r - out[k].mean) * (r - out[k].mean); });
  return out;
}

// The rows of `w` (grouped order) moved to bar order: row j goes to row from[j].
SeriesWindows in_bar_order(const SeriesWindows& w, const std::vector<std::uint32_t>& from,
                           std::size_t nh) {
  SeriesWindows out;
  out.entry.resize(w.entry.size());
  out.returns.resize(w.returns.size());
  out.mfe.resize(w.mfe.size());
  out.mae.resize(w.mae.size());
  out.censor.resize(w.censor.size());
  for (std::size_t j = 0; j < from.size(); ++j) {
    const std::size_t i = from[j];
    out.entry[i] = w.entry[j];
    for (std::size_t k = 0; k < nh; ++k) {
      out.returns[i * nh + k] = w.returns[j * nh + k];
      out.mfe[i * nh + k] = w.mfe[j * nh + k];
      out.mae[i * nh + k] = w.mae[j * nh + k];
      out.censor[i * nh + k] = w.censor[j * nh + k];
    }
  }
  return out;
}

// Appends `bar` and its trading segment; `day` is the New York day of the previous bar.
void append_bar(SeriesBars& out, const Bar& bar, bool intraday_tf, NewYorkDayCache& days,
                Timestamp& day) {
  if (intraday_tf) {
    const Timestamp today = days.day_start(bar.start);
    const bool same = !out.bars.empty() && today == day && bar.session == out.bars.back().session;
    out.segment.push_back(out.segment.empty() ? 0 : out.segment.back() + (same ? 0 : 1));
    day = today;
  } else {
    out.segment.push_back(0);
  }
  out.bars.push_back(bar);
}

// Appends the fingerprint bytes of `bar` to `bytes`: its start and open, high, low, close and
// volume as this (little-endian) machine holds them, the documented layout.
void fingerprint_bytes(const Bar& bar, std::vector<std::uint8_t>& bytes) {
  static_assert(std::endian::native == std::endian::little);
  const double v[5] = {bar.open, bar.high, bar.low, bar.close, bar.volume};
  const std::size_t at = bytes.size();
  bytes.resize(at + sizeof bar.start + sizeof v);
  std::memcpy(bytes.data() + at, &bar.start, sizeof bar.start);
  std::memcpy(bytes.data() + at + sizeof bar.start, v, sizeof v);
}

}  // namespace

Result<void> read_series(const BacktestPlan::Series& s, const BacktestOptions& options,
                         BarSource& source, ReplayBuffers& buffers) {
  const SeriesRequest req{s.symbol, s.timeframe, options.start, options.end, options.warmup_bars};
  auto cursor = source.open(req);
  if (!cursor) return cursor.error();
  SeriesBars& out = buffers.bars;
  out.bars.clear();
  out.segment.clear();
  out.bars.reserve(s.bars);
  out.segment.reserve(s.bars);
  Sha256 digest;
  std::vector<Bar>& chunk = buffers.chunk;
  chunk.resize(kReplayChunk);
  std::vector<std::uint8_t>& bytes = buffers.bytes;
  NewYorkDayCache days;
  Timestamp day = 0;
  const bool intraday_tf = intraday(s.timeframe);
  for (;;) {
    auto n = (*cursor)->next_chunk(chunk);
    if (!n) return n.error();
    if (*n == 0) break;
    bytes.clear();
    for (std::size_t i = 0; i < *n; ++i) {
      const Bar& bar = chunk[i];
      if (bar.start > options.end) continue;  // never read past end
      if (!out.bars.empty() && bar.start <= out.bars.back().start) {
        return Error{"bars of " + s.symbol + " " + std::string(timeframe_name(s.timeframe)) +
                     " are not in time order at " + format_iso8601(bar.start)};
      }
      if (out.bars.size() >= kMaxSeriesBars) {
        return Error{"bars of " + s.symbol + " " + std::string(timeframe_name(s.timeframe)) +
                     ": more than " + std::to_string(kMaxSeriesBars) + " in one series"};
      }
      append_bar(out, bar, intraday_tf, days, day);
      fingerprint_bytes(bar, bytes);
    }
    digest.update(bytes.data(), bytes.size());
  }
  out.first = static_cast<std::size_t>(
      std::partition_point(out.bars.begin(), out.bars.end(),
                           [&](const Bar& b) { return b.start < options.start; }) -
      out.bars.begin());
  out.digest = digest.finish();
  return {};
}

SeriesOutcome replay_series(const BacktestPlan::Series& s, const BacktestOptions& options,
                            const std::bitset<kPatternCount>& patterns,
                            std::atomic<std::uint64_t>& done, const std::atomic<bool>* cancel,
                            ReplayBuffers& buffers) {
  const SeriesBars& bars = buffers.bars;
  SeriesOutcome out;
  out.symbol = s.symbol;
  out.timeframe = s.timeframe;
  out.bars = bars.size();
  out.digest = bars.digest;
  out.first = bars.first;
  if (bars.first < bars.size()) {
    out.first_bar = bars.bars[bars.first].start;
    out.last_bar = bars.bars.back().start;
  }
  // Patterns and their confidence read only the bars, so the indicators (and the alerts that
  // come from them) are left out: the same detections, at a fraction of the cost.
  ScannerOptions scan = options.scanner;
  scan.indicators.reset();
  SeriesScanner scanner(scan);
  // Into the worker's buffer: a series' detections (27 MB for 5 years of minutes) are copied
  // out only when the merge reads them, so no series leaves a grown-and-freed array behind.
  std::vector<Detection>& detections = buffers.detections;
  detections.clear();
  DetectionSink sink(detections, patterns, options.min_confidence);
  std::uint64_t counted = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if ((i + 1) % kReplayChunk == 0) {
      done += i + 1 - counted;
      counted = i + 1;
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        out.cancelled = true;
        return out;
      }
    }
    sink.at(static_cast<std::uint32_t>(i), i >= bars.first);
    Bar bar = bars.bars[i];
    bar.timeframe = s.timeframe;
    bar.revision = 0;
    scanner.update(bar, &sink);
  }
  done += bars.size() - counted;
  const bool bound = options.session_bound && intraday(s.timeframe);
  // Measured in group order, so that each group's windows are read in one sweep.
  GroupedDetections& grouped = buffers.grouped;
  SeriesWindows& windows = buffers.windows;
  group_detections(detections, grouped);
  measure_bars(detections, bars, options, bound, buffers.bar_windows);
  measure_all(grouped, buffers.bar_windows, options.horizons.size(), windows);
  out.baseline = baseline_of(bars, options, bound);
  add_series_cells(out, grouped, windows, options);
  if (options.keep_signals) {
    out.windows = in_bar_order(windows, grouped.from, options.horizons.size());
    out.detection_starts.reserve(detections.size());
    for (const Detection& d : detections) out.detection_starts.push_back(bars.bars[d.bar].start);
  }
  out.events = detections.size();
  const bool trades = options.strategy && s.timeframe == strategy_timeframe(options);
  if (trades) {
    out.strategy_bars.assign(bars.bars.begin() + static_cast<std::ptrdiff_t>(bars.first),
                             bars.bars.end());
  }
  if (trades || options.keep_signals) out.detections.assign(detections.begin(), detections.end());
  return out;
}

}  // namespace tickstock::backtest
