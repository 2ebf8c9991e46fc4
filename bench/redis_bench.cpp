// tickstock-bench --only redis: RedisSink against the redis-server named by REDIS_HOST and
// REDIS_PORT (scripts/services.sh starts one).
//   redis_publish_*: pattern events handed to the sink as fast as the producer can, timed until
//     Redis has acknowledged every command (events/s; and the producer's cost per event).
//   redis_detection_to_subscriber_latency_at_10k_per_s: events handed to the sink every 100 us;
//     a subscriber on another connection compares each payload's timestamp (taken when the
//     event reached the sink) with the time it has read and parsed the message.
//   redis_direct_publish_latency_at_10k_per_s: the same without the sink, a blocking hiredis
//     PUBLISH of a payload of the same size from the producer's thread: what the machine and
//     Redis themselves allow (on a shared 2-core machine the tail is mostly scheduling).
#include "redis_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <hiredis/hiredis.h>

#include "tickstock/calendar.h"
#include "tickstock/redis_sink.h"

#include "redis/redis_subscriber.h"

namespace tickstock::bench {
namespace {

using app::RedisMessage;
using app::RedisSubscriber;
using app::RedisSubscriberOptions;

using Clock = std::chrono::steady_clock;

struct Server {
  std::string host;
  int port = 0;
};

std::optional<Server> server_from_env() {
  const char* h = std::getenv("REDIS_HOST");
  const char* p = std::getenv("REDIS_PORT");
  if (h == nullptr || p == nullptr || *h == '\0' || *p == '\0') return std::nullopt;
  return Server{h, std::atoi(p)};
}

RedisSinkOptions sink_options(const Server& s, const std::string& prefix, std::size_t capacity) {
  RedisSinkOptions o;
  o.host = s.host;
  o.port = s.port;
  o.prefix = prefix;
  o.publish_indicators = false;
  o.buffer_capacity = capacity;
  o.flush_timeout = std::chrono::seconds(120);
  return o;
}

bool wait_connected(const RedisSink& sink) {
  for (int i = 0; i < 500 && !sink.stats().connected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return sink.stats().connected;
}

// A detection like the scanner's, on a different bar each time.
PatternEvent detection(Symbol s, std::size_t i) {
  PatternEvent e;
  e.symbol = s;
  e.timeframe = Timeframe::M1;
  e.bar_start = 1704205800LL * kNanosPerSecond + static_cast<Timestamp>(i) * kNanosPerMinute;
  e.pattern = PatternId::Engulfing;
  e.output = i % 2 == 0 ? 100 : -100;
  e.direction = i % 2 == 0 ? PatternDirection::Bullish : PatternDirection::Bearish;
  e.confidence = 0.5 + static_cast<double>(i % 25) * 0.01;  // below 0.8: one channel
  return e;
}

// Counts (and, with `latencies`, times) messages on one channel until told to stop.
class Subscriber {
 public:
  Subscriber(const Server& s, const std::string& channel, const tickstock::Clock* wall)
      : wall_(wall) {
    RedisSubscriberOptions o;
    o.host = s.host;
    o.port = s.port;
    o.channels = {channel};
    sub_ = std::make_unique<RedisSubscriber>(o);
    ok_ = static_cast<bool>(sub_->connect());
    if (ok_) thread_ = std::thread([this] { run(); });
  }
  ~Subscriber() { stop(); }
  bool ok() const { return ok_; }
  std::size_t received() const { return received_.load(); }
  // Waits until `n` arrived (at most 30 s), then stops.
  void finish(std::size_t n) {
    for (int i = 0; i < 3000 && received() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();
  }
  std::vector<double>& latencies_us() { return latencies_; }

 private:
  void run() {
    RedisMessage m;
    while (!stop_.load()) {
      const auto r = sub_->next(m, std::chrono::milliseconds(50));
      if (!r) return;
      if (!*r) continue;
      if (wall_ != nullptr) {
        const Timestamp now = wall_->now();
        const auto at = m.payload.find("\"timestamp\":\"");
        if (at != std::string::npos) {
          const auto end = m.payload.find('"', at + 13);
          const auto t =
              parse_timestamp(std::string_view(m.payload).substr(at + 13, end - at - 13));
          if (t) latencies_.push_back(static_cast<double>(now - *t) / 1000.0);
        }
      }
      received_.fetch_add(1);
    }
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const tickstock::Clock* wall_;
  std::unique_ptr<RedisSubscriber> sub_;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> received_{0};
  std::vector<double> latencies_;
  std::thread thread_;
};

void delete_key(const Server& s, const std::string& key) {
  timeval tv{5, 0};
  redisContext* c = redisConnectWithTimeout(s.host.c_str(), s.port, tv);
  if (c == nullptr) return;
  if (c->err == 0) {
    if (void* r = redisCommand(c, "DEL %s", key.c_str())) freeReplyObject(r);
  }
  redisFree(c);
}

struct Throughput {
  double events_per_s = 0;
  double push_ns = 0;  // producer's cost per event
  bool complete = false;
};

// Hands `n` events to a fresh sink and times until Redis acknowledged them all.
Throughput publish_once(const Server& s, std::size_t n, bool stream, bool with_subscriber) {
  const std::string prefix = "bench" + std::to_string(getpid());
  RedisSinkOptions o = sink_options(s, prefix, n + 1024);
  if (stream) o.stream_maxlen = n;
  SystemClock wall;
  Throughput t;
  {
    RedisSink sink(o, wall);
    std::optional<Subscriber> sub;
    if (with_subscriber) sub.emplace(s, sink.channels().patterns, nullptr);
    if (!wait_connected(sink) || (sub && !sub->ok())) return t;
    SymbolTable symbols;
    const Symbol spy = symbols.intern("SPY");
    std::vector<PatternEvent> events;
    events.reserve(n);
    for (std::size_t i = 0; i < n; ++i) events.push_back(detection(spy, i));
    const auto t0 = Clock::now();
    for (const PatternEvent& e : events) sink.on_pattern(e);
    const auto pushed = Clock::now();
    const bool flushed = sink.flush_for(std::chrono::seconds(120));
    const auto t1 = Clock::now();
    const RedisSinkStats st = sink.stats();
    if (sub) sub->finish(n);
    t.complete = flushed && st.published == n && st.dropped == 0 && (!sub || sub->received() == n);
    t.events_per_s = static_cast<double>(n) / std::chrono::duration<double>(t1 - t0).count();
    t.push_ns =
        std::chrono::duration<double, std::nano>(pushed - t0).count() / static_cast<double>(n);
    if (stream) delete_key(s, sink.channels().stream);
  }
  return t;
}

void report_throughput(const char* name, const Server& s, std::size_t n, int runs, bool stream,
                       bool subscriber) {
  std::vector<double> rates, pushes;
  bool complete = true;
  for (int r = 0; r < runs; ++r) {
    const Throughput t = publish_once(s, n, stream, subscriber);
    complete = complete && t.complete;
    rates.push_back(t.events_per_s);
    pushes.push_back(t.push_ns);
  }
  std::sort(rates.begin(), rates.end());
  std::sort(pushes.begin(), pushes.end());
  std::printf(
      "{\"name\":\"%s\",\"events_per_s\":%.0f,\"producer_ns_per_event\":%.1f,\"events\":%zu,"
      "\"runs\":%d,\"all_acknowledged\":%s}\n",
      name, rates[rates.size() / 2], pushes[pushes.size() / 2], n, runs,
      complete ? "true" : "false");
  std::fflush(stdout);
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// A payload like the sink's (same size) with `at` as its timestamp, for the direct baseline.
std::string direct_payload(Timestamp at) {
  return "{\"schema_version\":1,\"timestamp\":\"" + format_iso8601(at) + "\",\"pad\":\"" +
         std::string(300, 'x') + "\"}";
}

// Events every 100 us for `seconds`, through a RedisSink or (`direct`) a blocking PUBLISH.
void report_latency(const Server& s, double seconds, bool direct) {
  constexpr auto kInterval = std::chrono::microseconds(100);  // 10 000 events/s
  const auto n = static_cast<std::size_t>(seconds * 10'000);
  SystemClock wall;
  RedisSink sink(sink_options(s, "bench" + std::to_string(getpid()), 1 << 16), wall);
  Subscriber sub(s, sink.channels().patterns, &wall);
  if (!wait_connected(sink) || !sub.ok()) return;
  redisContext* c = direct ? redisConnect(s.host.c_str(), s.port) : nullptr;
  if (direct && (c == nullptr || c->err != 0)) return;
  SymbolTable symbols;
  const Symbol spy = symbols.intern("SPY");
  std::vector<double> push_ns;  // the producer's cost of handing over one event
  push_ns.reserve(n);
  auto next = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    std::this_thread::sleep_until(next);
    const PatternEvent e = detection(spy, i);
    const auto t0 = Clock::now();
    if (direct) {
      const std::string payload = direct_payload(wall.now());
      if (void* r = redisCommand(c, "PUBLISH %s %b", sink.channels().patterns.c_str(),
                                 payload.data(), payload.size())) {
        freeReplyObject(r);
      }
    } else {
      sink.on_pattern(e);
    }
    push_ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
    next += kInterval;
  }
  const auto late = Clock::now() - next;  // how far the producer fell behind its schedule
  sub.finish(n);
  if (c != nullptr) redisFree(c);
  std::vector<double>& lat = sub.latencies_us();
  const std::size_t got = lat.size();
  std::printf(
      "{\"name\":\"%s\",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
      "\"max_us\":%.1f,\"events\":%zu,\"received\":%zu,\"producer_behind_ms\":%.1f,"
      "\"producer_p50_ns\":%.0f,\"producer_p99_ns\":%.0f}\n",
      direct ? "redis_direct_publish_latency_at_10k_per_s"
             : "redis_detection_to_subscriber_latency_at_10k_per_s",
      percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99), percentile(lat, 0.999),
      percentile(lat, 1.0), n, got,
      std::chrono::duration<double, std::milli>(std::max(late, Clock::duration::zero())).count(),
      percentile(push_ns, 0.5), percentile(push_ns, 0.99));
  std::fflush(stdout);
}

}  // namespace

void bench_redis(bool smoke, int runs) {
  const auto s = server_from_env();
  if (!s) {
    std::fprintf(stderr, "redis figures skipped: REDIS_HOST/REDIS_PORT not set\n");
    return;
  }
  const std::size_t n = smoke ? 2'000 : 1'000'000;
  const int r = smoke ? 1 : std::min(runs, 3);
  report_throughput("redis_publish_events_per_s", *s, n, r, false, false);
  report_throughput("redis_publish_events_per_s_1_subscriber", *s, n, r, false, true);
  report_throughput("redis_publish_events_per_s_with_stream", *s, n, r, true, false);
  report_latency(*s, smoke ? 0.2 : 10.0, false);
  report_latency(*s, smoke ? 0.2 : 10.0, true);
}

}  // namespace tickstock::bench
