// The REST API under /api/: the route table and what its handlers share. Handlers run on the
// worker pool (they may block on PostgreSQL or hash passwords) and return the response; the
// caller has already checked the session, the CSRF token and the rate limits their route asks
// for.
#ifndef TICKSTOCKAPP_WEB_API_API_H_
#define TICKSTOCKAPP_WEB_API_API_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "tickstock/types.h"

#include "feeds/feed_control.h"
#include "web/api/login_guard.h"
#include "web/api/web_metrics.h"
#include "web/http/http_types.h"
#include "web/store/account_store.h"
#include "web/store/backtest_jobs.h"
#include "web/store/market_data.h"
#include "web/store/passwords.h"
#include "web/store/session_cache.h"

namespace tickstock::app {

// The accounts settings (serve's --registration, --session-ttl-h, --login-*).
struct AuthOptions {
  bool registration = false;                    // POST /api/auth/register open to anyone
  std::chrono::seconds session_ttl{12 * 3600};  // a session ends this long after login
  int max_failures = 5;               // failures of one (account, address) before delays start
  std::chrono::seconds lockout{900};  // the longest delay (1 s, doubling with each failure)
  // Password checks per second per client address (login, register, password change, user
  // creation). One argon2id check at kInteractive takes 70-130 ms here (one hashing thread:
  // about 11 a second), so one address gets a fiftieth of a thread.
  RateLimit login_rate{0.2, 5};
  HashCost hash_cost = HashCost::kInteractive;
};

// What handlers share. REQUIRES: every reference outlives the API.
struct ApiContext {
  AuthOptions auth;
  AccountStore& accounts;
  MarketData& market;
  SessionCache& sessions;
  LoginGuard& logins;
  WebMetrics& metrics;
  std::function<std::string()> system_stats;    // GET /api/admin/stats's body (JSON)
  std::function<void()> subscriptions_changed;  // the alert router re-reads subscriptions
  // Sessions ended here (logout, password change, user disabled): their open WebSockets close.
  std::function<void(std::int64_t user_id, const std::string& token_hash, EndedSessions which)>
      sessions_ended;
  // The live feed's symbol subscriptions; null when the feed has none to change.
  FeedControl* feed_control = nullptr;
  // Backtest jobs; null without a database (the routes answer 503).
  BacktestJobs* backtests = nullptr;
};

struct ApiCall {
  const HttpRequest& req;
  std::vector<std::string> path_params;  // the {…} segments of the route, in order
  std::optional<SessionInfo> session;    // set on routes that need one
  std::int64_t now = 0;                  // Unix seconds
};

enum class Access { kPublic, kUser, kAdmin };

struct Route {
  const char* method;
  const char* pattern;  // e.g. "/api/subscriptions/{id}"
  Access access;
  HttpResponse (*handler)(ApiContext&, ApiCall&);
  bool checks_password = false;  // hashes or verifies a password: the hashing pool runs it
};

// Every route of the API (the OpenAPI document is checked against this list).
std::span<const Route> api_routes();
// The route for `method` and `path`: the route and its path parameters; `path_known` tells a
// 405 (some route has the path) from a 404.
const Route* match_route(const std::string& method, const std::string& path,
                         std::vector<std::string>& params, bool& path_known);
// The OpenAPI 3 document (written by hand in openapi.json, embedded at build time).
const char* openapi_document();

// Helpers for handlers.
HttpResponse json_ok(std::string body, int status = 200);
// The request body as a JSON object: errors are 415 (not application/json) or 400 responses.
std::optional<HttpResponse> parse_json_body(const ApiCall& call, simdjson::dom::parser& parser,
                                            simdjson::dom::object& out);
// A 400 naming the first query parameter not in `known`.
std::optional<HttpResponse> only_params(const ApiCall& call,
                                        std::initializer_list<std::string_view> known);
// A 500 for a store or database failure (the message is logged by the caller, not sent).
HttpResponse internal_error(const Error& e);
// A ticker by the symbol grammar (is_valid_symbol), upper-cased; nullopt when invalid.
std::optional<std::string> parse_symbol(std::string_view text);
// Appends a user as JSON (id, username, role, enabled, created_at, last_login_at).
void write_user(class JsonOut& j, const User& u);
// Checks the name and password, hashes and adds the user: 201 {"user"}, 400 or 409.
HttpResponse create_account(ApiContext& ctx, std::string_view username, std::string_view password,
                            Role role, std::int64_t now);
// ISO-8601 of Unix seconds ("" for 0).
std::string iso_seconds(std::int64_t s);
// Appends stored alerts as a JSON array of {id, created_at, delivered_at, alert}.
void write_alert_items(JsonOut& j, const std::vector<StoredAlert>& alerts);
// The alert ids an acknowledgement names: "id" (one) and/or "ids" (at most 500), positive
// integers. Error: what to tell the client.
Result<std::vector<std::int64_t>> read_alert_ids(const simdjson::dom::object& body);
// Alerts in the first page of pending ones (login answer, /ws greeting).
constexpr int kPendingFirstPage = 50;

// The handlers, by area (api_auth.cpp, api_admin.cpp, api_market.cpp, api_subscriptions.cpp).
HttpResponse api_login(ApiContext&, ApiCall&);
HttpResponse api_logout(ApiContext&, ApiCall&);
HttpResponse api_register(ApiContext&, ApiCall&);
HttpResponse api_change_password(ApiContext&, ApiCall&);
HttpResponse api_me(ApiContext&, ApiCall&);
HttpResponse api_admin_users(ApiContext&, ApiCall&);
HttpResponse api_admin_create_user(ApiContext&, ApiCall&);
HttpResponse api_admin_update_user(ApiContext&, ApiCall&);
HttpResponse api_admin_stats(ApiContext&, ApiCall&);
HttpResponse api_admin_feed_symbols(ApiContext&, ApiCall&);
HttpResponse api_admin_set_feed_symbols(ApiContext&, ApiCall&);
HttpResponse api_symbols(ApiContext&, ApiCall&);
HttpResponse api_universes(ApiContext&, ApiCall&);
HttpResponse api_bars(ApiContext&, ApiCall&);
HttpResponse api_patterns(ApiContext&, ApiCall&);
HttpResponse api_catalogue(ApiContext&, ApiCall&);
HttpResponse api_indicators(ApiContext&, ApiCall&);
HttpResponse api_subscriptions(ApiContext&, ApiCall&);
HttpResponse api_create_subscription(ApiContext&, ApiCall&);
HttpResponse api_update_subscription(ApiContext&, ApiCall&);
HttpResponse api_delete_subscription(ApiContext&, ApiCall&);
HttpResponse api_alerts(ApiContext&, ApiCall&);
HttpResponse api_ack_alerts(ApiContext&, ApiCall&);
HttpResponse api_openapi(ApiContext&, ApiCall&);
// api_backtests.cpp, api_backtest_results.cpp, api_backtest_events.cpp.
HttpResponse api_backtest_config(ApiContext&, ApiCall&);
HttpResponse api_backtest_list(ApiContext&, ApiCall&);
HttpResponse api_backtest_submit(ApiContext&, ApiCall&);
HttpResponse api_backtest_get(ApiContext&, ApiCall&);
HttpResponse api_backtest_stats(ApiContext&, ApiCall&);
HttpResponse api_backtest_cancel(ApiContext&, ApiCall&);
HttpResponse api_backtest_file(ApiContext&, ApiCall&);
HttpResponse api_backtest_events(ApiContext&, ApiCall&);
HttpResponse api_tickstockpl_stats(ApiContext&, ApiCall&);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_API_H_
