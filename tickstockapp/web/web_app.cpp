// WebApp: dispatch by path, liveness, readiness, metrics and static files.
#include "web/web_app.h"

#include <algorithm>

#include "base/json_out.h"
#include "web/http/client_address.h"
#include "web/http/static_files.h"

namespace tickstock::app {

WebApp::WebApp(WebOptions options, WebSources sources, WebServices services, WorkerPool& pool,
               Log& log)
    : opt_(std::move(options)),
      src_(std::move(sources)),
      pool_(pool),
      hash_pool_(services.hashing != nullptr ? *services.hashing : pool),
      log_(log),
      metrics_(services.metrics),
      hub_(services.hub),
      sessions_(services.accounts, std::chrono::seconds(15)),
      ip_limiter_(opt_.ip_limit),
      user_limiter_(opt_.user_limit),
      logins_(LoginGuardOptions{opt_.auth.login_rate, opt_.auth.max_failures, opt_.auth.lockout}),
      api_{opt_.auth,
           services.accounts,
           services.market,
           sessions_,
           logins_,
           metrics_,
           [this] { return system_stats(); },
           [hub = services.hub] {
             if (hub != nullptr) hub->subscriptions_changed();
           },
           [hub = services.hub](std::int64_t user, const std::string& token, EndedSessions which) {
             if (hub != nullptr) hub->close_sessions(user, token, which);
           },
           src_.feed_control,
           services.backtests},
      readiness_({src_.database_url, src_.redis, src_.feed, src_.feed_running,
                  opt_.ready_feed_max_age, opt_.db_timeouts}),
      files_(std::make_unique<StaticFiles>(opt_.web_root)) {
  if (!opt_.web_root.empty() && !files_->ok())
    log_.warn("http: the web files directory '" + opt_.web_root.string() +
              "' cannot be read: the UI is not served");
}

WebApp::~WebApp() = default;

Reply WebApp::measured(const HttpRequest& req, Reply reply) {
  return [this, method = req.method, received = req.received,
          reply = std::move(reply)](HttpResponse res) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count();
    metrics_.record_request(res.route, method, res.status, s);
    reply(std::move(res));
  };
}

namespace {

HttpResponse only_get(const HttpRequest& req, std::string_view route) {
  HttpResponse r = json_error(405, "method_not_allowed", "only GET and HEAD for " + req.path);
  r.headers.emplace_back("Allow", "GET, HEAD");
  r.route = std::string(route);
  return r;
}

}  // namespace

void WebApp::handle(HttpRequest req, Reply reply) {
  Reply done = measured(req, std::move(reply));
  const std::string& path = req.path;
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (path.rfind("/api/", 0) == 0 || path == "/api")
    return handle_api(std::move(req), std::move(done));
  if (!get) {
    const bool fixed = path == "/health" || path == "/ready" || path == "/metrics";
    return done(only_get(req, fixed ? path : "static"));
  }
  if (req.method == "HEAD") {
    done = [done = std::move(done)](HttpResponse r) {
      r.body.clear();
      done(std::move(r));
    };
  }
  if (path == "/health") {
    // Liveness: this answer itself shows that the process and its event loop run.
    HttpResponse r;
    r.route = "/health";
    r.body = "{\"status\":\"ok\"}";
    r.headers.emplace_back("Cache-Control", "no-store");
    return done(std::move(r));
  }
  if (path == "/metrics") {
    HttpResponse r;
    r.route = "/metrics";
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = render_metrics();
    return done(std::move(r));
  }
  if (path == "/ready") return ready(req, std::move(done));
  HttpResponse r = files_->serve(path);
  r.route = "static";
  done(std::move(r));
}

void WebApp::handle_api(HttpRequest req, Reply done) {
  std::vector<std::string> params;
  bool known = false;
  const Route* route = match_route(req.method, req.path, params, known);
  if (route == nullptr) {
    HttpResponse r =
        known ? json_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path)
              : json_error(404, "not_found", "no API route " + req.path);
    return done(std::move(r));
  }
  if (auto limited = limit_address(req)) {
    limited->route = route->pattern;
    return done(std::move(*limited));
  }
  // Password checks: a rate per address far below what the hashing pool can do, and that
  // pool's bounded queue; the other routes never wait behind them.
  if (route->checks_password) {
    if (const int wait = logins_.take(address_key(req.client_ip)); wait > 0) {
      metrics_.rate_limited.fetch_add(1);
      HttpResponse r =
          json_error(429, "too_many_requests", "too many password checks from this address");
      r.headers.emplace_back("Retry-After", std::to_string(wait));
      r.route = route->pattern;
      return done(std::move(r));
    }
  }
  WorkerPool& pool = route->checks_password ? hash_pool_ : pool_;
  auto job = std::make_shared<std::pair<HttpRequest, Reply>>(std::move(req), std::move(done));
  const bool queued = pool.post([this, route, job, params = std::move(params)]() mutable {
    HttpResponse r = run_api(*route, job->first, std::move(params));
    r.route = route->pattern;
    job->second(std::move(r));
  });
  if (!queued) {
    HttpResponse r = json_error(503, "unavailable", "the server is busy; try again");
    r.headers.emplace_back("Retry-After", "1");
    r.route = route->pattern;
    job->second(std::move(r));
  }
}

std::optional<HttpResponse> WebApp::limit_address(const HttpRequest& req) {
  const int wait = ip_limiter_.take(address_key(req.client_ip));
  if (wait == 0) return std::nullopt;
  metrics_.rate_limited.fetch_add(1);
  HttpResponse r = json_error(429, "too_many_requests", "too many requests from this address");
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

bool WebApp::origin_allowed(const HttpRequest& req) const {
  const std::string_view origin = req.header("origin");
  if (origin.empty()) return true;
  const std::string own =
      std::string(req.secure ? "https://" : "http://") + std::string(req.header("host"));
  if (origin == own) return true;
  return std::find(opt_.allowed_origins.begin(), opt_.allowed_origins.end(), origin) !=
         opt_.allowed_origins.end();
}

void WebApp::upgrade(HttpRequest req, Decide decide) {
  auto refuse = [&](HttpResponse r) {
    r.route = "/ws";
    metrics_.record_request("/ws", req.method, r.status, 0);
    decide({std::move(r), nullptr});
  };
  if (req.path != "/ws" || hub_ == nullptr)
    return refuse(json_error(404, "not_found", "no WebSocket at " + req.path));
  if (!origin_allowed(req))
    return refuse(json_error(403, "forbidden", "this Origin may not open the WebSocket"));
  if (auto limited = limit_address(req)) return refuse(std::move(*limited));
  auto job = std::make_shared<std::pair<HttpRequest, Decide>>(std::move(req), std::move(decide));
  const bool queued = pool_.post([this, job] {
    const HttpRequest& r = job->first;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    UpgradeDecision d;
    auto s = sessions_.resolve(r.cookie("tickstock_session"), now);
    if (!s) {
      log_.limited("http_api", "http: /ws: " + s.error().message);
      d.refusal = json_error(500, "internal_error", "the server could not complete the request");
    } else if (!*s) {
      d.refusal = json_error(401, "unauthorized", "log in first");
    } else {
      // The greeting (the alerts that wait) is read once the socket has joined the hub.
      d.peer = hub_->connect((*s)->user, (*s)->session.token_hash);
    }
    metrics_.record_request(
        "/ws", r.method, d.refusal ? d.refusal->status : 101,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - r.received).count());
    job->second(std::move(d));
  });
  if (!queued) {
    job->second({json_error(503, "unavailable", "the server is busy; try again"), nullptr});
  }
}

HttpResponse WebApp::run_api(const Route& route, const HttpRequest& req,
                             std::vector<std::string> params) {
  ApiCall call{req, std::move(params), std::nullopt,
               std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()};
  auto decide = [&]() -> HttpResponse {
    if (route.access != Access::kPublic) {
      auto s = sessions_.resolve(req.cookie("tickstock_session"), call.now);
      if (!s) return internal_error(s.error());
      if (!*s) return json_error(401, "unauthorized", "log in first");
      call.session = std::move(**s);
      const User& u = call.session->user;
      if (route.access == Access::kAdmin && u.role != Role::kAdmin)
        return json_error(403, "forbidden", "admins only");
      if (req.method != "GET" && req.method != "HEAD" &&
          !equal_in_constant_time(req.header("x-csrf-token"), call.session->session.csrf_token))
        return json_error(403, "csrf",
                          "missing or wrong X-CSRF-Token (the csrf_token of login or /me)");
      if (const int wait = user_limiter_.take(std::to_string(u.id)); wait > 0) {
        metrics_.rate_limited.fetch_add(1);
        HttpResponse limited =
            json_error(429, "too_many_requests", "too many requests from this user");
        limited.headers.emplace_back("Retry-After", std::to_string(wait));
        return limited;
      }
    }
    return route.handler(api_, call);
  };
  HttpResponse r;
  try {
    r = decide();
  } catch (const std::exception& e) {
    r = internal_error(Error{e.what()});
  }
  if (r.status >= 500)
    log_.limited("http_api",
                 std::string("http: ") + route.method + " " + route.pattern + ": " + r.log_detail);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

std::string WebApp::system_stats() const {
  const MetricsReport m = src_.monitor->counters();
  JsonOut j;
  j.begin_object();
  j.field("uptime_s", m.uptime_s);
  j.field("feed_running", src_.feed_running->load());
  j.field("feed_items", m.ticks);
  j.field("engine_items", m.events_processed);
  j.field("bars", m.bars);
  j.field("events_dropped", m.events_dropped);
  j.field("connection_errors", m.connection_errors);
  j.key("queues");
  j.begin_object();
  for (const auto& [name, n] : m.queue_depths) j.field(name, static_cast<std::uint64_t>(n));
  j.end_object();
  j.field("database", !src_.database_url.empty());
  if (src_.pg != nullptr) {
    const PgSinkStats ps = src_.pg->stats();
    j.key("postgres");
    j.begin_object();
    j.field("connected", ps.connected);
    j.field("bars", ps.bars);
    j.field("detections", ps.detections);
    j.field("backlog", ps.backlog);
    j.field("spilled", ps.spilled);
    j.end_object();
  }
  j.field("redis", src_.redis != nullptr);
  if (src_.redis != nullptr) {
    const RedisSinkStats rs = src_.redis->stats();
    j.key("redis_stats");
    j.begin_object();
    j.field("connected", rs.connected);
    j.field("published", rs.published);
    j.field("dropped", rs.dropped);
    j.end_object();
  }
  j.field("ws_clients", metrics_.ws_clients());
  if (src_.http != nullptr) {
    j.field("http_connections", src_.http->connections_open.load());
    j.field("http_requests", src_.http->requests.load());
  }
  j.end_object();
  return j.take();
}

void WebApp::ready(const HttpRequest& req, Reply done) {
  // Without a session there are no details to give, and a fresh answer needs no worker.
  std::string token = req.cookie("tickstock_session");
  if (token.empty()) {
    if (auto c = readiness_.cached()) return done(ready_response(*c, false));
  }
  // A session to check costs a store lookup: as limited as the API.
  if (auto limited = token.empty() ? std::nullopt : limit_address(req)) {
    limited->route = "/ready";
    return done(std::move(*limited));
  }
  // The checks may ask PostgreSQL, and the session the account store: not on the io thread.
  auto shared = std::make_shared<Reply>(std::move(done));
  const bool queued = pool_.post([this, shared, token = std::move(token)] {
    (*shared)(ready_response(readiness_.checks(), is_admin(token)));
  });
  if (queued) return;
  if (auto c = readiness_.cached()) return (*shared)(ready_response(*c, false));
  HttpResponse r = json_error(503, "unavailable", "the server is busy");
  r.route = "/ready";
  (*shared)(std::move(r));
}

bool WebApp::is_admin(const std::string& token) {
  if (token.empty()) return false;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  auto s = sessions_.resolve(token, now);
  return s && *s && (*s)->user.role == Role::kAdmin;
}

namespace {

// The feed's and the engine's counters.
void put_engine_metrics(PromText& p, const MetricsReport& m, const WebSources& src) {
  p.single("tickstock_uptime_seconds", "gauge", "Seconds since serve started", m.uptime_s);
  p.single("tickstock_feed_items_total", "counter", "Trades and bars the feed produced",
           static_cast<double>(m.ticks));
  p.single("tickstock_feed_bad_records_total", "counter", "Feed records refused as invalid",
           static_cast<double>(src.feed->stats().bad_records.load()));
  p.single("tickstock_feed_running", "gauge", "1 while the feed runs",
           src.feed_running->load() ? 1 : 0);
  p.single("tickstock_engine_items_total", "counter", "Feed items the engine processed",
           static_cast<double>(m.events_processed));
  p.single("tickstock_bars_total", "counter", "Bars closed or revised (every timeframe)",
           static_cast<double>(m.bars));
  p.single("tickstock_events_dropped_total", "counter",
           "Items and events dropped anywhere because a queue was full",
           static_cast<double>(m.events_dropped));
  p.single("tickstock_connection_errors_total", "counter",
           "Failed or broken connections to services", static_cast<double>(m.connection_errors));
}

void put_postgres_metrics(PromText& p, const PgSinkStats& ps) {
  p.header("tickstock_postgres_rows_total", "counter", "Rows PostgreSQL stored, by kind");
  p.sample("tickstock_postgres_rows_total", {{"kind", "bars"}}, static_cast<double>(ps.bars));
  p.sample("tickstock_postgres_rows_total", {{"kind", "detections"}},
           static_cast<double>(ps.detections));
  p.sample("tickstock_postgres_rows_total", {{"kind", "indicators"}},
           static_cast<double>(ps.indicator_rows));
  p.single("tickstock_postgres_connected", "gauge", "1 while the writer is connected",
           ps.connected ? 1 : 0);
  p.header("tickstock_postgres_refused_rows_total", "counter",
           "Rows the database refused (the rest of their batch stored), by whether they were "
           "kept in the refused file");
  p.sample("tickstock_postgres_refused_rows_total", {{"kept", "yes"}},
           static_cast<double>(ps.refused_rows_kept));
  p.sample("tickstock_postgres_refused_rows_total", {{"kept", "no"}},
           static_cast<double>(ps.refused_rows - ps.refused_rows_kept));
}

void put_redis_metrics(PromText& p, const RedisSinkStats& rs) {
  p.single("tickstock_redis_published_total", "counter", "Events Redis acknowledged",
           static_cast<double>(rs.published));
  p.header("tickstock_redis_dropped_total", "counter",
           "Events not published, by reason: buffer_full (the --redis-buffer events waiting "
           "for Redis), report_queue_full (reports waiting for Redis)");
  p.sample("tickstock_redis_dropped_total", {{"reason", "buffer_full"}},
           static_cast<double>(rs.dropped_buffer_full));
  p.sample("tickstock_redis_dropped_total", {{"reason", "report_queue_full"}},
           static_cast<double>(rs.dropped_reports_full));
  p.single("tickstock_redis_connected", "gauge", "1 while the publisher is connected",
           rs.connected ? 1 : 0);
}

// The transport's counters: connections, requests, WebSocket messages.
void put_http_metrics(PromText& p, const HttpServerStats& h) {
  p.single("tickstock_http_connections_open", "gauge", "Open HTTP and WebSocket connections",
           static_cast<double>(h.connections_open.load()));
  p.single("tickstock_http_connections_total", "counter", "Connections accepted",
           static_cast<double>(h.connections_total.load()));
  p.single("tickstock_http_connections_refused_total", "counter",
           "Connections closed at once: too many open",
           static_cast<double>(h.connections_refused.load()));
  p.single("tickstock_http_connections_refused_per_ip_total", "counter",
           "Connections closed at once: too many open from one client address",
           static_cast<double>(h.connections_refused_per_ip.load()));
  p.single("tickstock_http_accept_fd_exhausted_total", "counter",
           "Accepts that failed for want of a file descriptor (accepting paused)",
           static_cast<double>(h.accept_fd_exhausted.load()));
  p.single("tickstock_http_bad_requests_total", "counter",
           "Requests refused as malformed or over the size limits",
           static_cast<double>(h.bad_requests.load()));
  p.single("tickstock_http_timeouts_total", "counter", "Connections closed by the request timeout",
           static_cast<double>(h.timeouts.load()));
  p.single("tickstock_ws_messages_total", "counter", "WebSocket messages written to clients",
           static_cast<double>(h.ws_messages.load()));
  p.single("tickstock_ws_conflated_total", "counter",
           "Queued bar and indicator updates replaced by a newer one (slow clients)",
           static_cast<double>(h.ws_conflated.load()));
  p.single("tickstock_ws_queued_bytes", "gauge", "Bytes waiting in the WebSocket send queues",
           static_cast<double>(h.ws_queued_bytes.load()));
}

}  // namespace

std::string WebApp::render_metrics() const {
  PromText p;
  const MetricsReport m = src_.monitor->counters();
  put_engine_metrics(p, m, src_);
  p.header("tickstock_queue_depth", "gauge", "Items waiting, by queue");
  for (const auto& [name, n] : m.queue_depths)
    p.sample("tickstock_queue_depth", {{"queue", name}}, static_cast<double>(n));
  p.sample("tickstock_queue_depth", {{"queue", "web_workers"}}, static_cast<double>(pool_.depth()));
  if (&hash_pool_ != &pool_)
    p.sample("tickstock_queue_depth", {{"queue", "password_checks"}},
             static_cast<double>(hash_pool_.depth()));
  p.sample("tickstock_queue_depth", {{"queue", "alert_store"}},
           static_cast<double>(metrics_.alerts_waiting.load()));
  if (src_.pg != nullptr) put_postgres_metrics(p, src_.pg->stats());
  if (src_.redis != nullptr) put_redis_metrics(p, src_.redis->stats());
  if (src_.http != nullptr) put_http_metrics(p, *src_.http);
  if (hub_ != nullptr)
    p.single("tickstock_ws_charts", "gauge", "Charts with at least one WebSocket subscriber",
             static_cast<double>(hub_->chart_keys()));
  p.single("tickstock_http_rate_limit_overflow_total", "counter",
           "Requests limited in the shared bucket because the per-address table was full",
           static_cast<double>(ip_limiter_.overflowed() + user_limiter_.overflowed()));
  p.single("tickstock_web_busy_total", "counter",
           "Requests refused with 503: the workers were busy",
           static_cast<double>(pool_.refused()));
  if (&hash_pool_ != &pool_)
    p.single("tickstock_password_checks_busy_total", "counter",
             "Password checks (login, register, ...) refused with 503: the hashing pool was busy",
             static_cast<double>(hash_pool_.refused()));
  metrics_.render(p);
  return p.take();
}

}  // namespace tickstock::app
