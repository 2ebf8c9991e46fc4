#include "engine/monitor.h"

namespace tickstock::app {

Monitor::Monitor(MonitorSources sources, RedisSink* redis, Log& log,
                 std::chrono::milliseconds interval)
    : src_(sources), redis_(redis), log_(log), interval_(interval) {}

Monitor::~Monitor() { stop(); }

void Monitor::start() {
  publish_report(*redis_, health());
  thread_ = std::thread([this] { run(); });
}

void Monitor::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (redis_ != nullptr) publish_report(*redis_, health("stopping"));
}

void Monitor::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [&] { return stop_; })) {
    lock.unlock();
    log_connection_change(redis_->stats());
    publish_report(*redis_, metrics());
    publish_report(*redis_, health());
    lock.lock();
  }
}

void Monitor::log_connection_change(const RedisSinkStats& st) {
  if (st.connected == was_connected_) return;
  was_connected_ = st.connected;
  if (st.connected) {
    log_.info("Redis publisher: connected" +
              (st.reconnects > 0 ? " again (" + std::to_string(st.reconnects) + " reconnects)"
                                 : std::string()));
  } else {
    log_.warn("Redis publisher: disconnected (" + st.last_error + "); buffering " +
              std::to_string(st.backlog) + " events, retrying with backoff");
  }
}

double Monitor::uptime_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

MetricsReport Monitor::metrics() {
  MetricsReport m = counters();
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - last_at_).count();
  m.ticks_per_s = seconds > 0 ? static_cast<double>(m.ticks - last_ticks_) / seconds : 0;
  last_at_ = now;
  last_ticks_ = m.ticks;
  return m;
}

MetricsReport Monitor::counters() const {
  const RedisSinkStats rs = redis_ != nullptr ? redis_->stats() : RedisSinkStats{};
  const PgSinkStats ps = src_.source->pg_stats().value_or(PgSinkStats{});
  MetricsReport m;
  m.uptime_s = uptime_s();
  m.ticks = src_.source->feed_items();
  m.bars = src_.bars->bars();
  m.events_received = m.ticks + src_.source->feed_bad_records();
  m.events_processed = src_.engine->data_items();
  m.events_forwarded = rs.published;
  m.events_dropped = src_.queue->dropped_items() + rs.dropped + ps.refused + ps.dropped;
  m.connection_errors =
      rs.connection_errors + src_.inbound_connection_errors->load(std::memory_order_relaxed);
  m.queue_depths = {{"feed_batches", src_.queue->depth()},
                    {"redis_backlog", rs.backlog},
                    {"postgres_backlog", ps.backlog}};
  return m;
}

HealthReport Monitor::health(const char* status_override) {
  const RedisSinkStats rs = redis_ != nullptr ? redis_->stats() : RedisSinkStats{};
  HealthReport h;
  h.uptime_s = uptime_s();
  const bool feed_running = src_.feed_running->load();
  h.components.emplace_back("feed", feed_running ? "running" : "ended");
  // Before its first connection (and first failure) the sink is still connecting.
  const bool redis_starting = !rs.connected && rs.connection_errors == 0 && rs.reconnects == 0;
  h.components.emplace_back("redis", redis_ == nullptr ? "off"
                                     : rs.connected    ? "connected"
                                     : redis_starting  ? "connecting"
                                                       : "disconnected");
  bool pg_ok = true;
  const std::optional<PgSinkStats> pg = src_.source->pg_stats();
  if (!pg) {
    h.components.emplace_back("postgres", "off");
  } else {
    // PgSink connects when it first has something to write: until then it is idle, not down.
    const PgSinkStats& ps = *pg;
    pg_ok = ps.connected || ps.last_error.empty();
    h.components.emplace_back("postgres", ps.connected ? "connected"
                                          : pg_ok      ? "idle"
                                                       : "disconnected");
  }
  h.status = status_override != nullptr          ? status_override
             : !pg_ok                            ? "degraded"
             : redis_ == nullptr || rs.connected ? "healthy"
             : redis_starting                    ? "starting"
                                                 : "degraded";
  return h;
}

}  // namespace tickstock::app
