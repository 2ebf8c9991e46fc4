// /api/admin/*: users (list, add, role, enable/disable), system stats and the live feed's
// symbols. Admins only.
#include <algorithm>

#include "base/json_out.h"
#include "web/api/api.h"
#include "web/api/api_params.h"

namespace tickstock::app {

HttpResponse api_admin_users(ApiContext& ctx, ApiCall&) {
  auto users = ctx.accounts.list_users();
  if (!users) return internal_error(users.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const User& u : *users) write_user(j, u);
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_admin_create_user(ApiContext& ctx, ApiCall& call) {
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  std::string_view username, password, role_text = "user";
  if (body["username"].get_string().get(username) != simdjson::SUCCESS ||
      body["password"].get_string().get(password) != simdjson::SUCCESS)
    return json_error(400, "bad_request",
                      "expected {\"username\": string, \"password\": string, \"role\": "
                      "\"user\"|\"admin\"}");
  if (auto r = body["role"];
      r.error() == simdjson::SUCCESS && r.get_string().get(role_text) != simdjson::SUCCESS)
    return json_error(400, "bad_request", "role must be \"user\" or \"admin\"");
  const auto role = parse_role(role_text);
  if (!role) return json_error(400, "bad_request", "role must be \"user\" or \"admin\"");
  return create_account(ctx, username, password, *role, call.now);
}

HttpResponse api_admin_update_user(ApiContext& ctx, ApiCall& call) {
  const std::string& id_text = call.path_params.at(0);
  std::int64_t id = 0;
  if (auto bad = id_segment(id_text, "the user id", id)) return *bad;
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  std::optional<Role> role;
  std::optional<bool> enabled;
  for (auto [key, value] : body) {
    if (key == "role") {
      std::string_view r;
      if (value.get_string().get(r) != simdjson::SUCCESS || !parse_role(r))
        return json_error(400, "bad_request", "role must be \"user\" or \"admin\"");
      role = parse_role(r);
    } else if (key == "enabled") {
      bool b = false;
      if (value.get_bool().get(b) != simdjson::SUCCESS)
        return json_error(400, "bad_request", "enabled must be true or false");
      enabled = b;
    } else {
      return json_error(400, "bad_request",
                        "unknown field '" + std::string(key) + "': expected role, enabled");
    }
  }
  if (!role && !enabled) return json_error(400, "bad_request", "give role and/or enabled");
  // An admin cannot lock themself out (and so the last admin stays).
  if (id == call.session->user.id && ((role && *role != Role::kAdmin) || (enabled && !*enabled)))
    return json_error(409, "conflict", "you cannot demote or disable your own account");
  auto done = ctx.accounts.update_user(id, role, enabled);
  if (!done) return internal_error(done.error());
  if (!*done) return json_error(404, "not_found", "no user with id " + id_text);
  if (enabled && !*enabled) {
    if (auto r = ctx.accounts.delete_user_sessions(id); !r) return internal_error(r.error());
  }
  ctx.sessions.forget_user(id);
  if (enabled && !*enabled && ctx.sessions_ended) ctx.sessions_ended(id, "", EndedSessions::kAll);
  if (ctx.subscriptions_changed) ctx.subscriptions_changed();  // a disabled user gets no alerts
  auto u = ctx.accounts.user_by_id(id);
  if (!u) return internal_error(u.error());
  JsonOut j;
  j.begin_object();
  j.key("user");
  write_user(j, **u);
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_admin_stats(ApiContext& ctx, ApiCall&) {
  return json_ok(ctx.system_stats ? ctx.system_stats() : "{}");
}

namespace {

HttpResponse feed_symbols_reply(const std::vector<std::string>& symbols) {
  JsonOut j;
  j.begin_object();
  j.key("symbols");
  j.begin_array();
  for (const auto& s : symbols) j.value(s);
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse no_feed_symbols() {
  return json_error(409, "conflict",
                    "this feed has no symbol subscriptions to change (only --feed polygon has)");
}

}  // namespace

HttpResponse api_admin_feed_symbols(ApiContext& ctx, ApiCall&) {
  if (ctx.feed_control == nullptr) return no_feed_symbols();
  return feed_symbols_reply(ctx.feed_control->subscribed());
}

HttpResponse api_admin_set_feed_symbols(ApiContext& ctx, ApiCall& call) {
  if (ctx.feed_control == nullptr) return no_feed_symbols();
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  if (auto bad = parse_json_body(call, parser, body)) return *bad;
  constexpr const char* kShape = "expected {\"symbols\": [\"SPY\", ...]} (or [\"*\"] for all)";
  simdjson::dom::array list;
  if (body["symbols"].get_array().get(list) != simdjson::SUCCESS)
    return json_error(400, "bad_request", kShape);
  std::vector<std::string> symbols;
  for (simdjson::dom::element e : list) {
    std::string_view text;
    if (e.get_string().get(text) != simdjson::SUCCESS)
      return json_error(400, "bad_request", kShape);
    if (text == "*") {
      symbols.emplace_back("*");
      continue;
    }
    auto sym = parse_symbol(text);
    if (!sym) return json_error(400, "bad_request", "'" + std::string(text) + "' is not a symbol");
    if (std::find(symbols.begin(), symbols.end(), *sym) == symbols.end())
      symbols.push_back(std::move(*sym));
  }
  if (symbols.empty()) return json_error(400, "bad_request", "give at least one symbol");
  if (symbols.size() > 1 && std::find(symbols.begin(), symbols.end(), "*") != symbols.end())
    return json_error(400, "bad_request", "\"*\" (all symbols) stands alone");
  ctx.feed_control->set_symbols(symbols);
  return feed_symbols_reply(symbols);
}

}  // namespace tickstock::app
