// serve with Redis: what it prints is what it publishes, and it reports on itself while it runs.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/redis_events.h"

#include "app/app_support.h"
#include "support/json_test.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"

using tickstock::RedisChannels;
using tickstock::test::Json;
using tickstock::test::json_field;
using tickstock::test::json_lines;
using tickstock::test::run_app;

namespace {

std::string redis_env() {
  return "env -u DATABASE_URL REDIS_URL=redis://" + tickstock::test::redis_host() + ":" +
         std::to_string(tickstock::test::redis_port()) + "/0";
}

tickstock::test::RedisCollector collect(const RedisChannels& ch) {
  return tickstock::test::RedisCollector(tickstock::test::redis_host(),
                                         tickstock::test::redis_port(),
                                         tickstock::test::published_channels(ch));
}

}  // namespace

TEST_CASE("serve publishes every bar, pattern, alert and indicator line it prints on Redis",
          "[app][serve][redis]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  const std::string prefix = tickstock::test::unique_prefix("serve");
  const RedisChannels ch(prefix);
  auto collector = collect(ch);
  const auto r = run_app(
      "serve --feed synthetic --speed max --synthetic-minutes 300 --synthetic-symbols 5 --seed 9 "
      "--scenario volatile --exit-on-eof --indicator-events --redis-bars "
      "--redis-stream-maxlen 1000000 --redis-prefix " +
          prefix,
      redis_env());
  const auto got = tickstock::test::by_channel(collector.finish());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto bars = json_lines(r.out, "bar");
  const auto patterns = json_lines(r.out, "pattern");
  const auto alerts = json_lines(r.out, "alert");
  const auto indicators = json_lines(r.out, "indicators");
  REQUIRE(patterns.size() > 100);
  REQUIRE(!alerts.empty());
  auto count = [&](const std::string& channel) {
    return got.count(channel) > 0 ? got.at(channel).size() : 0;
  };
  CHECK(count(ch.bars) == bars.size());
  CHECK(count(ch.indicators) == indicators.size());
  CHECK(count(ch.alerts) == alerts.size());
  REQUIRE(count(ch.patterns) == patterns.size());
  // The same events in the same order, with the same values.
  std::size_t high = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const Json p(got.at(ch.patterns)[i]);
    INFO(patterns[i] << "\n" << got.at(ch.patterns)[i]);
    CHECK(p.str("symbol") == json_field(patterns[i], "symbol"));
    CHECK(p.str("pattern") == json_field(patterns[i], "pattern"));
    CHECK(p.num("confidence") == std::stod(json_field(patterns[i], "confidence")));
    CHECK(p.str("direction") == json_field(patterns[i], "direction"));
    CHECK(tickstock::parse_timestamp(p.str("bar_start")) ==
          tickstock::parse_timestamp(json_field(patterns[i], "start")));
    if (p.num("confidence") >= 0.8) ++high;
  }
  CHECK(count(ch.patterns_streaming) == high);
  CHECK(count(ch.patterns_detected) == high);
  // The stream holds every engine event once.
  tickstock::test::RedisCommands redis(tickstock::test::redis_host(),
                                       tickstock::test::redis_port());
  CHECK(redis.integer({"XLEN", ch.stream}) ==
        static_cast<long long>(bars.size() + patterns.size() + alerts.size() + indicators.size()));
  redis.run({"DEL", ch.stream});
  // The process said goodbye, and its summary adds up.
  REQUIRE(count(ch.health) >= 1);
  CHECK(Json(got.at(ch.health).back()).str("status") == "stopping");
  std::size_t published = 0;
  for (const auto& [channel, payloads] : got) {
    if (channel != ch.patterns_streaming && channel != ch.patterns_detected &&
        channel != ch.alerts_critical)
      published += payloads.size();
  }
  const std::string n = std::to_string(published);
  CHECK(r.err.find("redis: " + n + " events: " + n + " published") != std::string::npos);
}

TEST_CASE("serve publishes its metrics and health while it runs", "[app][serve][redis]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  const std::string prefix = tickstock::test::unique_prefix("monitor");
  const RedisChannels ch(prefix);
  auto collector = collect(ch);
  const auto r = run_app(
      "serve --feed synthetic --speed 600 --synthetic-minutes 15 --synthetic-symbols 3 "
      "--exit-on-eof --no-bar-events --metrics-interval-ms 150 --redis-prefix " +
          prefix,
      redis_env());
  const auto got = tickstock::test::by_channel(collector.finish());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(got.count(ch.monitoring) > 0);
  const auto& metrics = got.at(ch.monitoring);
  CHECK(metrics.size() >= 4);  // 1.5 s at 150 ms
  std::int64_t ticks = -1;
  for (const auto& m : metrics) {
    const Json j(m);
    CHECK(j.str("event_type") == "metrics");
    CHECK(j.integer("ticks") >= ticks);  // counters never go back
    ticks = j.integer("ticks");
    CHECK(j.integer("events_processed") <= j.integer("events_received"));
    CHECK(j.integer("events_dropped") == 0);
    CHECK(j["queue_depths"]["redis_backlog"].get_uint64().error() == simdjson::SUCCESS);
  }
  CHECK(ticks > 0);
  CHECK(Json(metrics.back()).num("ticks_per_s") >= 0);
  const auto& health = got.at(ch.health);
  REQUIRE(health.size() >= metrics.size());
  CHECK(std::any_of(health.begin(), health.end(), [](const std::string& h) {
    const Json j(h);
    return j.str("status") == "healthy" && std::string_view(j["components"]["feed"]) == "running" &&
           std::string_view(j["components"]["redis"]) == "connected" &&
           std::string_view(j["components"]["postgres"]) == "off";
  }));
  CHECK(Json(health.back()).str("status") == "stopping");
}
