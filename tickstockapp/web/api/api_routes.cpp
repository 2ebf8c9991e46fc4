// The route table, route matching and the handlers' shared helpers.
#include <ctime>

#include "base/json_out.h"
#include "web/api/api.h"
#include "web/api/api_params.h"

namespace tickstock::app {
namespace {

constexpr Route kRoutes[] = {
    {"POST", "/api/auth/login", Access::kPublic, api_login, true},
    {"POST", "/api/auth/logout", Access::kUser, api_logout},
    {"POST", "/api/auth/register", Access::kPublic, api_register, true},
    {"POST", "/api/auth/password", Access::kUser, api_change_password, true},
    {"GET", "/api/auth/me", Access::kUser, api_me},
    {"GET", "/api/symbols", Access::kUser, api_symbols},
    {"GET", "/api/universes", Access::kUser, api_universes},
    {"GET", "/api/bars", Access::kUser, api_bars},
    {"GET", "/api/patterns", Access::kUser, api_patterns},
    {"GET", "/api/patterns/catalogue", Access::kUser, api_catalogue},
    {"GET", "/api/indicators", Access::kUser, api_indicators},
    {"GET", "/api/subscriptions", Access::kUser, api_subscriptions},
    {"POST", "/api/subscriptions", Access::kUser, api_create_subscription},
    {"PUT", "/api/subscriptions/{id}", Access::kUser, api_update_subscription},
    {"DELETE", "/api/subscriptions/{id}", Access::kUser, api_delete_subscription},
    {"GET", "/api/alerts", Access::kUser, api_alerts},
    {"POST", "/api/alerts/ack", Access::kUser, api_ack_alerts},
    {"GET", "/api/admin/users", Access::kAdmin, api_admin_users},
    {"POST", "/api/admin/users", Access::kAdmin, api_admin_create_user, true},
    {"PATCH", "/api/admin/users/{id}", Access::kAdmin, api_admin_update_user},
    {"GET", "/api/admin/stats", Access::kAdmin, api_admin_stats},
    {"GET", "/api/admin/feed/symbols", Access::kAdmin, api_admin_feed_symbols},
    {"PUT", "/api/admin/feed/symbols", Access::kAdmin, api_admin_set_feed_symbols},
    {"GET", "/api/backtests/config", Access::kUser, api_backtest_config},
    {"GET", "/api/backtests", Access::kUser, api_backtest_list},
    {"POST", "/api/backtests", Access::kUser, api_backtest_submit},
    {"GET", "/api/backtests/{id}", Access::kUser, api_backtest_get},
    {"GET", "/api/backtests/{id}/stats", Access::kUser, api_backtest_stats},
    {"GET", "/api/backtests/{id}/events", Access::kUser, api_backtest_events},
    {"POST", "/api/backtests/{id}/cancel", Access::kUser, api_backtest_cancel},
    {"GET", "/api/backtests/{id}/{file}", Access::kUser, api_backtest_file},
    // The original application's UI calls these.
    {"GET", "/api/tickstockpl/backtest/config", Access::kUser, api_backtest_config},
    {"POST", "/api/tickstockpl/backtest/submit", Access::kUser, api_backtest_submit},
    {"GET", "/api/tickstockpl/backtest/jobs", Access::kUser, api_backtest_list},
    {"GET", "/api/tickstockpl/backtest/job/{id}", Access::kUser, api_backtest_get},
    {"POST", "/api/tickstockpl/backtest/job/{id}/cancel", Access::kUser, api_backtest_cancel},
    {"GET", "/api/tickstockpl/backtest/stats", Access::kUser, api_tickstockpl_stats},
    {"GET", "/api/openapi.json", Access::kUser, api_openapi},
};

// Whether `path` fits `pattern`; the {…} segments are collected into `params`.
bool fits(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pe = std::min(pattern.find('/'), pattern.size());
    const auto se = std::min(path.find('/'), path.size());
    const std::string_view want = pattern.substr(0, pe), got = path.substr(0, se);
    if (!want.empty() && want.front() == '{') {
      if (got.empty()) return false;
      params.emplace_back(got);
    } else if (want != got) {
      return false;
    }
    pattern.remove_prefix(pe);
    path.remove_prefix(se);
  }
  return true;
}

}  // namespace

std::span<const Route> api_routes() { return kRoutes; }

const Route* match_route(const std::string& method, const std::string& path,
                         std::vector<std::string>& params, bool& path_known) {
  path_known = false;
  std::vector<std::string> p;
  for (const Route& r : kRoutes) {
    if (!fits(r.pattern, path, p)) continue;
    path_known = true;
    if (method == r.method) {
      params = std::move(p);
      return &r;
    }
  }
  return nullptr;
}

HttpResponse json_ok(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::optional<HttpResponse> parse_json_body(const ApiCall& call, simdjson::dom::parser& parser,
                                            simdjson::dom::object& out) {
  const std::string_view type = call.req.header("content-type");
  if (type.substr(0, type.find(';')) != "application/json")
    return json_error(415, "unsupported_media_type", "send the body as application/json");
  simdjson::dom::element doc;
  if (parser.parse(call.req.body).get(doc) != simdjson::SUCCESS)
    return json_error(400, "bad_request", "the body is not valid JSON");
  if (doc.get_object().get(out) != simdjson::SUCCESS)
    return json_error(400, "bad_request", "the body must be a JSON object");
  return std::nullopt;
}

std::optional<HttpResponse> only_params(const ApiCall& call,
                                        std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : call.req.query) {
    bool ok = false;
    for (auto n : known) ok = ok || k == n;
    if (!ok) {
      std::string list;
      for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      return json_error(400, "bad_request",
                        "unknown parameter '" + quote_value(k) + "' (expected " + list + ")");
    }
  }
  return std::nullopt;
}

HttpResponse internal_error(const Error& e) {
  HttpResponse r = json_error(500, "internal_error", "the server could not complete the request");
  r.log_detail = e.message;
  return r;
}

std::optional<std::string> parse_symbol(std::string_view text) {
  if (!is_valid_symbol(text)) return std::nullopt;
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string iso_seconds(std::int64_t s) {
  if (s == 0) return "";
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_user(JsonOut& j, const User& u) {
  j.begin_object();
  j.field("id", u.id);
  j.field("username", u.username);
  j.field("role", role_name(u.role));
  j.field("enabled", u.enabled);
  j.field("created_at", iso_seconds(u.created_at));
  j.key("last_login_at");
  if (u.last_login_at == 0) {
    j.null();
  } else {
    j.value(iso_seconds(u.last_login_at));
  }
  j.end_object();
}

HttpResponse create_account(ApiContext& ctx, std::string_view username, std::string_view password,
                            Role role, std::int64_t now) {
  if (auto ok = check_username(username); !ok)
    return json_error(400, "bad_request", ok.error().message);
  if (auto ok = check_password(password); !ok)
    return json_error(400, "bad_request", ok.error().message);
  auto hash = hash_password(password, ctx.auth.hash_cost);
  if (!hash) return internal_error(hash.error());
  auto made = ctx.accounts.create_user(std::string(username), *hash, role, now);
  if (!made) return internal_error(made.error());
  if (!*made) return json_error(409, "conflict", "the username is taken");
  JsonOut j;
  j.begin_object();
  j.key("user");
  write_user(j, **made);
  j.end_object();
  return json_ok(j.take(), 201);
}

HttpResponse api_openapi(ApiContext&, ApiCall&) { return json_ok(openapi_document()); }

}  // namespace tickstock::app
