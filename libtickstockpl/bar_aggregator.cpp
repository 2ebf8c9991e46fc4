#include "tickstock/bar_aggregator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tickstock/calendar.h"

#include "detail/bar_builder.h"

namespace tickstock {
namespace {

using detail::BarBuilder;
constexpr Timestamp kNever = std::numeric_limits<Timestamp>::max();
constexpr Timestamp kMaxLateness = 30 * kNanosPerMinute;

Timestamp floor_to(Timestamp t, Timestamp step) {
  Timestamp q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

// Recent bars of one (symbol, timeframe), oldest first, in a fixed slice of storage.
class BarRing {
 public:
  void attach(BarBuilder* slots, int capacity) {
    slots_ = slots;
    cap_ = capacity;
  }
  int size() const { return size_; }
  bool full() const { return size_ == cap_; }
  BarBuilder& at(int i) { return slots_[(head_ + i) % cap_]; }
  BarBuilder& back() { return at(size_ - 1); }
  BarBuilder& front() { return at(0); }
  void clear() { head_ = size_ = 0; }
  // Removes the oldest bar. REQUIRES: size() > 0.
  void pop_front() {
    head_ = (head_ + 1) % cap_;
    --size_;
  }
  // Index of the bar starting at `start`, or -1.
  int find(Timestamp start) {
    for (int i = size_ - 1; i >= 0; --i) {
      const Timestamp s = at(i).bar.start;
      if (s == start) return i;
      if (s < start) return -1;
    }
    return -1;
  }
  // Inserts a slot keeping start order and returns it. REQUIRES: !full(), start not present.
  BarBuilder& insert(Timestamp start) {
    int pos = size_;
    while (pos > 0 && at(pos - 1).bar.start > start) --pos;
    ++size_;
    for (int i = size_ - 1; i > pos; --i) at(i) = at(i - 1);
    return at(pos);
  }

 private:
  BarBuilder* slots_ = nullptr;
  int cap_ = 0;
  int head_ = 0;
  int size_ = 0;
};

struct SymbolState {
  Symbol symbol;
  std::vector<BarBuilder> storage;  // allocated once, when the symbol is first seen
  std::array<BarRing, kTimeframeCount> rings;
  double last_close = 0;  // close of the last emitted M1 bar
  bool active = false;    // listed in Impl::active_
  // Resumed (warm start) and no trade seen since: the first one tells whether the feed goes
  // on from the resumed minute or replays what was stored before it.
  bool resume_pending = false;
  Timestamp resumed_minute = 0;
};

}  // namespace

Result<void> validate(const AggregatorOptions& o) {
  if (o.close_grace < 0 || o.close_grace > kNanosPerHour)
    return fail("aggregator option close_grace: ", std::to_string(o.close_grace),
                " ns is outside 0..1h");
  if (o.allowed_lateness < 0 || o.allowed_lateness > kMaxLateness)
    return fail("aggregator option allowed_lateness: ", std::to_string(o.allowed_lateness),
                " ns is outside 0..30min");
  return {};
}

class BarAggregator::Impl {
 public:
  Impl(const AggregatorOptions& o, const Clock& clock, BarSink& sink, TickRejectSink* rejects)
      : opt_(o), clock_(clock), sink_(sink), rejects_(rejects) {
    for (int tf = 0; tf < kTimeframeCount; ++tf) {
      const auto t = static_cast<Timeframe>(tf);
      build_[tf] = tf == 0 || opt_.emit[tf];
      // Enough bars to reach back over the allowed lateness, plus the open one and one in grace.
      cap_[tf] =
          t == Timeframe::D1
              ? 3
              : static_cast<int>((opt_.allowed_lateness + opt_.close_grace) / timeframe_nanos(t)) +
                    3;
    }
  }

  void on_tick(const Tick& t) {
    ++stats_.ticks_in;
    if (auto bad = validate(t)) return reject(t, *bad);
    const Timestamp now = clock_.now();
    if (now >= next_due_) close_due(now);
    if (t.ts_event < now - opt_.allowed_lateness) return reject(t, TickReject::TooLate);
    SymbolState& s = state_for(t.symbol);
    BarRing& ring = s.rings[0];
    const Timestamp start = floor_to(t.ts_event, kNanosPerMinute);
    if (s.resume_pending) check_resume(s, start);
    if (ring.size() > 0 && ring.back().bar.start == start &&
        ring.back().state == BarBuilder::State::Open) {
      ring.back().add_tick(t);  // the common case
      ++stats_.ticks_used;
      return;
    }
    apply_slow(s, t, start, now);
  }

  void on_clock() {
    const Timestamp now = clock_.now();
    if (now >= next_due_) close_due(now);
  }

  Timestamp resume_from(Timestamp newest) const {
    const Timestamp minute = floor_to(newest, kNanosPerMinute);
    return std::min({day_cache_.day_start(minute), floor_to(minute, 4 * kNanosPerHour),
                     minute - opt_.allowed_lateness - opt_.close_grace});
  }

  void resume(std::span<const Bar> minutes, std::span<const Bar> higher) {
    if (minutes.empty() || !minutes.back().symbol) return;
    const Symbol sym = minutes.back().symbol;
    SymbolState& s = state_for(sym);
    const Timestamp newest = floor_to(minutes.back().start, kNanosPerMinute);
    const Timestamp late_from = newest - opt_.allowed_lateness - opt_.close_grace;
    // The higher bars still open: those holding the newest minute. One stored before is
    // resumed (rebuilt, then emitted as its revision); one never stored is a new bar.
    std::array<Timestamp, kTimeframeCount> open{};
    std::array<BarBuilder*, kTimeframeCount> resumed{};
    for (int tf = 1; tf < kTimeframeCount; ++tf) {
      open[tf] = higher_start(tf, newest);
      for (const Bar& h : higher) {
        if (static_cast<int>(h.timeframe) != tf || h.start != open[tf] || !build_[tf]) continue;
        resumed[tf] = higher_slot(s, tf, open[tf], h.session);
        if (resumed[tf] != nullptr) resumed[tf]->bar.revision = h.revision;
      }
    }
    for (const Bar& m : minutes) {
      if (m.symbol != sym) continue;
      const Timestamp start = floor_to(m.start, kNanosPerMinute);
      const Session session = day_cache_.session(start);
      if (!session_wanted(session) || start > newest) continue;
      if (start >= late_from) {
        if (BarBuilder* b = m1_slot(s, start, session)) {
          // The newest takes more trades, after the stored ones; the others only late trades.
          const bool last = start == newest;
          b->resume(m, last ? start : start + kNanosPerMinute - 1);
          b->state = last ? BarBuilder::State::Open : BarBuilder::State::Closed;
        }
      }
      if (start == newest) continue;  // merged into the higher bars when it closes
      BarBuilder sub;
      sub.reset(sym, Timeframe::M1, start, session, 0, false);
      sub.resume(m, start + kNanosPerMinute - 1);
      for (int tf = 1; tf < kTimeframeCount; ++tf) {
        if (!build_[tf] || !takes(tf, session) || higher_start(tf, start) != open[tf]) continue;
        if (BarBuilder* h = higher_slot(s, tf, open[tf], session)) h->merge(sub);
      }
    }
    for (BarBuilder* h : resumed)
      if (h != nullptr) h->resumed = true;
    // Every open higher bar is carried over from the stored minutes: untouched until this run
    // adds to it (one never stored is still emitted when the clock closes it).
    for (int tf = 1; tf < kTimeframeCount; ++tf)
      if (const int i = s.rings[tf].find(open[tf]); build_[tf] && i >= 0)
        s.rings[tf].at(i).unchanged = true;
    s.last_close = minutes.back().close;
    s.resume_pending = true;
    s.resumed_minute = newest;
  }

 private:
  // The first trade or bar of a resumed symbol: one from before the resumed minute by more than
  // a late trade can be means the feed replays what was stored, so the resumed bars are dropped
  // and the symbol starts afresh, rebuilding them from the replay.
  void check_resume(SymbolState& s, Timestamp minute) {
    s.resume_pending = false;
    if (minute + opt_.allowed_lateness + opt_.close_grace >= s.resumed_minute) return;
    for (BarRing& r : s.rings) r.clear();
    ++stats_.resumes_dropped;
  }

 public:
  // A symbol that took nothing since the warm start keeps its open bars as they were carried
  // over: emitting them now would repeat (or, for bars never stored, invent at shutdown) what
  // an earlier run made; the next start resumes them from the same stored minutes.
  void flush() {
    close_due(kNever, true);
    sink_.flush();
  }

  const AggregatorStats& stats() const { return stats_; }

 private:
  void reject(const Tick& t, TickReject why) {
    ++stats_.rejected[static_cast<int>(why)];
    if (rejects_ != nullptr) rejects_->on_reject(t, why);
  }

  SymbolState& state_for(Symbol sym) {
    const std::uint32_t id = sym.id();
    if (id >= states_.size()) states_.resize(id + 1);
    auto& p = states_[id];
    if (!p) {
      p = std::make_unique<SymbolState>();
      p->symbol = sym;
      int total = 0;
      for (int c : cap_) total += c;
      p->storage.resize(static_cast<std::size_t>(total));
      int off = 0;
      for (int tf = 0; tf < kTimeframeCount; ++tf) {
        p->rings[tf].attach(p->storage.data() + off, cap_[tf]);
        off += cap_[tf];
      }
    }
    return *p;
  }

  // Session and bar layout of the minute starting at `start`.
  bool intraday_included(Session s) const {
    return opt_.intraday_extended_hours || s == Session::Regular;
  }
  bool daily_included(Session s) const {
    return opt_.daily_extended_hours || s == Session::Regular;
  }

  // Whether a minute in `session` is built at all: for intraday bars, or only for daily ones.
  bool session_wanted(Session session) const {
    return intraday_included(session) || (build_[6] && daily_included(session));
  }

  // The builder for `start` in timeframe `tf`, inserted in start order and set up by `init` if
  // missing; null when the ring no longer reaches back that far.
  template <class Init>
  BarBuilder* slot(SymbolState& s, int tf, Timestamp start, Init init) {
    BarRing& ring = s.rings[tf];
    if (const int idx = ring.find(start); idx >= 0) return &ring.at(idx);
    if (ring.full() && start < ring.front().bar.start) return nullptr;
    if (ring.full()) evict_front(s, tf);
    BarBuilder& b = ring.insert(start);
    init(b);
    activate(s, b.due);
    return &b;
  }

  // The M1 builder for `start`, created if missing; null when the ring no longer reaches back.
  BarBuilder* m1_slot(SymbolState& s, Timestamp start, Session session) {
    return slot(s, 0, start, [&](BarBuilder& b) {
      b.reset(s.symbol, Timeframe::M1, start, session, start + kNanosPerMinute + opt_.close_grace,
              intraday_included(session) && opt_.emit[0]);
    });
  }

  // A tick for a minute other than the open newest one: a new minute, a minute still in grace,
  // or a late tick for a closed (or never seen) minute.
  void apply_slow(SymbolState& s, const Tick& t, Timestamp start, Timestamp now) {
    const Session session = day_cache_.session(start);
    if (!session_wanted(session)) return reject(t, TickReject::OutsideSession);
    BarBuilder* b = m1_slot(s, start, session);
    if (b == nullptr) return reject(t, TickReject::TooLate);
    b->add_tick(t);
    ++stats_.ticks_used;
    if (b->due <= now) ++stats_.late_ticks_used;
    if (b->state == BarBuilder::State::Closed) {
      emit_revision(s, *b);
      propagate_late_tick(s, t, session);
    }
    if (now >= next_due_) close_due(now);
  }

 public:
  void on_minute_bar(const Bar& in) {
    const Tick as_tick{in.symbol, in.start, 0, in.close, in.volume, kTickNormal};
    ++stats_.ticks_in;
    if (!in.symbol) return reject(as_tick, TickReject::NoSymbol);
    const bool finite = std::isfinite(in.open) && std::isfinite(in.high) && std::isfinite(in.low) &&
                        std::isfinite(in.close);
    if (!finite || !(in.low > 0) || in.high < in.low || in.open > in.high || in.open < in.low ||
        in.close > in.high || in.close < in.low)
      return reject(as_tick, TickReject::BadPrice);
    if (!(in.volume >= 0) || !std::isfinite(in.volume)) return reject(as_tick, TickReject::BadSize);
    const Timestamp now = clock_.now();
    if (now >= next_due_) close_due(now);
    const Timestamp start = floor_to(in.start, kNanosPerMinute);
    if (start + kNanosPerMinute - 1 < now - opt_.allowed_lateness)
      return reject(as_tick, TickReject::TooLate);
    SymbolState& s = state_for(in.symbol);
    if (s.resume_pending) check_resume(s, start);
    const Session session = day_cache_.session(start);
    if (!session_wanted(session)) return reject(as_tick, TickReject::OutsideSession);
    BarBuilder* b = m1_slot(s, start, session);
    if (b == nullptr) return reject(as_tick, TickReject::TooLate);
    const bool was_closed = b->state == BarBuilder::State::Closed;
    const std::uint32_t revision = b->bar.revision;
    const Timestamp due = b->due;
    const bool resumed = b->resumed;
    // A bar for a minute already seen replaces it (vendors re-send corrected bars).
    b->reset(s.symbol, Timeframe::M1, start, session, due,
             intraday_included(session) && opt_.emit[0]);
    if (resumed) {  // still replaces the stored row when it closes
      b->resumed = true;
      b->bar.revision = revision;
    }
    BarBuilder bar_as_sub;
    bar_as_sub.bar = in;
    bar_as_sub.has_range = bar_as_sub.has_last = true;
    bar_as_sub.first_ts = start;
    bar_as_sub.last_ts = start + kNanosPerMinute - 1;
    bar_as_sub.pv = (in.vwap > 0 ? in.vwap : in.close) * in.volume;
    bar_as_sub.pv_volume = in.volume;
    b->merge(bar_as_sub);
    ++stats_.ticks_used;
    if (was_closed) {
      // Higher timeframes already hold the old version; they are not rebuilt (see header).
      b->state = BarBuilder::State::Closed;
      b->bar.revision = revision;
      emit_revision(s, *b);
    }
    if (now >= next_due_) close_due(now);
  }

 private:
  // A late tick changed a closed M1 bar: apply it to the higher bars that already hold it.
  void propagate_late_tick(SymbolState& s, const Tick& t, Session session) {
    for (int tf = 1; tf < kTimeframeCount; ++tf) {
      if (!build_[tf] || !takes(tf, session)) continue;
      const Timestamp start = higher_start(tf, t.ts_event);
      BarRing& ring = s.rings[tf];
      const int idx = ring.find(start);
      if (idx < 0) continue;  // not built yet: it will receive the M1 bar when that is merged
      BarBuilder& b = ring.at(idx);
      b.add_tick(t);
      if (b.state == BarBuilder::State::Closed) emit_revision(s, b);
    }
  }

  bool takes(int tf, Session session) const {
    return tf == 6 ? daily_included(session) : intraday_included(session);
  }

  Timestamp higher_start(int tf, Timestamp t) {
    if (tf == 6) return day_cache_.day_start(t);
    return floor_to(t, timeframe_nanos(static_cast<Timeframe>(tf)));
  }

  Timestamp higher_due(int tf, Timestamp start) {
    if (tf != 6) return start + timeframe_nanos(static_cast<Timeframe>(tf)) + opt_.close_grace;
    if (opt_.daily_extended_hours) return day_cache_.day_end(start) + opt_.close_grace;
    return day_cache_.regular_close(start) + opt_.close_grace;
  }

  void activate(SymbolState& s, Timestamp due) {
    next_due_ = std::min(next_due_, due);
    if (!s.active) {
      s.active = true;
      active_.push_back(&s);
    }
  }

  // Closes the M1 bar `b`: emits it and merges it into the higher timeframes.
  void close_m1(SymbolState& s, BarBuilder& b) {
    b.state = BarBuilder::State::Closed;
    b.finish(s.last_close);
    if (b.has_last) s.last_close = b.bar.close;
    if (b.resumed) {
      if (!b.unchanged) emit_revision(s, b);
    } else if (b.emit) {
      emit_new(b);
    }
    for (int tf = 1; tf < kTimeframeCount; ++tf) {
      if (!build_[tf] || !takes(tf, b.bar.session)) continue;
      BarBuilder* hp = higher_slot(s, tf, higher_start(tf, b.bar.start), b.bar.session);
      if (hp == nullptr) continue;
      BarBuilder& h = *hp;
      // A resumed minute that took no more trades is already in a resumed higher bar's sum.
      const bool unchanged = h.unchanged;
      h.merge(b);
      if (b.resumed && b.unchanged) h.unchanged = unchanged;
      if (h.state == BarBuilder::State::Closed) emit_revision(s, h);
    }
  }

  // The builder of the higher bar starting at `start`, made if missing.
  BarBuilder* higher_slot(SymbolState& s, int tf, Timestamp start, Session session) {
    return slot(s, tf, start, [&](BarBuilder& h) {
      h.reset(s.symbol, static_cast<Timeframe>(tf), start, tf == 6 ? Session::Regular : session,
              higher_due(tf, start), true);
    });
  }

  void close_higher(SymbolState& s, BarBuilder& h) {
    h.state = BarBuilder::State::Closed;
    h.finish(s.last_close);
    if (h.resumed) {
      if (!h.unchanged) emit_revision(s, h);
    } else {
      emit_new(h);
    }
  }

  // The ring is full: make room by dropping the oldest bar, closing it first if it is open.
  void evict_front(SymbolState& s, int tf) {
    BarRing& ring = s.rings[tf];
    BarBuilder& b = ring.front();
    if (b.state == BarBuilder::State::Open) {
      if (tf == 0) {
        close_m1(s, b);
      } else {
        close_higher(s, b);
      }
    }
    ring.pop_front();
  }

  void emit_new(BarBuilder& b) {
    ++stats_.bars[static_cast<int>(b.bar.timeframe)];
    sink_.on_bar(b.bar);
  }

  void emit_revision(SymbolState& s, BarBuilder& b) {
    b.finish(s.last_close);
    if (b.bar.timeframe == Timeframe::M1 && !b.emit) return;
    ++b.bar.revision;
    ++stats_.revisions;
    sink_.on_bar(b.bar);
  }

  // Whether every open bar of `s` was carried over by resume() and took nothing since; counts
  // them into `n`.
  static bool only_carried(SymbolState& s, std::uint64_t& n) {
    n = 0;
    for (BarRing& ring : s.rings) {
      for (int i = 0; i < ring.size(); ++i) {
        const BarBuilder& b = ring.at(i);
        if (b.state != BarBuilder::State::Open) continue;
        if (!b.unchanged) return false;
        ++n;
      }
    }
    return true;
  }

  // Closes, in start order per symbol and timeframe, every bar due at `now`; at flush, not
  // the bars of a symbol that took nothing since the warm start.
  void close_due(Timestamp now, bool flushing = false) {
    Timestamp next = kNever;
    std::size_t keep = 0;
    for (SymbolState* s : active_) {
      if (std::uint64_t carried = 0; flushing && only_carried(*s, carried)) {
        stats_.carried_kept += carried;
        active_[keep++] = s;
        continue;
      }
      bool open_left = false;
      for (int tf = 0; tf < kTimeframeCount; ++tf) {
        BarRing& ring = s->rings[tf];
        for (int i = 0; i < ring.size(); ++i) {
          BarBuilder& b = ring.at(i);
          if (b.state != BarBuilder::State::Open) continue;
          if (b.due <= now) {
            if (tf == 0) {
              close_m1(*s, b);
            } else {
              close_higher(*s, b);
            }
          } else {
            open_left = true;
            next = std::min(next, b.due);
          }
        }
      }
      s->active = open_left;
      if (open_left) active_[keep++] = s;
    }
    active_.resize(keep);
    next_due_ = next;
  }

  AggregatorOptions opt_;
  const Clock& clock_;
  BarSink& sink_;
  TickRejectSink* rejects_;
  std::array<bool, kTimeframeCount> build_{};
  std::array<int, kTimeframeCount> cap_{};
  std::vector<std::unique_ptr<SymbolState>> states_;  // by Symbol::id()
  std::vector<SymbolState*> active_;                  // symbols with an open bar
  Timestamp next_due_ = kNever;
  mutable NewYorkDayCache day_cache_;  // a cache: resume_from() may fill it
  AggregatorStats stats_;
};

BarAggregator::BarAggregator(const AggregatorOptions& options, const Clock& clock, BarSink& sink,
                             TickRejectSink* rejects)
    : impl_(std::make_unique<Impl>(options, clock, sink, rejects)) {}
BarAggregator::~BarAggregator() = default;
void BarAggregator::on_tick(const Tick& tick) { impl_->on_tick(tick); }
void BarAggregator::on_clock() { impl_->on_clock(); }
void BarAggregator::on_minute_bar(const Bar& bar) { impl_->on_minute_bar(bar); }
Timestamp BarAggregator::resume_from(Timestamp newest) const { return impl_->resume_from(newest); }
void BarAggregator::resume(std::span<const Bar> minutes, std::span<const Bar> higher) {
  impl_->resume(minutes, higher);
}
void BarAggregator::flush() { impl_->flush(); }
const AggregatorStats& BarAggregator::stats() const { return impl_->stats(); }

}  // namespace tickstock
