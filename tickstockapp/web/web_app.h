// The dashboard's request handling: /health, /ready, /metrics, the REST API under /api/ and
// the static UI. Cheap answers (liveness, metrics, files) are made on the io thread; anything
// that may block runs on a worker pool and answers from there: the routes that check a
// password (64 MiB of argon2id each) on a small pool of their own, behind a per-address rate,
// so that a login flood never takes the workers that serve logged-in users.
#ifndef TICKSTOCKAPP_WEB_WEB_APP_H_
#define TICKSTOCKAPP_WEB_WEB_APP_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tickstock/pg_sink.h"
#include "tickstock/redis_sink.h"

#include "base/log.h"
#include "engine/monitor.h"
#include "web/api/api.h"
#include "web/api/login_guard.h"
#include "web/api/rate_limiter.h"
#include "web/api/readiness.h"
#include "web/api/web_metrics.h"
#include "web/http/http_server.h"
#include "web/http/worker_pool.h"
#include "web/live/web_hub.h"
#include "web/store/session_cache.h"

namespace tickstock::app {

struct WebOptions {
  std::filesystem::path web_root;  // the UI's files ("": none)
  AuthOptions auth;
  RateLimit ip_limit{50, 100};                   // /api/ requests per client IP
  RateLimit user_limit{20, 40};                  // /api/ requests per logged-in user
  std::vector<std::string> allowed_origins;      // /ws: Origins accepted besides the server's own
  std::chrono::seconds ready_feed_max_age{120};  // /ready: the feed must have produced an item
                                                 // within this long
  PgTimeouts db_timeouts;                        // the web layer's PostgreSQL calls and /ready's
};

// What the app reads; each may be null when serve runs without it.
struct WebSources {
  const Monitor* monitor = nullptr;                 // engine counters (REQUIRED)
  Feed* feed = nullptr;                             // (REQUIRED)
  const std::atomic<bool>* feed_running = nullptr;  // (REQUIRED)
  const RedisSink* redis = nullptr;
  const PgSink* pg = nullptr;
  std::string database_url;               // "" = no database
  const HttpServerStats* http = nullptr;  // the transport's counters (set after it exists)
  // A live feed whose symbols can change at run time (Polygon's); null for feeds without
  // subscriptions.
  FeedControl* feed_control = nullptr;
};

// The parts the app works with. REQUIRES: all outlive the app.
struct WebServices {
  AccountStore& accounts;  // PostgreSQL or memory
  MarketData& market;      // PostgreSQL or memory
  WebMetrics& metrics;
  WebHub* hub = nullptr;              // WebSocket clients (null: /ws refused)
  WorkerPool* hashing = nullptr;      // runs the routes that check passwords (null: the workers)
  BacktestJobs* backtests = nullptr;  // null without a database
};

// Thread-safe: handle() runs on io threads, the handlers on the pool's.
class WebApp final : public HttpHandler {
 public:
  // REQUIRES: everything referenced outlives the app; the pool is stopped before it goes.
  WebApp(WebOptions options, WebSources sources, WebServices services, WorkerPool& pool, Log& log);
  ~WebApp() override;

  void handle(HttpRequest request, Reply reply) override;
  // /ws: the session cookie and the Origin are checked, then the hub takes the connection.
  void upgrade(HttpRequest request, Decide decide) override;
  // Sets the transport's counters (the server is made after the app).
  void set_http_stats(const HttpServerStats* stats) { src_.http = stats; }
  WebMetrics& metrics() { return metrics_; }
  // Whether a WebSocket's Origin header may connect: none (not a browser), the server's own
  // scheme://Host, or one of allowed_origins.
  bool origin_allowed(const HttpRequest& req) const;
  // The Prometheus text of /metrics.
  std::string render_metrics() const;

 private:
  // /ready: cached checks; their details for admins only.
  void ready(const HttpRequest& req, Reply done);
  // A 429 when the client's address is over --rate-limit-ip (a token taken otherwise).
  std::optional<HttpResponse> limit_address(const HttpRequest& req);
  // Whether session cookie `token` is an admin's (blocks: workers only).
  bool is_admin(const std::string& token);
  Reply measured(const HttpRequest& req, Reply reply);
  void handle_api(HttpRequest req, Reply done);
  // On a worker: session, role, CSRF and per-user limit as `route` asks, then its handler.
  HttpResponse run_api(const Route& route, const HttpRequest& req, std::vector<std::string> params);
  std::string system_stats() const;

  WebOptions opt_;
  WebSources src_;
  WorkerPool& pool_;
  WorkerPool& hash_pool_;
  Log& log_;
  WebMetrics& metrics_;
  WebHub* hub_;
  SessionCache sessions_;
  RateLimiter ip_limiter_;
  RateLimiter user_limiter_;
  LoginGuard logins_;
  ApiContext api_;
  Readiness readiness_;
  std::unique_ptr<class StaticFiles> files_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_WEB_APP_H_
