// Readiness: the checks under a mutex, made by one thread at a time.
#include "web/api/readiness.h"

#include "base/json_out.h"

namespace tickstock::app {

std::optional<std::vector<ReadyCheck>> Readiness::cached() {
  std::lock_guard lock(mu_);
  if (made_ && Clock::now() - made_at_ < cache_) return checks_;
  return std::nullopt;
}

std::vector<ReadyCheck> Readiness::checks() {
  {
    std::lock_guard lock(mu_);
    if (made_ && (making_ || Clock::now() - made_at_ < cache_)) return checks_;
    making_ = true;
  }
  std::vector<ReadyCheck> fresh = make();
  std::lock_guard lock(mu_);
  checks_ = fresh;
  made_at_ = Clock::now();
  made_ = true;
  making_ = false;
  return fresh;
}

std::vector<ReadyCheck> Readiness::make() {
  std::vector<ReadyCheck> checks;
  if (src_.database_url.empty()) {
    checks.push_back({"database", false, true, "not configured (in memory)"});
  } else {
    std::int64_t statement_ms = 0;
    auto c = pg_connect_bounded(src_.database_url, src_.timeouts, statement_ms);
    Result<PgResult> q = c ? pg_exec_until(c->get(), "SELECT 1", {}, "SELECT 1",
                                           Clock::now() + src_.timeouts.connect)
                           : Result<PgResult>(c.error());
    checks.push_back({"database", true, q.has_value(), q ? "connected" : q.error().message});
  }
  if (src_.redis == nullptr) {
    checks.push_back({"redis", false, true, "not configured"});
  } else {
    const RedisSinkStats rs = src_.redis->stats();
    checks.push_back({"redis", true, rs.connected,
                      rs.connected ? "connected" : "not connected: " + rs.last_error});
  }
  checks.push_back(feed_check());
  return checks;
}

ReadyCheck Readiness::feed_check() {
  const std::uint64_t items = src_.feed->stats().items.load(std::memory_order_relaxed);
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  if (items != last_items_) {
    last_items_ = items;
    last_change_ = now;
  }
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - last_change_);
  const bool running = src_.feed_running->load();
  const bool fresh = age <= src_.feed_max_age;
  return {"feed", true, running && fresh,
          !running ? "ended"
          : fresh  ? "running, last item " + std::to_string(age.count()) + " s ago"
                   : "stale: no item for " + std::to_string(age.count()) + " s"};
}

HttpResponse ready_response(const std::vector<ReadyCheck>& checks, bool details) {
  bool all = true;
  JsonOut j;
  j.begin_object();
  j.key("checks");
  j.begin_object();
  for (const ReadyCheck& c : checks) {
    all = all && c.ok;
    j.key(c.name);
    j.begin_object();
    j.field("ok", c.ok);
    j.field("configured", c.configured);
    if (details) j.field("detail", c.detail);
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

}  // namespace tickstock::app
