#include "backtest/series_replay.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "tickstock/calendar.h"

#include "backtest/sha256.h"
#include "backtest/strategy_sim.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool intraday(Timeframe tf) { return tf != Timeframe::D1; }

// Collects the scanner's detections of the newest bar.
class DetectionSink final : public ScanSink {
 public:
  explicit DetectionSink(std::vector<Detection>& out) : out_(out) {}
  void on_pattern(const PatternEvent& e) override {
    if (e.retracted || !keep_) return;
    Detection d;
    d.pattern = e.pattern;
    d.output = e.output;
    d.confidence = e.confidence;
    d.bar = bar_;
    d.side = e.direction == PatternDirection::Neutral ? SignalSide::Neutral
             : e.output < 0                           ? SignalSide::Bearish
                                                      : SignalSide::Bullish;
    out_.push_back(std::move(d));
  }
  // The next events belong to bar `i`, kept only when `keep` (at or after start).
  void at(std::int64_t i, bool keep) {
    bar_ = i;
    keep_ = keep;
  }

 private:
  std::vector<Detection>& out_;
  std::int64_t bar_ = 0;
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

void measure(Detection& d, const SeriesBars& b, const BacktestOptions& o, bool bound) {
  const auto t = static_cast<std::size_t>(d.bar);
  const double sign = d.side == SignalSide::Bearish ? -1.0 : 1.0;
  d.bar_start = b.bars[t].start;
  d.entry = entry_price(b, t, o.entry);
  const std::size_t nh = o.horizons.size();
  d.returns.assign(nh, kNaN);
  d.mfe.assign(nh, kNaN);
  d.mae.assign(nh, kNaN);
  d.censor.assign(nh, Censor::PastEnd);
  if (std::isnan(d.entry)) return;
  for (std::size_t k = 0; k < nh; ++k) {
    const int h = o.horizons[k];
    d.censor[k] = window_censor(b, t, h, bound);
    if (d.censor[k] != Censor::None) continue;
    const std::size_t last = t + static_cast<std::size_t>(h);
    d.returns[k] = sign * (b.bars[last].close / d.entry - 1);
    double fav = -std::numeric_limits<double>::infinity();
    double adv = std::numeric_limits<double>::infinity();
    for (std::size_t j = t + 1; j <= last; ++j) {
      const double best = sign > 0 ? b.bars[j].high : b.bars[j].low;
      const double worst = sign > 0 ? b.bars[j].low : b.bars[j].high;
      fav = std::max(fav, sign * (best / d.entry - 1));
      adv = std::min(adv, sign * (worst / d.entry - 1));
    }
    d.mfe[k] = fav;
    d.mae[k] = adv;
  }
}

std::vector<Baseline> baseline_of(const SeriesBars& b, const BacktestOptions& o, bool bound) {
  std::vector<Baseline> out(o.horizons.size());
  for (std::size_t k = 0; k < o.horizons.size(); ++k) {
    Baseline& base = out[k];
    const int h = o.horizons[k];
    double sum = 0;
    for (std::size_t u = b.first; u < b.size(); ++u) {
      const double p0 = entry_price(b, u, o.entry);
      if (std::isnan(p0) || !window_valid(b, u, h, bound)) continue;
      const double r = b.bars[u + static_cast<std::size_t>(h)].close / p0 - 1;
      sum += r;
      ++base.n;
      base.up += r > 0 ? 1 : 0;
      base.down += r < 0 ? 1 : 0;
    }
    if (base.n == 0) continue;
    base.mean = sum / static_cast<double>(base.n);
    for (std::size_t u = b.first; u < b.size(); ++u) {
      const double p0 = entry_price(b, u, o.entry);
      if (std::isnan(p0) || !window_valid(b, u, h, bound)) continue;
      const double r = b.bars[u + static_cast<std::size_t>(h)].close / p0 - 1;
      base.m2 += (r - base.mean) * (r - base.mean);
    }
  }
  return out;
}

void append_bar(SeriesBars& out, const Bar& bar, bool intraday_tf, Date& last_date,
                Sha256& digest) {
  if (intraday_tf) {
    const Date date = new_york_date(bar.start);
    const bool same =
        !out.bars.empty() && date == last_date && bar.session == out.bars.back().session;
    out.segment.push_back(out.segment.empty() ? 0 : out.segment.back() + (same ? 0 : 1));
    last_date = date;
  } else {
    out.segment.push_back(0);
  }
  out.bars.push_back(bar);
  // The bytes as this (little-endian) machine holds them: the documented layout.
  static_assert(std::endian::native == std::endian::little);
  const double v[5] = {bar.open, bar.high, bar.low, bar.close, bar.volume};
  digest.update(&bar.start, sizeof bar.start);
  digest.update(v, sizeof v);
}

}  // namespace

Result<SeriesBars> read_series(const BacktestPlan::Series& s, const BacktestOptions& options,
                               BarSource& source) {
  const SeriesRequest req{s.symbol, s.timeframe, options.start, options.end, options.warmup_bars};
  auto cursor = source.open(req);
  if (!cursor) return cursor.error();
  SeriesBars out;
  Sha256 digest;
  std::vector<Bar> chunk(kReplayChunk);
  Date last_date;
  const bool intraday_tf = intraday(s.timeframe);
  for (;;) {
    auto n = (*cursor)->next_chunk(chunk);
    if (!n) return n.error();
    if (*n == 0) break;
    for (std::size_t i = 0; i < *n; ++i) {
      const Bar& bar = chunk[i];
      if (bar.start > options.end) continue;  // never read past end
      if (!out.bars.empty() && bar.start <= out.bars.back().start) {
        return Error{"bars of " + s.symbol + " " + std::string(timeframe_name(s.timeframe)) +
                     " are not in time order at " + format_iso8601(bar.start)};
      }
      append_bar(out, bar, intraday_tf, last_date, digest);
    }
  }
  out.first = static_cast<std::size_t>(
      std::partition_point(out.bars.begin(), out.bars.end(),
                           [&](const Bar& b) { return b.start < options.start; }) -
      out.bars.begin());
  out.digest = digest.finish();
  return out;
}

SeriesOutcome replay_series(const BacktestPlan::Series& s, const SeriesBars& bars,
                            const BacktestOptions& options,
                            const std::bitset<kPatternCount>& patterns,
                            std::atomic<std::uint64_t>& done, const std::atomic<bool>* cancel) {
  SeriesOutcome out;
  out.symbol = s.symbol;
  out.timeframe = s.timeframe;
  out.bars = bars.size();
  out.digest = bars.digest;
  if (bars.first < bars.size()) {
    out.first_bar = bars.bars[bars.first].start;
    out.last_bar = bars.bars.back().start;
  }
  // Patterns and their confidence read only the bars, so the indicators (and the alerts that
  // come from them) are left out: the same detections, at a fraction of the cost.
  ScannerOptions scan = options.scanner;
  scan.indicators.reset();
  SeriesScanner scanner(scan);
  DetectionSink sink(out.detections);
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
    sink.at(static_cast<std::int64_t>(i), i >= bars.first);
    Bar bar = bars.bars[i];
    bar.timeframe = s.timeframe;
    bar.revision = 0;
    scanner.update(bar, &sink);
  }
  done += bars.size() - counted;
  std::erase_if(out.detections, [&](const Detection& d) {
    return !patterns.test(static_cast<std::size_t>(d.pattern)) ||
           d.confidence < options.min_confidence;
  });
  const bool bound = options.session_bound && intraday(s.timeframe);
  for (Detection& d : out.detections) measure(d, bars, options, bound);
  out.baseline = baseline_of(bars, options, bound);
  out.first = bars.first;
  if (options.strategy && s.timeframe == strategy_timeframe(options)) {
    out.strategy_bars.assign(bars.bars.begin() + static_cast<std::ptrdiff_t>(bars.first),
                             bars.bars.end());
  }
  return out;
}

}  // namespace tickstock::backtest
