#include "redis/event_payload.h"

#include <cmath>
#include <cstdio>

#include "tickstock/calendar.h"
#include "tickstock/json.h"
#include "tickstock/patterns.h"

namespace tickstock::detail {
namespace {

// Clears `out` and opens the object with the envelope.
JsonWriter begin(std::string& out, std::string_view event_type, const Envelope& env) {
  out.clear();
  JsonWriter w(out);
  w.begin_object();
  w.integer("schema_version", kRedisSchemaVersion);
  w.str("event_type", event_type);
  w.str("source", env.source);
  append_timestamp_us(w.raw_value("timestamp"), env.at);
  w.uinteger("seq", env.seq);
  return w;
}

// symbol, timeframe, bar_start, revision: which bar an event belongs to.
void bar_key(JsonWriter& w, Symbol symbol, Timeframe tf, Timestamp start, std::uint32_t revision) {
  w.str("symbol", symbol.name());
  w.str("timeframe", payload_timeframe(tf));
  append_timestamp_us(w.raw_value("bar_start"), start);
  w.integer("revision", revision);
}

}  // namespace

std::string_view payload_timeframe(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1:
      return "1min";
    case Timeframe::M5:
      return "5min";
    case Timeframe::M15:
      return "15min";
    case Timeframe::M30:
      return "30min";
    case Timeframe::H1:
      return "hourly";
    case Timeframe::H4:
      return "4hour";
    case Timeframe::D1:
      return "daily";
  }
  return "1min";
}

void append_timestamp_us(std::string& out, Timestamp t) {
  const Timestamp us = t >= 0 ? t / 1000 : -((-t + 999) / 1000);  // floor to microseconds
  std::int64_t days = us / 86'400'000'000LL;
  std::int64_t rem = us % 86'400'000'000LL;
  if (rem < 0) {
    rem += 86'400'000'000LL;
    --days;
  }
  const Date d = civil_from_days(days);
  const auto secs = rem / 1'000'000;
  char buf[40];
  const int n =
      std::snprintf(buf, sizeof buf, "\"%04d-%02d-%02dT%02d:%02d:%02d.%06dZ\"", d.year, d.month,
                    d.day, static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                    static_cast<int>(secs % 60), static_cast<int>(rem % 1'000'000));
  out.append(buf, static_cast<std::size_t>(n));
}

void write_payload(std::string& out, const Envelope& env, const PatternItem& item) {
  const PatternEvent& e = item.event;
  JsonWriter w = begin(out, e.retracted ? "pattern_retracted" : "pattern_detected", env);
  bar_key(w, e.symbol, e.timeframe, e.bar_start, e.revision);
  const PatternInfo& p = pattern_info(e.pattern);
  w.str("pattern", p.talib_name);
  w.str("name", p.display_name);
  w.integer("output", e.output);
  w.str("direction", direction_name(e.direction));
  w.num("confidence", std::round(e.confidence * 1e4) / 1e4);
  w.num("price", item.price);
  w.num("volume", item.volume);
  w.boolean("retracted", e.retracted);
  w.end_object();
}

void write_payload(std::string& out, const Envelope& env, const AlertItem& item) {
  const AlertEvent& e = item.event;
  JsonWriter w = begin(out, e.retracted ? "indicator_alert_retracted" : "indicator_alert", env);
  bar_key(w, e.symbol, e.timeframe, e.bar_start, e.revision);
  w.str("alert", alert_name(e.kind));
  w.num("value", e.value);
  w.num("level", e.level);
  w.str("severity", item.critical ? "critical" : "info");
  w.num("price", item.price);
  w.num("volume", item.volume);
  w.boolean("retracted", e.retracted);
  w.end_object();
}

void write_payload(std::string& out, const Envelope& env, const IndicatorsItem& item) {
  const Bar& b = item.bar;
  JsonWriter w = begin(out, "indicator_values", env);
  bar_key(w, b.symbol, b.timeframe, b.start, b.revision);
  w.num("price", b.close);
  w.num("volume", b.volume);
  w.key("values");
  w.begin_object();
  for (int f = 0; f < kFieldCount; ++f) {
    const double v = item.values[static_cast<std::size_t>(f)];
    if (!std::isnan(v)) w.num(field_name(static_cast<Field>(f)), v);  // no value yet: left out
  }
  w.end_object();
  w.end_object();
}

void write_payload(std::string& out, const Envelope& env, const Bar& b) {
  JsonWriter w = begin(out, "ohlcv_bar", env);
  bar_key(w, b.symbol, b.timeframe, b.start, b.revision);
  w.num("open", b.open);
  w.num("high", b.high);
  w.num("low", b.low);
  w.num("close", b.close);
  w.num("volume", b.volume);
  w.num("vwap", b.vwap);
  w.integer("trades", b.trade_count);
  w.str("session", session_name(b.session));
  w.end_object();
}

void write_payload(std::string& out, const Envelope& env, const ErrorReport& r) {
  JsonWriter w = begin(out, "error", env);
  w.str("severity", severity_name(r.severity));
  w.str("component", r.component);
  w.str("message", r.message);
  w.string_object("context", r.context);
  w.end_object();
}

void write_payload(std::string& out, const Envelope& env, std::string_view event_type,
                   std::string_view members) {
  JsonWriter w = begin(out, event_type, env);
  if (!members.empty()) {
    out += ',';
    out += members;
  }
  w.end_object();
}

}  // namespace tickstock::detail
