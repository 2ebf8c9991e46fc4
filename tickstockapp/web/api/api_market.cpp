// Market reads: /api/symbols, /api/universes, /api/bars, /api/patterns (+ /catalogue),
// /api/indicators. Every query parameter is checked; unknown ones are refused.
#include <cmath>
#include <initializer_list>
#include <limits>

#include "tickstock/calendar.h"
#include "tickstock/patterns.h"

#include "base/json_out.h"
#include "web/api/api.h"
#include "web/api/api_params.h"

namespace tickstock::app {
namespace {

constexpr Timestamp kNanosPerSecond = 1'000'000'000;

HttpResponse bad(const std::string& detail) { return json_error(400, "bad_request", detail); }

std::optional<HttpResponse> time_param(const ApiCall& call, const char* name, Timestamp& out) {
  const std::string* v = call.req.param(name);
  if (v == nullptr) return std::nullopt;
  auto t = parse_timestamp(*v);
  if (!t)
    return bad(std::string(name) + ": '" + quote_value(*v) +
               "' is not a time: give ISO-8601 (2024-01-02T14:30:00Z), a date or epoch "
               "seconds/ms/ns from 1678 to 2261");
  out = *t;
  return std::nullopt;
}

std::optional<HttpResponse> symbol_param(const ApiCall& call, bool required, std::string& out) {
  const std::string* v = call.req.param("symbol");
  if (v == nullptr) return required ? std::optional(bad("symbol is required")) : std::nullopt;
  auto s = parse_symbol(*v);
  if (!s) return bad("symbol must be 1 to 16 of A-Z 0-9 . -");
  out = *s;
  return std::nullopt;
}

std::optional<HttpResponse> timeframe_param(const ApiCall& call, bool required,
                                            std::optional<Timeframe>& out) {
  const std::string* v = call.req.param("timeframe");
  if (v == nullptr) return required ? std::optional(bad("timeframe is required")) : std::nullopt;
  out = parse_timeframe(*v);
  if (!out) return bad("timeframe must be one of 1m, 5m, 15m, 30m, 1h, 4h, 1d");
  return std::nullopt;
}

// symbol, timeframe, from, to, limit: what /api/bars and /api/indicators take.
std::optional<HttpResponse> bar_query(const ApiCall& call, BarQuery& q) {
  if (auto e = only_params(call, {"symbol", "timeframe", "from", "to", "limit"})) return e;
  std::optional<Timeframe> tf;
  if (auto e = symbol_param(call, true, q.symbol)) return e;
  if (auto e = timeframe_param(call, true, tf)) return e;
  q.timeframe = *tf;
  if (auto e = time_param(call, "from", q.from)) return e;
  if (auto e = time_param(call, "to", q.to)) return e;
  if (q.from > q.to) return bad("from is after to");
  if (auto e = int_param(call.req, "limit", 1, 5000, q.limit)) return e;
  return std::nullopt;
}

// Seconds for the charts; ISO-8601 for people.
void write_time(JsonOut& j, Timestamp start) {
  j.field("time", static_cast<std::int64_t>(start / kNanosPerSecond));
  j.field("start", format_iso8601(start));
}

std::string cursor_text(const std::pair<Timestamp, std::int64_t>& c) {
  return std::to_string(c.first / 1000) + "_" + std::to_string(c.second);
}

// "<bar start, epoch us>_<id>", as cursor_text() writes it: the time within what a Timestamp
// holds (the microseconds times 1000 must not overflow), the id positive.
std::optional<std::pair<Timestamp, std::int64_t>> parse_cursor(std::string_view s) {
  const auto u = s.find('_');
  if (u == std::string_view::npos) return std::nullopt;
  const auto us = parse_int64(s.substr(0, u));
  const auto id = parse_int64(s.substr(u + 1));
  constexpr std::int64_t kMaxUs = std::numeric_limits<Timestamp>::max() / 1000;
  if (!us || !id || *us < 0 || *us > kMaxUs || *id < 1) return std::nullopt;
  return std::make_pair(static_cast<Timestamp>(*us) * 1000, *id);
}

}  // namespace

HttpResponse api_symbols(ApiContext& ctx, ApiCall& call) {
  if (auto e = only_params(call, {"q", "limit"})) return *e;
  std::string prefix;
  if (const std::string* q = call.req.param("q"); q != nullptr && !q->empty()) {
    auto s = parse_symbol(*q);
    if (!s) return bad("q must be the start of a ticker: A-Z 0-9 . -");
    prefix = *s;
  }
  int limit = 100;
  if (auto e = int_param(call.req, "limit", 1, 10000, limit)) return *e;
  auto rows = ctx.market.symbols(prefix, limit);
  if (!rows) return internal_error(rows.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const SymbolRow& s : *rows) {
    j.begin_object();
    j.field("symbol", s.symbol);
    j.field("name", s.name);
    j.field("type", s.type);
    j.field("exchange", s.exchange);
    j.field("active", s.active);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_universes(ApiContext& ctx, ApiCall& call) {
  if (auto e = only_params(call, {})) return *e;
  auto rows = ctx.market.universes();
  if (!rows) return internal_error(rows.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const UniverseRow& u : *rows) {
    j.begin_object();
    j.field("name", u.name);
    j.field("kind", u.kind);
    j.field("description", u.description);
    j.key("symbols");
    j.begin_array();
    for (const auto& s : u.symbols) j.value(s);
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_bars(ApiContext& ctx, ApiCall& call) {
  BarQuery q;
  if (auto e = bar_query(call, q)) return *e;
  auto rows = ctx.market.bars(q);
  if (!rows) return internal_error(rows.error());
  JsonOut j;
  j.begin_object();
  j.field("symbol", q.symbol);
  j.field("timeframe", timeframe_name(q.timeframe));
  j.key("bars");
  j.begin_array();
  for (const BarRow& b : *rows) {
    j.begin_object();
    write_time(j, b.start);
    j.field("open", b.open);
    j.field("high", b.high);
    j.field("low", b.low);
    j.field("close", b.close);
    j.field("volume", b.volume);
    j.field("vwap", b.vwap);
    j.field("trades", b.trades);
    j.field("revision", static_cast<std::int64_t>(b.revision));
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_indicators(ApiContext& ctx, ApiCall& call) {
  BarQuery q;
  if (auto e = bar_query(call, q)) return *e;
  auto rows = ctx.market.indicators(q);
  if (!rows) return internal_error(rows.error());
  JsonOut j;
  j.begin_object();
  j.field("symbol", q.symbol);
  j.field("timeframe", timeframe_name(q.timeframe));
  j.key("items");
  j.begin_array();
  for (const IndicatorRow& r : *rows) {
    j.begin_object();
    write_time(j, r.start);
    j.key("values");
    j.raw(r.values);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_patterns(ApiContext& ctx, ApiCall& call) {
  if (auto e = only_params(
          call, {"symbol", "pattern", "timeframe", "min_confidence", "since", "limit", "cursor"}))
    return *e;
  PatternQuery q;
  if (auto e = symbol_param(call, false, q.symbol)) return *e;
  if (const std::string* p = call.req.param("pattern")) {
    std::string upper = *p;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!find_pattern(upper)) return bad("pattern must be a TA-Lib name, e.g. CDLENGULFING");
    q.pattern = upper;
  }
  if (auto e = timeframe_param(call, false, q.timeframe)) return *e;
  if (auto e = number_param(call.req, "min_confidence", 0, 1, q.min_confidence)) return *e;
  if (auto e = time_param(call, "since", q.since)) return *e;
  if (auto e = int_param(call.req, "limit", 1, 500, q.limit)) return *e;
  if (const std::string* c = call.req.param("cursor")) {
    q.cursor = parse_cursor(*c);
    if (!q.cursor)
      return bad("cursor: '" + quote_value(*c) + "' is not a value of next from an earlier page");
  }
  auto page = ctx.market.patterns(q);
  if (!page) return internal_error(page.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const PatternRow& p : page->items) {
    j.begin_object();
    j.field("id", p.id);
    j.field("symbol", p.symbol);
    j.field("timeframe", timeframe_name(p.timeframe));
    write_time(j, p.bar_start);
    j.field("pattern", p.pattern);
    const auto id = find_pattern(p.pattern);
    j.field("name", id ? pattern_info(*id).display_name : std::string_view(p.pattern));
    j.field("output", p.output);
    j.field("direction", p.direction);
    j.field("confidence", p.confidence);
    j.field("price", p.price);
    j.field("volume", p.volume);
    j.field("revision", static_cast<std::int64_t>(p.revision));
    j.end_object();
  }
  j.end_array();
  j.key("next");
  if (page->next) {
    j.value(cursor_text(*page->next));
  } else {
    j.null();
  }
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_catalogue(ApiContext&, ApiCall& call) {
  if (auto e = only_params(call, {})) return *e;
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const PatternInfo& p : pattern_catalogue()) {
    j.begin_object();
    j.field("pattern", p.talib_name);
    j.field("name", p.display_name);
    j.field("candles", p.bars);
    j.field("direction", direction_name(p.direction));
    j.field("kind", kind_name(p.kind));
    j.field("description", p.description);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

}  // namespace tickstock::app
