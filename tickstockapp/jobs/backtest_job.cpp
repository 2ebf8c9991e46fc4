#include "jobs/backtest_job.h"

#include <algorithm>
#include <optional>

#include "tickstock/calendar.h"

#include "base/json_object_reader.h"
#include "jobs/job_request.h"

namespace tickstock::app {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr Timestamp kDay = 24 * kNanosPerHour;

// A date-only time (UTC midnight, as parse_timestamp reads "2023-01-31") as the start of its
// New York day (add_days = 0) or of the day after (1).
Timestamp new_york_day(Timestamp t, int add_days) {
  if (t % kDay != 0) return t;
  return new_york_midnight(civil_from_days(t / kDay + add_days));
}

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
  std::int64_t w = 0;
  if (params["warmup_bars"].get_int64().get(w) == simdjson::SUCCESS) {
    if (w < -1 || w > 1'000'000) return fail("field 'params.warmup_bars': ", std::to_string(w));
    out.warmup_bars = static_cast<int>(w);
  }
  bool bound = true;
  if (params["session_bound"].get_bool().get(bound) == simdjson::SUCCESS) out.session_bound = bound;
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
  o.start = new_york_day(request->start, 0);
  o.end = new_york_day(request->end, 1) - (request->end % kDay == 0 ? 1 : 0);
  o.timeframes = {request->timeframe};
  o.threads = threads;
  JsonObjectReader reader(kMaxJobRequestBytes);
  auto doc = reader.read(params);
  if (!doc) return doc.error();
  if (auto ok = read_patterns(*doc, o); !ok) return ok.error();
  std::string_view type;
  if ((*doc)["type"].get_string().get(type) == simdjson::SUCCESS && type == "backtest_job" &&
      (*doc)["timeframe"].error() == simdjson::NO_SUCH_FIELD) {
    o.timeframes = {Timeframe::D1, Timeframe::M1};  // the original form's defaults
  }
  object p;
  if ((*doc)["params"].get_object().get(p) == simdjson::SUCCESS) {
    for (auto read : {read_timeframes, read_horizons, read_choices}) {
      if (auto ok = read(p, o); !ok) return ok.error();
    }
  }
  if (auto ok = validate(o); !ok) return Error{"field " + ok.error().message};
  return o;
}

}  // namespace tickstock::app
