// BarBuilder: OHLCV accumulation for one bar, separate from the decision of when it closes.
// Open and close are decided by event time, not arrival order, so that a late tick or a merged
// sub-bar lands where it belongs: earliest tick sets the open, latest (ties: last applied) the
// close.
#ifndef TICKSTOCK_DETAIL_BAR_BUILDER_H_
#define TICKSTOCK_DETAIL_BAR_BUILDER_H_

#include <algorithm>
#include <cstdint>

#include "tickstock/types.h"

namespace tickstock::detail {

struct BarBuilder {
  enum class State : std::uint8_t { Open, Closed };

  Bar bar;                    // symbol, timeframe, start, session, revision, OHLCV
  Timestamp due = 0;          // closes once now >= due (end + grace)
  Timestamp first_ts = 0;     // event time of the tick that set the open
  Timestamp last_ts = 0;      // event time of the tick that set the close
  double pv = 0;              // sum of price * size over last-setting ticks
  Volume pv_volume = 0;       // sum of size over those ticks
  double fallback_price = 0;  // price of a volume-only tick, used if no tick sets a price
  bool has_range = false;     // some tick set high/low
  bool has_last = false;      // some tick set open/close
  bool emit = true;           // false for bars built only to feed another timeframe
  bool resumed = false;       // continues a stored bar: emitted again as a revision
  bool unchanged = false;     // carried over by a warm start and nothing added since: not
                              // emitted again if resumed, not closed by a flush
  State state = State::Open;

  // Starts an empty bar.
  void reset(Symbol symbol, Timeframe tf, Timestamp start, Session session, Timestamp due_at,
             bool emitted) {
    *this = BarBuilder{};
    bar.symbol = symbol;
    bar.timeframe = tf;
    bar.start = start;
    bar.session = session;
    due = due_at;
    emit = emitted;
  }

  // Applies one trade according to its condition flags.
  void add_tick(const Tick& t) {
    unchanged = false;
    if ((t.flags & kTickNoVolume) == 0) {
      bar.volume += t.size;
      ++bar.trade_count;
    }
    if ((t.flags & kTickNoHighLow) == 0) add_range(t.price, t.price);
    if ((t.flags & kTickNoOpenClose) == 0) {
      add_last(t.ts_event, t.price, t.ts_event, t.price);
      if ((t.flags & kTickNoVolume) == 0) {
        pv += t.price * t.size;
        pv_volume += t.size;
      }
    } else if ((t.flags & kTickNoHighLow) != 0 && fallback_price == 0) {
      fallback_price = t.price;
    }
  }

  // Folds a finished sub-bar (e.g. a 1-minute bar into a 5-minute bar).
  void merge(const BarBuilder& s) {
    unchanged = false;
    bar.volume += s.bar.volume;
    bar.trade_count += s.bar.trade_count;
    pv += s.pv;
    pv_volume += s.pv_volume;
    if (s.has_range) add_range(s.bar.low, s.bar.high);
    if (s.has_last) add_last(s.first_ts, s.bar.open, s.last_ts, s.bar.close);
    if (fallback_price == 0) fallback_price = s.fallback_price;
  }

  // Takes over a bar emitted (and stored) before, to continue it: trades after `continue_from`
  // set the close; none sets the open.
  void resume(const Bar& stored, Timestamp continue_from) {
    bar.open = stored.open;
    bar.high = stored.high;
    bar.low = stored.low;
    bar.close = stored.close;
    bar.volume = stored.volume;
    bar.trade_count = stored.trade_count;
    bar.revision = stored.revision;
    has_range = has_last = true;
    first_ts = bar.start;
    last_ts = continue_from;
    pv = stored.vwap * stored.volume;
    pv_volume = stored.volume;
    resumed = unchanged = true;
  }

  // Fills derived fields before emitting. `prev_close` is the symbol's last known close
  // (0 if none), used for open/close when no trade in the bar was allowed to set them.
  void finish(double prev_close) {
    if (!has_last) {
      const double p = prev_close > 0 ? prev_close : (has_range ? bar.low : fallback_price);
      bar.open = bar.close = p;
    }
    if (!has_range) {
      bar.high = std::max(bar.open, bar.close);
      bar.low = std::min(bar.open, bar.close);
    } else {  // a last-only print may lie outside the range; keep low <= open, close <= high
      bar.high = std::max({bar.high, bar.open, bar.close});
      bar.low = std::min({bar.low, bar.open, bar.close});
    }
    bar.vwap = pv_volume > 0 ? pv / pv_volume : bar.close;
  }

 private:
  void add_range(double lo, double hi) {
    if (!has_range) {
      has_range = true;
      bar.low = lo;
      bar.high = hi;
      return;
    }
    bar.low = std::min(bar.low, lo);
    bar.high = std::max(bar.high, hi);
  }
  void add_last(Timestamp open_ts, double open, Timestamp close_ts, double close) {
    if (!has_last) {
      has_last = true;
      first_ts = open_ts;
      bar.open = open;
      last_ts = close_ts;
      bar.close = close;
      return;
    }
    if (open_ts < first_ts) {
      first_ts = open_ts;
      bar.open = open;
    }
    if (close_ts >= last_ts) {
      last_ts = close_ts;
      bar.close = close;
    }
  }
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_DETAIL_BAR_BUILDER_H_
