#include "cli/backtest_flags.h"

#include <cmath>
#include <cstdlib>
#include <optional>

#include "tickstock/calendar.h"

#include "polygon/universe.h"
#include "settings/scanner_settings.h"

namespace tickstock::app {
namespace {

// --strategy and its settings; --commission and --slippage are shared with --hit-threshold.

Result<std::vector<int>> parse_horizons(const std::string& text) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    char* endp = nullptr;
    const long v = std::strtol(item.c_str(), &endp, 10);
    if (item.empty() || *endp != '\0' || v < 1 || v > 500) {
      return Error{"--horizons: '" + item + "' is not a horizon (1..500 bars)"};
    }
    out.push_back(static_cast<int>(v));
    at = comma + 1;
  }
  return out;
}

Result<std::vector<Timeframe>> parse_timeframes(const std::string& text) {
  std::vector<Timeframe> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    const auto tf = parse_timeframe(item);
    if (!tf)
      return Error{"--timeframes: '" + item + "' is not a timeframe (1m 5m 15m 30m 1h 4h 1d)"};
    out.push_back(*tf);
    at = comma + 1;
  }
  return out;
}

Result<double> parse_fraction(const Settings& s, const std::string& flag) {
  const std::string& text = s.get(flag);
  char* endp = nullptr;
  const double v = std::strtod(text.c_str(), &endp);
  if (text.empty() || *endp != '\0' || !std::isfinite(v)) {
    return Error{flag + ": '" + text + "' is not a number"};
  }
  return v;
}

Result<Timestamp> parse_day(const Settings& s, const std::string& flag, int add_days) {
  const auto d = parse_date(s.get(flag));
  if (!d) return Error{flag + ": '" + s.get(flag) + "' is not a date (YYYY-MM-DD)"};
  return new_york_midnight(civil_from_days(days_from_civil(*d) + add_days));
}

// The library's error ("field: why") with the field named as its flag.
std::string flag_error(const std::string& message) {
  static const std::pair<const char*, const char*> kFlags[] = {
      {"symbols", "--symbols"},
      {"start", "--from"},
      {"end", "--to"},
      {"timeframes", "--timeframes"},
      {"patterns", "--patterns"},
      {"horizons", "--horizons"},
      {"min_confidence", "--min-confidence"},
      {"commission", "--commission"},
      {"slippage", "--slippage"},
      {"warmup_bars", "--warmup-bars"},
      {"threads", "--threads"},
      {"scanner", "--set"},
      {"initial_capital", "--capital"},
      {"max_position", "--max-position"},
      {"stop_loss", "--stop-loss"},
      {"take_profit", "--take-profit"},
      {"max_hold_bars", "--max-hold"},
      {"strategy_timeframe", "--strategy-timeframe"}};
  const std::string field = message.substr(0, message.find(':'));
  for (const auto& [name, flag] : kFlags) {
    if (field == name) return flag + message.substr(field.size());
  }
  return message;
}

// --strategy and its settings; --commission and --slippage are shared with --hit-threshold.
Result<std::optional<StrategyOptions>> strategy_from(const Settings& s, const BacktestOptions& b) {
  if (!s.on("--strategy")) return std::optional<StrategyOptions>();
  StrategyOptions o;
  o.commission = b.commission;
  o.slippage = b.slippage;
  for (const auto& [flag, field] :
       {std::pair{"--capital", &o.initial_capital}, std::pair{"--max-position", &o.max_position},
        std::pair{"--stop-loss", &o.stop_loss}, std::pair{"--take-profit", &o.take_profit}}) {
    auto v = parse_fraction(s, flag);
    if (!v) return v.error();
    *field = *v;
  }
  auto hold = s.get_int("--max-hold", 1, 10'000);
  if (!hold) return hold.error();
  o.max_hold_bars = static_cast<int>(*hold);
  o.allow_short = s.on("--allow-short");
  const auto intrabar = parse_intrabar(s.get("--intrabar"));
  if (!intrabar) return Error{"--intrabar: stop-first, ohlc-path or lower-tf"};
  o.intrabar = *intrabar;
  if (!s.get("--strategy-timeframe").empty()) {
    o.timeframe = parse_timeframe(s.get("--strategy-timeframe"));
    if (!o.timeframe) {
      return Error{"--strategy-timeframe: '" + s.get("--strategy-timeframe") +
                   "' is not a timeframe (1m 5m 15m 30m 1h 4h 1d)"};
    }
  }
  return std::optional<StrategyOptions>(o);
}

}  // namespace

void declare_backtest_flags(Settings& s) {
  s.add("--symbols", "", "", "comma-separated symbols (at most 50)");
  s.add("--symbols-file", "", "", "a file of symbols, one per line or comma-separated, # comments");
  s.add("--universe", "", "", "a symbol group in the database (`symbols --groups`)");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL: bars for --source pg, --universe");
  s.add("--from", "", "", "first trading date (YYYY-MM-DD, New York)");
  s.add("--to", "", "", "last trading date, inclusive (at most 5 years after --from)");
  s.add("--timeframes", "", "1d,1m", "timeframes to test (1m 5m 15m 30m 1h 4h 1d)");
  s.add("--patterns", "", "all", "`all` or comma-separated TA-Lib names (CDLENGULFING,...)");
  s.add("--horizons", "", "1,5,10,20", "forward horizons in bars (1..500, at most 8)");
  s.add("--entry", "", "next-open", "entry price of a signal: next-open or close");
  s.add("--hit-threshold", "", "zero", "a hit is r > 0 (zero) or > 2(commission+slippage) (cost)");
  s.add("--commission", "", "0.001", "per side, a fraction of the notional (for cost)");
  s.add("--slippage", "", "0.0005", "a fraction of the price, adverse (for cost)");
  s.add("--min-confidence", "", "0", "drop detections below this confidence (0..1)");
  s.add("--warmup-bars", "", "1000", "bars scanned before --from and not reported, or `all`");
  s.add_switch("--no-session-bound", "", "let intraday windows cross sessions and dates");
  s.add("--set", "", "", "NAME.param=value, repeatable: scanner settings as for scan and serve");
  s.add_switch("--strategy", "", "also trade the signals (the settings below; docs/backtest.md)");
  s.add("--capital", "", "100000", "strategy: initial capital");
  s.add("--max-position", "", "0.10", "strategy: at most this share of equity per entry");
  s.add("--stop-loss", "", "0.05", "strategy: stop this fraction below (long) the entry fill");
  s.add("--take-profit", "", "0.10", "strategy: target this fraction above (long) the entry fill");
  s.add("--max-hold", "", "20", "strategy: exit at the close this many bars after the signal");
  s.add_switch("--allow-short", "",
               "strategy: sell bearish signals short (without it they are skipped)");
  s.add("--intrabar", "", "stop-first",
        "strategy: stop and target in one bar: stop-first, ohlc-path or lower-tf (1m bars)");
  s.add("--strategy-timeframe", "", "", "strategy: the timeframe traded");
  s.show_default("--strategy-timeframe", "the coarsest of --timeframes");
}

Result<BacktestOptions> options_from_flags(const Settings& s,
                                           const std::vector<std::string>& sets) {
  BacktestOptions o;
  auto symbols = resolve_universe(
      {s.get("--symbols"), s.get("--symbols-file"), s.get("--universe"), s.get("--database-url")});
  if (!symbols) return symbols.error();
  if (symbols->empty()) return Error{"--symbols: give --symbols, --symbols-file or --universe"};
  if (symbols->size() == 1 && (*symbols)[0] == "*") return Error{"--symbols: `*` is not allowed"};
  o.symbols = *symbols;
  auto from = parse_day(s, "--from", 0);
  if (!from) return from.error();
  auto to = parse_day(s, "--to", 1);
  if (!to) return to.error();
  o.start = *from;
  o.end = *to - 1;  // the last nanosecond of --to's New York day
  auto tfs = parse_timeframes(s.get("--timeframes"));
  if (!tfs) return tfs.error();
  o.timeframes = *tfs;
  if (s.get("--patterns") != "all") {
    auto list = parse_pattern_list(s.get("--patterns"));
    if (!list) return Error{"--patterns: " + list.error().message};
    for (const PatternInfo& p : pattern_catalogue()) {
      if (list->test(static_cast<std::size_t>(p.id))) o.patterns.emplace_back(p.talib_name);
    }
  }
  auto horizons = parse_horizons(s.get("--horizons"));
  if (!horizons) return horizons.error();
  o.horizons = *horizons;
  const std::string& entry = s.get("--entry");
  if (entry != "next-open" && entry != "close") return Error{"--entry: next-open or close"};
  o.entry = entry == "close" ? EntryPrice::SignalClose : EntryPrice::NextOpen;
  const std::string& hit = s.get("--hit-threshold");
  if (hit != "zero" && hit != "cost") return Error{"--hit-threshold: zero or cost"};
  o.hit_threshold = hit == "cost" ? HitThreshold::Cost : HitThreshold::Zero;
  for (const auto& [flag, field] :
       {std::pair{"--commission", &o.commission}, std::pair{"--slippage", &o.slippage},
        std::pair{"--min-confidence", &o.min_confidence}}) {
    auto v = parse_fraction(s, flag);
    if (!v) return v.error();
    *field = *v;
  }
  if (s.get("--warmup-bars") == "all") {
    o.warmup_bars = -1;
  } else {
    auto w = s.get_int("--warmup-bars", 0, 1'000'000);
    if (!w) return w.error();
    o.warmup_bars = static_cast<int>(*w);
  }
  o.session_bound = !s.on("--no-session-bound");
  if (auto r = apply_sets(sets, o.scanner); !r) return Error{"--set: " + r.error().message};
  auto strategy = strategy_from(s, o);
  if (!strategy) return strategy.error();
  o.strategy = *strategy;
  if (auto r = validate(o); !r) return Error{flag_error(r.error().message)};
  return o;
}

}  // namespace tickstock::app
