// /api/subscriptions (CRUD of the user's own alert subscriptions) and /api/alerts (history).
#include <cstdint>

#include "tickstock/patterns.h"

#include "base/json_out.h"
#include "web/api/api.h"
#include "web/api/api_params.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kMaxListItems = 200;

void write_subscription(JsonOut& j, const Subscription& s) {
  j.begin_object();
  j.field("id", s.id);
  j.field("pattern", s.pattern);
  j.key("symbols");
  j.begin_array();
  for (const auto& x : s.symbols) j.value(x);
  j.end_array();
  j.key("timeframes");
  j.begin_array();
  for (const auto& x : s.timeframes) j.value(x);
  j.end_array();
  j.field("min_confidence", s.min_confidence);
  j.field("enabled", s.enabled);
  j.field("created_at", iso_seconds(s.created_at));
  j.end_object();
}

// A string array field of at most kMaxListItems items, each checked by `check` (which may
// rewrite it); absent leaves `out` empty.
template <class Check>
std::optional<HttpResponse> string_list(const simdjson::dom::object& body, const char* name,
                                        Check check, std::vector<std::string>& out) {
  simdjson::dom::element e;
  if (body[name].get(e) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS || a.size() > kMaxListItems)
    return json_error(400, "bad_request",
                      std::string(name) + " must be an array of at most 200 strings");
  for (auto item : a) {
    std::string_view v;
    if (item.get_string().get(v) != simdjson::SUCCESS)
      return json_error(400, "bad_request", std::string(name) + " must contain strings");
    std::string s(v);
    if (!check(s))
      return json_error(
          400, "bad_request",
          std::string(name) + ": '" + std::string(v).substr(0, 40) + "' is not valid");
    out.push_back(std::move(s));
  }
  return std::nullopt;
}

// The subscription a POST or PUT body describes.
std::optional<HttpResponse> read_subscription(const ApiCall& call, Subscription& s) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return bad;
  for (auto [key, value] : body) {
    if (key != "pattern" && key != "symbols" && key != "timeframes" && key != "min_confidence" &&
        key != "enabled")
      return json_error(400, "bad_request",
                        "unknown field '" + std::string(key) +
                            "': expected pattern, symbols, timeframes, min_confidence, enabled");
  }
  std::string_view pattern;
  if (body["pattern"].get_string().get(pattern) != simdjson::SUCCESS)
    return json_error(400, "bad_request",
                      "pattern is required: a TA-Lib name (e.g. CDLENGULFING) or \"*\"");
  std::string upper(pattern);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != "*" && !find_pattern(upper))
    return json_error(400, "bad_request",
                      "pattern must be a TA-Lib name (e.g. CDLENGULFING) or \"*\"");
  s.pattern = upper;
  if (auto e = string_list(
          body, "symbols",
          [](std::string& v) {
            auto t = parse_symbol(v);
            if (t) v = *t;
            return t.has_value();
          },
          s.symbols))
    return e;
  if (auto e = string_list(
          body, "timeframes",
          [](std::string& v) {
            auto tf = parse_timeframe(v);
            if (tf) v = std::string(timeframe_name(*tf));
            return tf.has_value();
          },
          s.timeframes))
    return e;
  if (auto m = body["min_confidence"]; m.error() == simdjson::SUCCESS) {
    double d = -1;
    if (m.get_double().get(d) != simdjson::SUCCESS || !(d >= 0 && d <= 1))
      return json_error(400, "bad_request", "min_confidence must be a number from 0 to 1");
    s.min_confidence = d;
  }
  if (auto en = body["enabled"]; en.error() == simdjson::SUCCESS) {
    if (en.get_bool().get(s.enabled) != simdjson::SUCCESS)
      return json_error(400, "bad_request", "enabled must be true or false");
  }
  return std::nullopt;
}

}  // namespace

HttpResponse api_subscriptions(ApiContext& ctx, ApiCall& call) {
  auto subs = ctx.accounts.list_subscriptions(call.session->user.id);
  if (!subs) return internal_error(subs.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const Subscription& s : *subs) write_subscription(j, s);
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_create_subscription(ApiContext& ctx, ApiCall& call) {
  Subscription s;
  s.user_id = call.session->user.id;
  if (auto e = read_subscription(call, s)) return *e;
  auto existing = ctx.accounts.list_subscriptions(s.user_id);
  if (!existing) return internal_error(existing.error());
  if (existing->size() >= kMaxListItems)
    return json_error(409, "conflict", "at most 200 subscriptions per user");
  auto made = ctx.accounts.create_subscription(s, call.now);
  if (!made) return internal_error(made.error());
  if (ctx.subscriptions_changed) ctx.subscriptions_changed();
  JsonOut j;
  write_subscription(j, *made);
  return json_ok(j.take(), 201);
}

HttpResponse api_update_subscription(ApiContext& ctx, ApiCall& call) {
  std::int64_t id = 0;
  if (auto bad = id_segment(call.path_params.at(0), "the subscription id", id)) return *bad;
  Subscription s;
  s.id = id;
  s.user_id = call.session->user.id;
  if (auto e = read_subscription(call, s)) return *e;
  auto done = ctx.accounts.update_subscription(s);
  if (!done) return internal_error(done.error());
  if (!*done) return json_error(404, "not_found", "you have no subscription with that id");
  if (ctx.subscriptions_changed) ctx.subscriptions_changed();
  JsonOut j;
  write_subscription(j, s);
  return json_ok(j.take());
}

HttpResponse api_delete_subscription(ApiContext& ctx, ApiCall& call) {
  std::int64_t id = 0;
  if (auto bad = id_segment(call.path_params.at(0), "the subscription id", id)) return *bad;
  auto done = ctx.accounts.delete_subscription(call.session->user.id, id);
  if (!done) return internal_error(done.error());
  if (!*done) return json_error(404, "not_found", "you have no subscription with that id");
  if (ctx.subscriptions_changed) ctx.subscriptions_changed();
  HttpResponse r = json_ok("");
  r.status = 204;
  return r;
}

void write_alert_items(JsonOut& j, const std::vector<StoredAlert>& alerts) {
  j.begin_array();
  for (const StoredAlert& a : alerts) {
    j.begin_object();
    j.field("id", a.id);
    j.field("created_at", iso_seconds(a.created_at));
    j.key("delivered_at");
    if (a.delivered_at == 0) {
      j.null();
    } else {
      j.value(iso_seconds(a.delivered_at));
    }
    j.key("alert");
    j.raw(*a.payload);
    j.end_object();
  }
  j.end_array();
}

HttpResponse api_alerts(ApiContext& ctx, ApiCall& call) {
  for (const auto& [k, v] : call.req.query)
    if (k != "limit" && k != "cursor" && k != "pending")
      return json_error(400, "bad_request",
                        "unknown parameter '" + k + "' (expected limit, cursor, pending)");
  std::int64_t limit = 50, cursor = 0;
  if (auto e = int_param(call.req, "limit", 1, 500, limit)) return *e;
  if (auto e = int_param(call.req, "cursor", 1, INT64_MAX, cursor)) return *e;
  bool pending = false;
  if (const std::string* p = call.req.param("pending")) {
    if (*p != "true" && *p != "false")
      return json_error(400, "bad_request", "pending must be true or false");
    pending = *p == "true";
  }
  auto page =
      ctx.accounts.alert_history(call.session->user.id, cursor, static_cast<int>(limit), pending);
  if (!page) return internal_error(page.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  write_alert_items(j, page->items);
  j.key("next");
  if (page->next != 0) {
    j.value(std::to_string(page->next));
  } else {
    j.null();
  }
  j.end_object();
  return json_ok(j.take());
}

Result<std::vector<std::int64_t>> read_alert_ids(const simdjson::dom::object& body) {
  constexpr const char* kShape = "expected {\"id\": N} or {\"ids\": [N, ...]} (at most 500)";
  std::vector<std::int64_t> ids;
  auto take = [&](simdjson::dom::element e) {
    std::int64_t id = 0;
    if (e.get_int64().get(id) != simdjson::SUCCESS || id < 1) return false;
    ids.push_back(id);
    return true;
  };
  bool given = false;
  if (auto one = body["id"]; one.error() == simdjson::SUCCESS) {
    given = true;
    if (!take(one.value_unsafe())) return fail(kShape);
  }
  if (auto many = body["ids"]; many.error() == simdjson::SUCCESS) {
    given = true;
    simdjson::dom::array a;
    if (many.get_array().get(a) != simdjson::SUCCESS || a.size() > 500) return fail(kShape);
    for (auto e : a)
      if (!take(e)) return fail(kShape);
  }
  if (!given || ids.empty()) return fail(kShape);  // an empty ack would cost a worker for nothing
  return ids;
}

HttpResponse api_ack_alerts(ApiContext& ctx, ApiCall& call) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  auto ids = read_alert_ids(body);
  if (!ids) return json_error(400, "bad_request", ids.error().message);
  auto marked = ctx.accounts.mark_alerts_delivered(call.session->user.id, *ids, call.now);
  if (!marked) return internal_error(marked.error());
  JsonOut j;
  j.begin_object();
  j.field("acked", *marked);
  j.end_object();
  return json_ok(j.take());
}

}  // namespace tickstock::app
