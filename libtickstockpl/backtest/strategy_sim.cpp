#include "backtest/strategy_sim.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "tickstock/calendar.h"

#include "backtest/strategy_figures.h"

namespace tickstock {

std::string_view intrabar_name(Intrabar i) {
  switch (i) {
    case Intrabar::StopFirst:
      return "stop-first";
    case Intrabar::OhlcPath:
      return "ohlc-path";
    case Intrabar::LowerTimeframe:
      return "lower-tf";
  }
  return "stop-first";
}

std::optional<Intrabar> parse_intrabar(std::string_view text) {
  for (const Intrabar i : {Intrabar::StopFirst, Intrabar::OhlcPath, Intrabar::LowerTimeframe}) {
    if (text == intrabar_name(i)) return i;
  }
  return std::nullopt;
}

std::string_view exit_reason_name(ExitReason r) {
  switch (r) {
    case ExitReason::Gap:
      return "gap";
    case ExitReason::Stop:
      return "stop";
    case ExitReason::Target:
      return "target";
    case ExitReason::MaxHold:
      return "max_hold";
    case ExitReason::End:
      return "end";
  }
  return "end";
}

namespace backtest {

Timeframe strategy_timeframe(const BacktestOptions& options) {
  if (options.strategy && options.strategy->timeframe) return *options.strategy->timeframe;
  return options.timeframes.empty()
             ? Timeframe::D1
             : *std::max_element(options.timeframes.begin(), options.timeframes.end());
}

namespace {

struct Position {
  StrategySignal signal;
  int d = 1;
  std::size_t entry_bar = 0;
  double shares = 0, entry = 0, stop = 0, target = 0, fees = 0, slippage = 0;
};

struct Exit {
  double level = 0;
  ExitReason reason = ExitReason::End;
  bool ambiguous = false;
};

// True when `price` lies in the bar's range.
bool inside(const Bar& b, double price) { return b.low <= price && price <= b.high; }

class Simulation {
 public:
  Simulation(const StrategyOptions& o, Timeframe tf, const std::vector<StrategySeries>& series,
             const MinuteBars& minutes)
      : o_(o),
        tf_(tf),
        series_(series),
        minutes_(minutes),
        cursor_(series.size(), 0),
        next_signal_(series.size(), 0),
        position_(series.size()),
        pending_(series.size()),
        last_close_(series.size(), 0),
        held_(series.size(), 0),
        cash_(o.initial_capital),
        bench_cash_(o.initial_capital) {}

  Result<StrategyReport> run() {
    std::vector<Timestamp> timeline;
    for (const StrategySeries& s : series_)
      for (const Bar& b : s.bars) timeline.push_back(b.start);
    std::sort(timeline.begin(), timeline.end());
    timeline.erase(std::unique(timeline.begin(), timeline.end()), timeline.end());
    equity_at_.reserve(timeline.size());
    std::vector<std::size_t> active;
    for (const Timestamp t : timeline) {
      active.clear();
      for (std::size_t s = 0; s < series_.size(); ++s) {
        if (cursor_[s] < series_[s].bars.size() && series_[s].bars[cursor_[s]].start == t)
          active.push_back(s);
      }
      if (auto ok = step(t, active); !ok) return ok.error();
    }
    return finish();
  }

 private:
  Result<void> step(Timestamp t, const std::vector<std::size_t>& active) {
    for (const std::size_t s : active) {  // exits of positions entered on an earlier bar
      if (position_[s] && position_[s]->entry_bar < cursor_[s]) {
        if (auto ok = try_exit(s); !ok) return ok.error();
      }
    }
    if (auto ok = enter(active); !ok) return ok.error();
    int open = 0;
    for (const std::size_t s : active) {
      last_close_[s] = bar(s).close;
      bench_close(s);
    }
    double equity = cash_;
    for (std::size_t s = 0; s < series_.size(); ++s) {
      if (!position_[s]) continue;
      equity += position_[s]->d * position_[s]->shares * last_close_[s];
      ++open;
    }
    equity_at_.push_back(equity);
    double bench = bench_cash_;
    for (std::size_t s = 0; s < series_.size(); ++s) bench += held_[s] * last_close_[s];
    report_.equity.push_back({t, equity, 0, bench, open});
    exposed_ += open > 0 ? 1 : 0;
    for (const std::size_t s : active) take_signals(s);
    for (const std::size_t s : active) ++cursor_[s];
    return {};
  }

  const Bar& bar(std::size_t s) const { return series_[s].bars[cursor_[s]]; }
  bool last_bar(std::size_t s) const { return cursor_[s] + 1 == series_[s].bars.size(); }

  // The signals of symbol s's current bar: one may wait for the next bar's open.
  void take_signals(std::size_t s) {
    const auto& signals = series_[s].signals;
    std::size_t& i = next_signal_[s];
    while (i < signals.size() && signals[i].bar < cursor_[s]) ++i;
    std::vector<StrategySignal>& now = signals_now_;  // reused: no allocation per bar
    now.clear();
    for (; i < signals.size() && signals[i].bar == cursor_[s]; ++i) now.push_back(signals[i]);
    std::stable_sort(now.begin(), now.end(), [](const StrategySignal& a, const StrategySignal& b) {
      if (a.confidence != b.confidence) return a.confidence > b.confidence;
      return a.pattern < b.pattern;
    });
    for (const StrategySignal& sig : now) {
      if (sig.side == SignalSide::Neutral) {
        ++skipped_["neutral"];
      } else if (sig.side == SignalSide::Bearish && !o_.allow_short) {
        ++skipped_["short_disabled"];
      } else if (position_[s] || pending_[s]) {
        ++skipped_["in_position"];
      } else if (last_bar(s)) {
        ++skipped_["no_next_bar"];
      } else {
        pending_[s] = std::pair{sig, equity_at_.back()};
      }
    }
  }

  // Fills the signals waiting for this bar's open: by confidence, then symbol, then pattern.
  Result<void> enter(const std::vector<std::size_t>& active) {
    std::vector<std::size_t> order;
    for (const std::size_t s : active)
      if (pending_[s]) order.push_back(s);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const StrategySignal& x = pending_[a]->first;
      const StrategySignal& y = pending_[b]->first;
      if (x.confidence != y.confidence) return x.confidence > y.confidence;
      if (a != b) return a < b;
      return x.pattern < y.pattern;
    });
    for (const std::size_t s : order) {
      const auto [sig, equity] = *pending_[s];
      pending_[s].reset();
      const int d = sig.side == SignalSide::Bearish ? -1 : 1;
      const double open = bar(s).open;
      const double e = open * (1 + d * o_.slippage);
      const double q = std::min(std::floor(o_.max_position * equity / e),
                                std::floor(cash_ / (e * (1 + o_.commission))));
      if (!(q > 0)) {
        ++skipped_["cash"];
        continue;
      }
      Position p{sig,
                 d,
                 cursor_[s],
                 q,
                 e,
                 e * (1 - d * o_.stop_loss),
                 e * (1 + d * o_.take_profit),
                 o_.commission * q * e,
                 q * std::abs(e - open)};
      cash_ -= d * q * e + p.fees;
      position_[s] = p;
      if (auto ok = try_exit(s); !ok) return ok.error();
    }
    return {};
  }

  // Closes symbol s's position on its current bar when a rule of §5 holds.
  Result<void> try_exit(std::size_t s) {
    Position& p = *position_[s];
    const Bar& b = bar(s);
    const std::size_t k = cursor_[s];
    auto exit = rule_exit(s, p, b, k);
    if (!exit) return exit.error();
    if (!*exit) return {};
    const double x = (*exit)->level * (1 - p.d * o_.slippage);
    const double fee = o_.commission * p.shares * x;
    cash_ += p.d * p.shares * x - fee;
    StrategyTrade t;
    t.symbol = series_[s].symbol;
    t.pattern = p.signal.pattern;
    t.direction = p.d;
    t.confidence = p.signal.confidence;
    t.signal_bar = series_[s].bars[p.signal.bar].start;
    t.entry_bar = series_[s].bars[p.entry_bar].start;
    t.exit_bar = b.start;
    t.entry_price = p.entry;
    t.exit_price = x;
    t.shares = p.shares;
    t.fees = p.fees + fee;
    t.slippage_paid = p.slippage + p.shares * std::abs((*exit)->level - x);
    t.pnl = p.d * p.shares * (x - p.entry) - t.fees;
    t.return_pct = t.pnl / (p.shares * p.entry) * 100;
    t.bars_held = static_cast<int>(k - p.signal.bar);
    t.reason = (*exit)->reason;
    t.ambiguous = (*exit)->ambiguous;
    report_.trade_list.push_back(std::move(t));
    position_[s].reset();
    return {};
  }

  Result<std::optional<Exit>> rule_exit(std::size_t s, const Position& p, const Bar& b,
                                        std::size_t k) {
    const double d = p.d;
    if (k > p.entry_bar) {  // a gap through a level fills at the open
      if (d * (b.open - p.stop) <= 0 || d * (b.open - p.target) >= 0)
        return std::optional<Exit>(Exit{b.open, ExitReason::Gap, false});
    }
    const bool stop = inside(b, p.stop), target = inside(b, p.target);
    if (stop && target) {
      ++report_.ambiguous_bars;
      auto first_stop = stop_first(s, p, b);
      if (!first_stop) return first_stop.error();
      return std::optional<Exit>(*first_stop ? Exit{p.stop, ExitReason::Stop, true}
                                             : Exit{p.target, ExitReason::Target, true});
    }
    if (stop) return std::optional<Exit>(Exit{p.stop, ExitReason::Stop, false});
    if (target) return std::optional<Exit>(Exit{p.target, ExitReason::Target, false});
    if (k - p.signal.bar >= static_cast<std::size_t>(o_.max_hold_bars))
      return std::optional<Exit>(Exit{b.close, ExitReason::MaxHold, false});
    if (last_bar(s)) return std::optional<Exit>(Exit{b.close, ExitReason::End, false});
    return std::optional<Exit>();
  }

  // Both levels inside bar b: true when the stop is taken to come first.
  Result<bool> stop_first(std::size_t s, const Position& p, const Bar& b) {
    if (o_.intrabar == Intrabar::OhlcPath) {  // O → nearer extreme; a tie goes the adverse way
      const double to_low = b.open - b.low, to_high = b.high - b.open;
      return p.d > 0 ? to_low <= to_high : to_high <= to_low;
    }
    if (o_.intrabar != Intrabar::LowerTimeframe || !minutes_) return true;
    auto bars = minutes_(series_[s].symbol, b.start, b.start + timeframe_nanos(tf_) - 1);
    if (!bars) return bars.error();
    for (const Bar& m : *bars) {
      const bool stop = inside(m, p.stop), target = inside(m, p.target);
      if (stop || target) return stop;
    }
    ++lower_tf_missing_;
    return true;
  }

  // The benchmark: capital / N in each symbol at its first open, sold at its last close.
  void bench_close(std::size_t s) {
    const Bar& b = bar(s);
    const double share = o_.initial_capital / static_cast<double>(series_.size());
    if (cursor_[s] == 0) {
      const double e = b.open * (1 + o_.slippage);
      held_[s] = std::max(0.0, std::floor(share / (e * (1 + o_.commission))));
      bench_cash_ -= held_[s] * e * (1 + o_.commission);
    }
    if (last_bar(s)) {
      const double x = b.close * (1 - o_.slippage);
      bench_cash_ += held_[s] * x * (1 - o_.commission);
      held_[s] = 0;
    }
  }

  Result<StrategyReport> finish() {
    StrategyReport& r = report_;
    r.options = o_;
    r.options.timeframe = tf_;
    fill_drawdown(r.equity);
    r.equity_daily = daily_closes(r.equity);
    std::stable_sort(r.trade_list.begin(), r.trade_list.end(),
                     [](const StrategyTrade& a, const StrategyTrade& b) {
                       if (a.exit_bar != b.exit_bar) return a.exit_bar < b.exit_bar;
                       return a.symbol < b.symbol;
                     });
    trade_figures(r);
    r.exposure = r.equity.empty()
                     ? kNaN
                     : static_cast<double>(exposed_) / static_cast<double>(r.equity.size());
    for (const auto& [reason, n] : skipped_) r.skipped.emplace_back(reason, n);
    if (lower_tf_missing_ > 0) {
      r.warnings.push_back("lower_tf_missing: " + std::to_string(lower_tf_missing_) +
                           " bars with both levels had no 1m bars touching either; stop first");
    }
    return r;
  }

  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  const StrategyOptions& o_;
  const Timeframe tf_;
  const std::vector<StrategySeries>& series_;
  const MinuteBars& minutes_;
  std::vector<std::size_t> cursor_, next_signal_;
  std::vector<std::optional<Position>> position_;
  std::vector<std::optional<std::pair<StrategySignal, double>>> pending_;  // signal, equity[t]
  std::vector<double> last_close_, held_;
  std::vector<double> equity_at_;
  std::vector<StrategySignal> signals_now_;
  double cash_, bench_cash_;
  std::uint64_t exposed_ = 0, lower_tf_missing_ = 0;
  std::map<std::string, std::uint64_t> skipped_;
  StrategyReport report_;
};

}  // namespace

Result<StrategyReport> simulate_strategy(const StrategyOptions& options, Timeframe timeframe,
                                         Timestamp start, Timestamp end,
                                         const std::vector<StrategySeries>& series,
                                         const MinuteBars& minutes) {
  Simulation sim(options, timeframe, series, minutes);
  auto report = sim.run();
  if (!report) return report;
  report->metrics = equity_metrics(report->equity, report->equity_daily, options.initial_capital,
                                   start, end, false);
  report->benchmark = equity_metrics(report->equity, report->equity_daily, options.initial_capital,
                                     start, end, true);
  return report;
}

}  // namespace backtest
}  // namespace tickstock
