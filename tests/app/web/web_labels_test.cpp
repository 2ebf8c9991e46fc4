// What clients send cannot grow the server's tables: metric labels from closed sets, the rate
// limiter's table capped. Against the real binary where a client would reach it.
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "app/web/web_serve.h"
#include "support/web_client.h"
#include "web/api/rate_limiter.h"
#include "web/api/web_metrics.h"

using namespace tickstock::test;
using tickstock::app::RateLimit;
using tickstock::app::RateLimiter;
using tickstock::app::WebMetrics;

namespace {

// The value of label `name` in a Prometheus sample line.
std::string label(const std::string& line, const std::string& name) {
  const std::string k = name + "=\"";
  const auto at = line.find(k);
  if (at == std::string::npos) return "";
  const auto start = at + k.size();
  return line.substr(start, line.find('"', start) - start);
}

// The sample lines of `metric` (with labels).
std::vector<std::string> samples(const std::string& text, const std::string& metric) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(metric + "{", 0) == 0) out.push_back(line);
  return out;
}

const std::set<std::string> kMethods{"GET",   "HEAD",   "POST",    "PUT",
                                     "PATCH", "DELETE", "OPTIONS", "other"};

}  // namespace

TEST_CASE("serve --http labels its metrics from closed sets whatever the requests",
          "[app][web][http][abuse]") {
  WebServe serve({});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  // Invented methods on every kind of path: fixed endpoints, the API, files, nowhere.
  auto flood = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      const std::string method = "X" + std::to_string(i);
      for (const char* path :
           {"/health", "/ready", "/metrics", "/api/nope", "/api/bars", "/no/such/page", "/ws"})
        CHECK(c.request(method, std::string(path) + "?n=" + std::to_string(i)).status >= 400);
    }
  };
  flood(0, 100);
  c.get("/metrics");  // so that the /metrics requests themselves are counted in both
  const std::string first = c.get("/metrics").body;
  flood(100, 300);
  const std::string second = c.get("/metrics").body;
  for (const std::string& text : {first, second}) {
    for (const std::string& line : samples(text, "tickstock_http_requests_total")) {
      INFO(line);
      CHECK(kMethods.count(label(line, "method")) == 1);
      const std::string route = label(line, "route");
      CHECK((route == "/health" || route == "/ready" || route == "/metrics" || route == "/ws" ||
             route == "static" || route == "unmatched" || route.rfind("/api/", 0) == 0));
      CHECK(route.find("nope") == std::string::npos);
    }
  }
  // 200 more invented methods added no sample: the labels are the same set.
  CHECK(samples(first, "tickstock_http_requests_total").size() ==
        samples(second, "tickstock_http_requests_total").size());
  CHECK(samples(second, "tickstock_http_request_duration_seconds_count").size() ==
        samples(first, "tickstock_http_request_duration_seconds_count").size());
  CHECK(second.find("route=\"/health\",method=\"other\",status=\"405\"} 300\n") !=
        std::string::npos);
  CHECK(second.size() < first.size() + 200);  // only counters' digits grew
  serve.stop();
}

TEST_CASE("serve --http /health, /ready and /metrics answer GET and HEAD only",
          "[app][web][http][abuse]") {
  WebServe serve({});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  for (const char* path : {"/health", "/ready", "/metrics"}) {
    INFO(path);
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "BREW"}) {
      const HttpReply r = c.request(method, path);
      CHECK(r.status == 405);
      CHECK(r.header("allow") == "GET, HEAD");
      CHECK(r.body.find("\"error\":\"method_not_allowed\"") != std::string::npos);
    }
    const HttpReply head = c.request("HEAD", path);
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(c.get(path).status == 200);
  }
  CHECK(serve.stop() == 0);
}

TEST_CASE("WebMetrics keeps at most kMaxReasons disconnect reasons and plain words only",
          "[app][web][abuse]") {
  WebMetrics m;
  for (int i = 0; i < 1000; ++i) {
    m.ws_connected();
    m.ws_disconnected("reason_" + std::string(1, static_cast<char>('a' + i % 26)) +
                      std::to_string(i));
  }
  m.ws_connected();
  m.ws_disconnected("Evil \"label\"\n");
  m.record_request("/api/../../etc", "BREW", 999, 0.1);
  m.record_request("", "get", 200, 0.1);
  tickstock::app::PromText p;
  m.render(p);
  const std::string text = p.take();
  INFO(text);
  CHECK(samples(text, "tickstock_ws_disconnects_total").size() <= WebMetrics::kMaxReasons + 1);
  CHECK(text.find("tickstock_ws_disconnects_total{reason=\"other\"}") != std::string::npos);
  CHECK(text.find("Evil") == std::string::npos);
  CHECK(text.find("route=\"unmatched\",method=\"other\",status=\"0\"} 1\n") != std::string::npos);
  CHECK(text.find("route=\"unmatched\",method=\"other\",status=\"200\"} 1\n") != std::string::npos);
  CHECK(text.find("etc") == std::string::npos);
}

TEST_CASE("RateLimiter holds at most max_keys buckets and newcomers then share one",
          "[app][web][abuse]") {
  RateLimiter limiter(RateLimit{1, 2}, 100);
  const auto t0 = RateLimiter::Clock::now();
  CHECK(limiter.take("known", t0) == 0);
  for (int i = 0; i < 20000; ++i) limiter.take("10.0." + std::to_string(i), t0);
  CHECK(limiter.size() <= 100);
  CHECK(limiter.overflowed() > 0);
  // The known client keeps its own bucket: one token left of its burst of 2.
  CHECK(limiter.take("known", t0) == 0);
  CHECK(limiter.take("known", t0) > 0);
  // Newcomers share the overflow bucket, long empty by now.
  CHECK(limiter.take("newcomer", t0) > 0);
  // Once the buckets are full again (2 s at 1/s), a sweep frees the table.
  const auto later = t0 + std::chrono::seconds(5);
  CHECK(limiter.take("newcomer", later) == 0);
  CHECK(limiter.size() <= 2);
}
