// The web layer's counters (HTTP requests by route and status with latency histograms,
// WebSocket clients, messages and disconnects by reason) and the Prometheus text format (0.0.4)
// they and the engine's counters are shown in at /metrics.
#ifndef TICKSTOCKAPP_WEB_API_WEB_METRICS_H_
#define TICKSTOCKAPP_WEB_API_WEB_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tickstock::app {

// Appends Prometheus text: one HELP/TYPE header per metric, then its samples.
class PromText {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  void header(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // A metric with one sample: header and value.
  void single(std::string_view name, std::string_view type, std::string_view help, double value);
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// The method label of a request: GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS, else "other".
std::string_view method_label(std::string_view method);
// The route label: an API route's pattern, "/health", "/ready", "/metrics", "/ws" or "static",
// else "unmatched".
std::string_view route_label(std::string_view route);

// Thread-safe. Every label comes from a closed set (see method_label, route_label; statuses
// outside 100-599 count as 0; at most kMaxReasons disconnect reasons), so that what clients send
// cannot grow the metrics.
class WebMetrics {
 public:
  // Latency buckets, seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};
  // Distinct disconnect reasons kept; further ones count as "other".
  static constexpr std::size_t kMaxReasons = 16;
  // One answered request: `route` is the route's pattern ("static", "" when none matched).
  void record_request(std::string_view route, std::string_view method, int status, double seconds);
  // WebSocket: a client connected or left (with the reason: "client", "slow_consumer",
  // "shutdown", "error", ...: lower-case words of the server's, never a client's text).
  void ws_connected();
  void ws_disconnected(std::string_view reason);
  std::atomic<std::uint64_t> ws_alerts{0};          // pattern alerts sent to connections
  std::atomic<std::uint64_t> alerts_not_stored{0};  // alerts the store refused or never got
  std::atomic<std::uint64_t> alerts_refused{0};     // of those, refused one by one (bad payload)
  std::atomic<std::uint64_t> alerts_queue_overflow{0};  // of those, the store's queue was full
  std::atomic<std::uint64_t> alerts_waiting{0};         // in the store's queue now
  std::atomic<std::uint64_t> rate_limited{0};           // 429 answers
  std::atomic<std::uint64_t> logins_failed{0};
  std::atomic<std::uint64_t> logins_locked{0};    // refused because the account was locked
  std::atomic<std::uint64_t> password_checks{0};  // argon2id verifications (real or dummy)
  std::int64_t ws_clients() const { return ws_clients_.load(); }
  // Appends the HTTP and WebSocket metrics.
  void render(PromText& out) const;

 private:
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  // By (route label, method label); both views point into static strings.
  std::map<std::pair<std::string_view, std::string_view>, std::map<int, std::uint64_t>> requests_;
  std::map<std::string_view, Latency> latency_;
  std::map<std::string, std::uint64_t> disconnects_;
  std::atomic<std::int64_t> ws_clients_{0};
  std::atomic<std::uint64_t> ws_connections_{0};
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_WEB_METRICS_H_
