#include "jobs/backtest_job.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "tickstock/calendar.h"
#include "tickstock/json.h"

#include "base/json_object_reader.h"
#include "jobs/job_request.h"

namespace tickstock::app {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Result<void> read_patterns(object o, BacktestOptions& out) {
  array a;
  if (o["patterns"].get_array().get(a) != simdjson::SUCCESS) return {};
  for (element e : a) {
    std::string_view name;
    if (e.get_string().get(name) != simdjson::SUCCESS) return fail("field 'patterns': ", shown(e));
    out.patterns.emplace_back(name);
  }
  return {};
}

Result<void> read_timeframes(object params, BacktestOptions& out) {
  array a;
  if (params["timeframes"].get_array().get(a) != simdjson::SUCCESS) return {};
  for (element e : a) {
    std::string_view name;
    const auto tf =
        e.get_string().get(name) == simdjson::SUCCESS ? parse_timeframe(name) : std::nullopt;
    if (!tf) return fail("field 'params.timeframes': ", shown(e), " is not a timeframe");
    if (std::find(out.timeframes.begin(), out.timeframes.end(), *tf) == out.timeframes.end())
      out.timeframes.push_back(*tf);
  }
  return {};
}

Result<void> read_horizons(object params, BacktestOptions& out) {
  array a;
  if (params["horizons"].get_array().get(a) != simdjson::SUCCESS) return {};
  out.horizons.clear();
  for (element e : a) {
    std::int64_t h = 0;
    if (e.get_int64().get(h) != simdjson::SUCCESS || h < 1 || h > 500)
      return fail("field 'params.horizons': ", shown(e), " is not a horizon (1..500 bars)");
    out.horizons.push_back(static_cast<int>(h));
  }
  return {};
}

Result<void> read_choices(object params, BacktestOptions& out) {
  std::string_view s;
  if (params["entry"].get_string().get(s) == simdjson::SUCCESS) {
    if (s != "next_open" && s != "next-open" && s != "close")
      return fail("field 'params.entry': '", s, "' is not next_open or close");
    out.entry = s == "close" ? EntryPrice::SignalClose : EntryPrice::NextOpen;
  }
  if (params["hit_threshold"].get_string().get(s) == simdjson::SUCCESS) {
    if (s != "zero" && s != "cost")
      return fail("field 'params.hit_threshold': '", s, "' is not zero or cost");
    out.hit_threshold = s == "cost" ? HitThreshold::Cost : HitThreshold::Zero;
  }
  double v = 0;
  if (params["min_confidence"].get_double().get(v) == simdjson::SUCCESS) out.min_confidence = v;
  if (params["commission"].get_double().get(v) == simdjson::SUCCESS) out.commission = v;
  if (params["slippage"].get_double().get(v) == simdjson::SUCCESS) out.slippage = v;
  std::int64_t w = 0;
  if (params["warmup_bars"].get_int64().get(w) == simdjson::SUCCESS) {
    if (w < -1 || w > 1'000'000) return fail("field 'params.warmup_bars': ", std::to_string(w));
    out.warmup_bars = static_cast<int>(w);
  }
  bool bound = true;
  if (params["session_bound"].get_bool().get(bound) == simdjson::SUCCESS) out.session_bound = bound;
  return {};
}

// The strategy's settings from `obj` (named `where` in errors): the original form's
// "parameters" {initial_capital, commission, slippage, max_position, stop_loss, take_profit},
// or params.strategy, which may add max_hold_bars, allow_short, intrabar and timeframe.
Result<void> read_strategy(object obj, std::string_view where, BacktestOptions& out) {
  StrategyOptions s;
  for (const auto& [key, field] :
       {std::pair{"initial_capital", &s.initial_capital}, std::pair{"commission", &s.commission},
        std::pair{"slippage", &s.slippage}, std::pair{"max_position", &s.max_position},
        std::pair{"stop_loss", &s.stop_loss}, std::pair{"take_profit", &s.take_profit}}) {
    element e;
    if (obj[key].get(e) != simdjson::SUCCESS) continue;
    if (e.get_double().get(*field) != simdjson::SUCCESS)
      return fail("field '", where, ".", key, "': ", shown(e), " is not a number");
  }
  std::int64_t hold = 0;
  if (obj["max_hold_bars"].get_int64().get(hold) == simdjson::SUCCESS) {
    if (hold < 1 || hold > 10'000) return fail("field '", where, ".max_hold_bars': 1..10000");
    s.max_hold_bars = static_cast<int>(hold);
  }
  bool shorts = false;
  if (obj["allow_short"].get_bool().get(shorts) == simdjson::SUCCESS) s.allow_short = shorts;
  std::string_view text;
  if (obj["intrabar"].get_string().get(text) == simdjson::SUCCESS) {
    const auto i = parse_intrabar(text);
    if (!i)
      return fail("field '", where, ".intrabar': '", text,
                  "' is not stop-first, ohlc-path or lower-tf");
    s.intrabar = *i;
  }
  if (obj["timeframe"].get_string().get(text) == simdjson::SUCCESS) {
    s.timeframe = parse_timeframe(text);
    if (!s.timeframe) return fail("field '", where, ".timeframe': '", text, "' is not a timeframe");
  }
  out.commission = s.commission;
  out.slippage = s.slippage;
  out.strategy = s;
  return {};
}

}  // namespace

Result<BacktestOptions> backtest_options_from(std::string_view params, int threads) {
  JobRequestParser parser;
  std::string request_id;
  auto request = parser.parse("backtest", params, request_id);
  if (!request) return request.error();
  BacktestOptions o;
  o.symbols = request->symbols;
  std::tie(o.start, o.end) = request_range(*request);
  o.timeframes = {request->timeframe};
  o.threads = threads;
  JsonObjectReader reader(kMaxJobRequestBytes);
  auto doc = reader.read(params);
  if (!doc) return doc.error();
  if (auto ok = read_patterns(*doc, o); !ok) return ok.error();
  std::string_view type;
  const bool original =
      (*doc)["type"].get_string().get(type) == simdjson::SUCCESS && type == "backtest_job";
  if (original && (*doc)["timeframe"].error() == simdjson::NO_SUCH_FIELD) {
    o.timeframes = {Timeframe::D1, Timeframe::M1};  // the original form's defaults
  }
  object p;
  if (original) {  // the original application always trades its signals
    object parameters;
    if ((*doc)["parameters"].get_object().get(parameters) != simdjson::SUCCESS) {
      o.strategy = StrategyOptions{};
    } else if (auto ok = read_strategy(parameters, "parameters", o); !ok) {
      return ok.error();
    }
  }
  if ((*doc)["params"].get_object().get(p) == simdjson::SUCCESS) {
    for (auto read : {read_timeframes, read_horizons, read_choices}) {
      if (auto ok = read(p, o); !ok) return ok.error();
    }
    object strategy;
    bool on = false;
    if (p["strategy"].get_object().get(strategy) == simdjson::SUCCESS) {
      if (auto ok = read_strategy(strategy, "params.strategy", o); !ok) return ok.error();
    } else if (p["strategy"].get_bool().get(on) == simdjson::SUCCESS && on) {
      o.strategy = StrategyOptions{};
    }
  }
  if (auto ok = validate(o); !ok) return Error{"field " + ok.error().message};
  return o;
}

namespace {

void write_strategy(JsonWriter& w, const StrategyOptions& s) {
  w.key("strategy");
  w.begin_object();
  w.num("initial_capital", s.initial_capital);
  w.num("commission", s.commission);
  w.num("slippage", s.slippage);
  w.num("max_position", s.max_position);
  w.num("stop_loss", s.stop_loss);
  w.num("take_profit", s.take_profit);
  w.integer("max_hold_bars", s.max_hold_bars);
  w.boolean("allow_short", s.allow_short);
  w.str("intrabar", intrabar_name(s.intrabar));
  if (s.timeframe) w.str("timeframe", timeframe_name(*s.timeframe));
  w.end_object();
}

}  // namespace

std::string backtest_request_json(const BacktestOptions& o, const std::string& request_id) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.str("request_id", request_id);
  w.begin_array("symbols");
  for (const std::string& s : o.symbols) w.element(s);
  w.end_array();
  w.str("timeframe", timeframe_name(o.timeframes.empty() ? Timeframe::D1 : o.timeframes[0]));
  w.str("start", format_iso8601(o.start));
  w.str("end", format_iso8601(o.end));
  w.begin_array("patterns");
  for (const std::string& p : o.patterns) w.element(p);
  w.end_array();
  w.key("params");
  w.begin_object();
  w.begin_array("timeframes");
  for (const Timeframe tf : o.timeframes) w.element(timeframe_name(tf));
  w.end_array();
  w.begin_array("horizons");
  for (const int h : o.horizons) w.element(static_cast<double>(h));
  w.end_array();
  w.str("entry", o.entry == EntryPrice::SignalClose ? "close" : "next_open");
  w.str("hit_threshold", o.hit_threshold == HitThreshold::Cost ? "cost" : "zero");
  w.num("commission", o.commission);
  w.num("slippage", o.slippage);
  w.num("min_confidence", o.min_confidence);
  w.integer("warmup_bars", o.warmup_bars);
  w.boolean("session_bound", o.session_bound);
  if (o.strategy) write_strategy(w, *o.strategy);
  w.end_object();
  w.end_object();
  return out;
}

}  // namespace tickstock::app
