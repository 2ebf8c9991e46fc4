// WebApp: dispatch by path, liveness, readiness, metrics and static files.
#include "web/web_app.h"

#include "db/pg_util.h"
#include "web/json_out.h"
#include "web/static_files.h"

namespace tickstock::app {

// The feed's freshness as /ready sees it: when its item count last moved.
struct WebApp::Readiness {
  std::mutex mu;
  std::uint64_t last_items = 0;
  std::chrono::steady_clock::time_point last_change = std::chrono::steady_clock::now();
};

WebApp::WebApp(WebOptions options, WebSources sources, WorkerPool& pool, Log& log)
    : opt_(std::move(options)),
      src_(std::move(sources)),
      pool_(pool),
      log_(log),
      readiness_(std::make_unique<Readiness>()),
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

void WebApp::handle(HttpRequest req, Reply reply) {
  Reply done = measured(req, std::move(reply));
  const std::string& path = req.path;
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
  if (path == "/ready") {
    // It may ask PostgreSQL: not on the io thread.
    auto shared = std::make_shared<Reply>(std::move(done));
    if (!pool_.post([this, shared] { (*shared)(ready()); })) {
      HttpResponse r = json_error(503, "unavailable", "the server is busy");
      r.route = "/ready";
      (*shared)(std::move(r));
    }
    return;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = json_error(405, "method_not_allowed", "only GET for " + path);
    r.headers.emplace_back("Allow", "GET, HEAD");
    r.route = "static";
    return done(std::move(r));
  }
  HttpResponse r = files_->serve(path);
  r.route = "static";
  if (req.method == "HEAD") r.body.clear();
  done(std::move(r));
}

HttpResponse WebApp::ready() {
  // Each dependency: configured or not, and fine or not, with what was seen.
  struct Check {
    const char* name;
    bool configured;
    bool ok;
    std::string detail;
  };
  std::vector<Check> checks;
  if (src_.database_url.empty()) {
    checks.push_back({"database", false, true, "not configured (in memory)"});
  } else {
    auto c = pg_connect(src_.database_url);
    Result<PgResult> q =
        c ? pg_exec(c->get(), "SELECT 1", "SELECT 1") : Result<PgResult>(c.error());
    checks.push_back({"database", true, q.has_value(), q ? "connected" : q.error().message});
  }
  if (src_.redis == nullptr) {
    checks.push_back({"redis", false, true, "not configured"});
  } else {
    const RedisSinkStats rs = src_.redis->stats();
    checks.push_back({"redis", true, rs.connected,
                      rs.connected ? "connected" : "not connected: " + rs.last_error});
  }
  {
    const std::uint64_t items = src_.feed->stats().items.load(std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(readiness_->mu);
    if (items != readiness_->last_items) {
      readiness_->last_items = items;
      readiness_->last_change = now;
    }
    const auto age =
        std::chrono::duration_cast<std::chrono::seconds>(now - readiness_->last_change);
    const bool running = src_.feed_running->load();
    const bool fresh = age <= opt_.ready_feed_max_age;
    checks.push_back({"feed", true, running && fresh,
                      !running ? "ended"
                      : fresh  ? "running, last item " + std::to_string(age.count()) + " s ago"
                               : "stale: no item for " + std::to_string(age.count()) + " s"});
  }
  bool all = true;
  JsonOut j;
  j.begin_object();
  j.key("checks");
  j.begin_object();
  for (const Check& c : checks) {
    all = all && c.ok;
    j.key(c.name);
    j.begin_object();
    j.field("ok", c.ok);
    j.field("configured", c.configured);
    j.field("detail", c.detail);
    j.end_object();
  }
  j.end_object();
  j.field("status", all ? "ready" : "not_ready");
  j.end_object();
  HttpResponse r;
  r.status = all ? 200 : 503;
  r.body = j.take();
  r.route = "/ready";
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

std::string WebApp::render_metrics() const {
  PromText p;
  const MetricsReport m = src_.monitor->counters();
  p.single("tickstock_uptime_seconds", "gauge", "Seconds since serve started", m.uptime_s);
  p.single("tickstock_feed_items_total", "counter", "Trades and bars the feed produced",
           static_cast<double>(m.ticks));
  p.single("tickstock_feed_bad_records_total", "counter", "Feed records refused as invalid",
           static_cast<double>(src_.feed->stats().bad_records.load()));
  p.single("tickstock_feed_running", "gauge", "1 while the feed runs",
           src_.feed_running->load() ? 1 : 0);
  p.single("tickstock_engine_items_total", "counter", "Feed items the engine processed",
           static_cast<double>(m.events_processed));
  p.single("tickstock_bars_total", "counter", "Bars closed or revised (every timeframe)",
           static_cast<double>(m.bars));
  p.single("tickstock_events_dropped_total", "counter",
           "Items and events dropped anywhere because a queue was full",
           static_cast<double>(m.events_dropped));
  p.single("tickstock_connection_errors_total", "counter",
           "Failed or broken connections to services", static_cast<double>(m.connection_errors));
  p.header("tickstock_queue_depth", "gauge", "Items waiting, by queue");
  for (const auto& [name, n] : m.queue_depths)
    p.sample("tickstock_queue_depth", {{"queue", name}}, static_cast<double>(n));
  p.sample("tickstock_queue_depth", {{"queue", "web_workers"}}, static_cast<double>(pool_.depth()));
  if (src_.pg != nullptr) {
    const PgSinkStats ps = src_.pg->stats();
    p.header("tickstock_postgres_rows_total", "counter", "Rows PostgreSQL stored, by kind");
    p.sample("tickstock_postgres_rows_total", {{"kind", "bars"}}, static_cast<double>(ps.bars));
    p.sample("tickstock_postgres_rows_total", {{"kind", "detections"}},
             static_cast<double>(ps.detections));
    p.sample("tickstock_postgres_rows_total", {{"kind", "indicators"}},
             static_cast<double>(ps.indicator_rows));
    p.single("tickstock_postgres_connected", "gauge", "1 while the writer is connected",
             ps.connected ? 1 : 0);
  }
  if (src_.redis != nullptr) {
    const RedisSinkStats rs = src_.redis->stats();
    p.single("tickstock_redis_published_total", "counter", "Events Redis acknowledged",
             static_cast<double>(rs.published));
    p.single("tickstock_redis_dropped_total", "counter", "Events dropped while Redis was behind",
             static_cast<double>(rs.dropped));
    p.single("tickstock_redis_connected", "gauge", "1 while the publisher is connected",
             rs.connected ? 1 : 0);
  }
  if (src_.http != nullptr) {
    const HttpServerStats& h = *src_.http;
    p.single("tickstock_http_connections_open", "gauge", "Open HTTP and WebSocket connections",
             static_cast<double>(h.connections_open.load()));
    p.single("tickstock_http_connections_total", "counter", "Connections accepted",
             static_cast<double>(h.connections_total.load()));
    p.single("tickstock_http_connections_refused_total", "counter",
             "Connections closed at once: too many open",
             static_cast<double>(h.connections_refused.load()));
    p.single("tickstock_http_bad_requests_total", "counter",
             "Requests refused as malformed or over the size limits",
             static_cast<double>(h.bad_requests.load()));
    p.single("tickstock_http_timeouts_total", "counter",
             "Connections closed by the request timeout", static_cast<double>(h.timeouts.load()));
  }
  p.single("tickstock_web_busy_total", "counter",
           "Requests refused with 503: the workers were busy",
           static_cast<double>(pool_.refused()));
  metrics_.render(p);
  return p.take();
}

}  // namespace tickstock::app
