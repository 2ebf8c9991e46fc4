// serve with a Redis publish buffer that overflows: why it drops is said at the first drop (not
// only at exit), rate-limited, with what to do, and /metrics counts the drops by reason.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/web/web_serve.h"
#include "support/web_client.h"

using namespace tickstock::test;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("serve says at the first drop why Redis events are dropped, and /metrics counts them",
          "[app][serve][redis]") {
  // Nothing listens on port 1: every event waits in a buffer of 16, and most are dropped.
  WebServe serve({"--speed", "max", "--synthetic-minutes", "30", "--synthetic-symbols", "3",
                  "--redis-url", "redis://127.0.0.1:1/0", "--redis-buffer", "16",
                  "--redis-flush-timeout-ms", "100", "--rate-limit-ip", "0"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const std::string label = "tickstock_redis_dropped_total{reason=\"buffer_full\"} ";
  // The drops go on after the feed ends, while the engine's queue drains into the sink: wait
  // for more than 100 of them, not only for the end of the feed.
  const auto dropped = [&label](const std::string& metrics) {
    const auto at = metrics.find(label);
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + label.size()));
  };
  std::string metrics;
  for (int i = 0; i < 300; ++i) {
    metrics = c.get("/metrics").body;
    if (metrics.find("tickstock_feed_running 0\n") != std::string::npos &&
        serve.process().err().find("Redis publisher: ") != std::string::npos &&
        dropped(metrics) > 100)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string during = serve.process().err();
  INFO(during);
  // Said while running, with the reason and what to do.
  CHECK(during.find("Redis publisher: ") != std::string::npos);
  CHECK(during.find("events dropped, the oldest first: the buffer of 16 events is full (Redis "
                    "is not connected); raise --redis-buffer (now 16)") != std::string::npos);
  // By reason in /metrics.
  REQUIRE(metrics.find(label) != std::string::npos);
  CHECK(dropped(metrics) > 100);
  CHECK(metrics.find("tickstock_redis_dropped_total{reason=\"report_queue_full\"} 0\n") !=
        std::string::npos);
  CHECK(serve.stop() == 0);
  const std::string err = serve.process().err();
  // Once in the run (rate-limited to one a minute), and the exit summary says why.
  CHECK(count_of(err, "Redis publisher: ") == 1);
  CHECK(err.find("dropped: buffer full; raise --redis-buffer (now 16)") != std::string::npos);
  CHECK(err.find("(last error: )") == std::string::npos);
}
