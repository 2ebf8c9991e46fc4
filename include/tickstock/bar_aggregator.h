// BarAggregator: trades -> 1-minute bars -> 5m/15m/30m/1h/4h bars rolled up from 1m, and daily
// bars by New York trading date.
//
// A bar closes when the clock passes its end plus `close_grace`, whichever symbol's tick or
// timer moved the clock. A tick at most `allowed_lateness` older than the clock is still used:
// if its bar had closed, the bar is re-emitted with revision + 1 (and so are the higher
// timeframe bars that contain it). Older ticks are refused as TooLate and counted.
#ifndef TICKSTOCK_BAR_AGGREGATOR_H_
#define TICKSTOCK_BAR_AGGREGATOR_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "tickstock/clock.h"
#include "tickstock/result.h"
#include "tickstock/sink.h"
#include "tickstock/types.h"

namespace tickstock {

// Settings of a BarAggregator; every field has a working default.
struct AggregatorOptions {
  // A bar closes once now >= bar end + close_grace (trades are often reported a bit late).
  Timestamp close_grace = 2 * kNanosPerSecond;
  // Ticks up to this much older than now still count (revising closed bars). At most 30 min.
  Timestamp allowed_lateness = 5 * kNanosPerMinute;
  // Intraday bars include pre-market, post-market and overnight trades (as Polygon's do).
  bool intraday_extended_hours = true;
  // Daily bars count only the regular session (09:30-16:00 New York) unless this is true,
  // in which case they cover the whole New York calendar day.
  bool daily_extended_hours = false;
  // Which timeframes are emitted, indexed by Timeframe. M1 bars are built regardless.
  std::array<bool, kTimeframeCount> emit = {true, true, true, true, true, true, true};
};

// Checks option ranges; the error names the field and value.
Result<void> validate(const AggregatorOptions& options);

// Counters kept by a BarAggregator.
struct AggregatorStats {
  std::uint64_t ticks_in = 0;                              // ticks offered
  std::uint64_t ticks_used = 0;                            // ticks applied to a bar
  std::uint64_t late_ticks_used = 0;                       // of which revised a closed bar
  std::array<std::uint64_t, kTickRejectCount> rejected{};  // by TickReject
  std::array<std::uint64_t, kTimeframeCount> bars{};       // bars emitted, by timeframe
  std::uint64_t revisions = 0;                             // re-emitted bars (revision > 0)
  std::uint64_t resumes_dropped = 0;  // resumed symbols whose feed replayed from earlier
  std::uint64_t carried_kept = 0;     // open bars a warm start carried over that took nothing
                                      // in this run: not closed by flush() (not emitted)
};

// Not thread-safe: one instance per engine shard, driven from one thread.
class BarAggregator {
 public:
  // REQUIRES: validate(options) succeeded; clock, sink and rejects outlive the aggregator.
  // `rejects` may be null (refused ticks are then only counted).
  BarAggregator(const AggregatorOptions& options, const Clock& clock, BarSink& sink,
                TickRejectSink* rejects = nullptr);
  ~BarAggregator();
  BarAggregator(const BarAggregator&) = delete;
  BarAggregator& operator=(const BarAggregator&) = delete;

  // Closes bars that are due at clock.now(), then applies the trade.
  void on_tick(const Tick& tick);
  // Applies a finished 1-minute bar from a vendor or a bars file (its start is floored to the
  // minute). A second bar for the same minute replaces the first; if that minute had closed, the
  // 1-minute bar is re-emitted as a revision, but higher-timeframe bars keep the first version.
  // Inconsistent OHLC (high < low, open or close outside the range) is refused as BadPrice.
  void on_minute_bar(const Bar& bar);
  // Closes every bar that is due at clock.now(). Call regularly when ticks are sparse.
  void on_clock();
  // Warm start: the earliest stored 1-minute bar resume() needs for a symbol whose newest stored
  // minute starts at `newest`: the start of the daily and 4-hour bars that hold it, or of the
  // oldest minute a late trade could still revise, whichever is earliest.
  Timestamp resume_from(Timestamp newest) const;
  // Warm start: continues one symbol from what an earlier run stored. `minutes`: its 1-minute
  // bars from resume_from(newest) to the newest, oldest first; `higher`: its newest stored bar
  // of each higher timeframe (any order; others are ignored). The newest minute stays open for
  // more trades, the minutes before it can still be revised by late trades, and the open
  // higher-timeframe bars are rebuilt from the minutes; nothing is emitted now. A resumed bar
  // that changes is emitted when it closes with its stored revision + 1, so that it replaces the
  // stored row and the scanner's newest bar; one that does not change is not emitted again.
  // If the symbol's first trade after this is older than the newest minute by more than the
  // allowed lateness, the feed is replaying what was stored: the resumed bars are dropped and
  // rebuilt from the replay.
  void resume(std::span<const Bar> minutes, std::span<const Bar> higher);
  // Closes every open bar now, whatever the clock says (end of input, shutdown), and flushes
  // the sink; but the open bars of a symbol that took nothing since resume() stay as they were
  // carried over (counted in carried_kept): the next warm start resumes them again.
  void flush();
  // Counters so far.
  const AggregatorStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tickstock

#endif  // TICKSTOCK_BAR_AGGREGATOR_H_
