// serve --feed redis and the job channels, driven as a producer and a job client would: publish
// to the running app, read its stdout, its acknowledgements and its error reports.
#include <chrono>
#include <csignal>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/redis_events.h"

#include "app/app_process.h"
#include "app/app_support.h"
#include "support/json_test.h"
#include "support/pg_test_db.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"
#include "support/test_support.h"

using tickstock::RedisChannels;
using tickstock::test::AppProcess;
using tickstock::test::Json;
using tickstock::test::RedisCommands;

namespace {

std::string redis_url() {
  return "redis://" + tickstock::test::redis_host() + ":" +
         std::to_string(tickstock::test::redis_port()) + "/0";
}

// Waits until every channel has a subscriber (the app is listening); false after 20 s.
bool wait_for_subscribers(RedisCommands& redis, const std::vector<std::string>& channels) {
  for (int i = 0; i < 400; ++i) {
    bool all = true;
    for (const auto& c : channels) all = all && redis.subscribers(c) > 0;
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Waits until `collector` holds at least `n` messages; false after 20 s.
bool wait_for_messages(tickstock::test::RedisCollector& collector, std::size_t n) {
  for (int i = 0; i < 400 && collector.snapshot().size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return collector.snapshot().size() >= n;
}

// One tick of the CSV as a producer would publish it, in one of the formats they use.
std::string tick_json(const std::vector<std::string>& row, std::size_t i) {
  const std::string& ts_ns = row[0];
  const tickstock::Timestamp ns = std::stoll(ts_ns);
  std::string ts;
  switch (i % 3) {
    case 0:
      ts = ts_ns;  // epoch nanoseconds
      break;
    case 1:
      ts = "\"" + tickstock::format_iso8601(ns) + "\"";
      break;
    default:
      ts = std::to_string(ns / 1'000'000);  // epoch milliseconds (the ticks are on whole ms)
  }
  const char* who = i % 2 == 0 ? "ticker" : "symbol";
  return std::string("{\"") + who + "\":\"" + row[1] + "\",\"price\":" + row[2] +
         ",\"volume\":" + row[3] + ",\"timestamp\":" + ts + ",\"exchange\":\"X\"}";
}

// "open,high,low,close,volume" of the last revision of each 1-minute bar, by "SYMBOL ts".
std::map<std::string, std::string> minute_bars_from_serve(const std::string& out) {
  std::map<std::string, std::string> bars;
  for (const auto& line : tickstock::test::json_lines(out, "bar")) {
    if (tickstock::test::json_field(line, "timeframe") != "1m") continue;
    using tickstock::test::json_field;
    bars[json_field(line, "symbol") + " " + json_field(line, "start")] =
        json_field(line, "open") + "," + json_field(line, "high") + "," + json_field(line, "low") +
        "," + json_field(line, "close") + "," + json_field(line, "volume");
  }
  return bars;
}

std::map<std::string, std::string> minute_bars_from_csv(const std::string& csv) {
  std::map<std::string, std::string> bars;
  const auto rows = tickstock::test::parse_csv(csv);
  for (std::size_t i = 1; i < rows.size(); ++i) {  // ts,symbol,open,high,low,close,volume,...
    const auto& r = rows[i];
    bars[r[1] + " " + r[0]] = r[2] + "," + r[3] + "," + r[4] + "," + r[5] + "," + r[6];
  }
  return bars;
}

}  // namespace

TEST_CASE("serve --feed redis makes the same bars from published ticks as aggregate from the file",
          "[app][serve][redis]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  const std::string prefix = tickstock::test::unique_prefix("feed");
  const RedisChannels ch(prefix);
  tickstock::test::RedisCollector collector(
      tickstock::test::redis_host(), tickstock::test::redis_port(), {ch.errors, ch.jobs_ack});
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix},
                 {{"REDIS_URL", redis_url()}, {"DATABASE_URL", ""}});
  RedisCommands redis(tickstock::test::redis_host(), tickstock::test::redis_port());
  REQUIRE(wait_for_subscribers(
      redis, {ch.ticks_raw, ch.ticks_legacy, ch.jobs_backtest, ch.jobs_data_load}));

  const std::string path = tickstock::test::data_dir() + "/ticks_small.csv";
  const auto rows = tickstock::test::parse_csv(tickstock::test::read_file(path));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    redis.run({"PUBLISH", i % 10 == 0 ? ch.ticks_legacy : ch.ticks_raw, tick_json(rows[i], i)});
  }
  const std::vector<std::pair<std::string, std::string>> bad{
      {"{not json", "not JSON"},
      {R"({"ticker":"AAA","volume":5,"timestamp":1381149001500})", "neither a trade"},
      {R"({"ticker":"AAA","price":-2,"volume":5,"timestamp":1381149001500})", "field 'price'"},
      {R"({"ticker":"AAA","price":2,"volume":5})", "missing field 'timestamp'"},
      {R"({"symbol":"AAA","timestamp":1381149001500,"open":2,"high":1,"low":1,"close":1,)"
       R"("volume":1})",
       "must lie within"},
  };
  for (const auto& [message, why] : bad) redis.run({"PUBLISH", ch.ticks_raw, message});
  redis.run({"PUBLISH", ch.jobs_backtest,
             R"({"request_id":"ok-1","symbols":["AAA"],"timeframe":"daily",)"
             R"("start":"2013-10-01","end":"2013-10-07"})"});
  redis.run({"PUBLISH", ch.jobs_data_load, R"({"request_id":"bad-1","symbols":[]})"});
  REQUIRE(wait_for_messages(collector, bad.size() + 2 + 1));  // + the job's error report
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  const std::string err = app.err();
  INFO(err);
  const auto got = tickstock::test::by_channel(collector.finish());

  // Every tick arrived and made the bars the file makes.
  const auto expected = tickstock::test::run_app("aggregate --ticks " + path + " --timeframe 1m");
  REQUIRE(expected.exit_code == 0);
  const auto want = minute_bars_from_csv(expected.out);
  const auto have = minute_bars_from_serve(app.out());
  REQUIRE(want.size() > 50);
  CHECK(have == want);
  CHECK(err.find("done: " + std::to_string(rows.size() - 1) + " feed items") != std::string::npos);
  CHECK(err.find(std::to_string(bad.size()) + " bad input records") != std::string::npos);

  // Each bad message was reported on the errors channel, naming what was wrong.
  REQUIRE(got.count(ch.errors) == 1);
  std::vector<std::string> feed_errors;
  for (const auto& e : got.at(ch.errors)) {
    const Json j(e);
    if (j.str("component") == "redis_feed") feed_errors.push_back(e);
  }
  REQUIRE(feed_errors.size() == bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const Json j(feed_errors[i]);
    CHECK(j.str("severity") == "warning");
    CHECK_THAT(j.str("message"), Catch::Contains(bad[i].second));
    CHECK(std::string_view(j["context"]["channel"]) == ch.ticks_raw);
    CHECK(std::string_view(j["context"]["message"]) == bad[i].first);
  }

  // The job requests were answered.
  REQUIRE(got.count(ch.jobs_ack) == 1);
  REQUIRE(got.at(ch.jobs_ack).size() == 2);
  const Json ok(got.at(ch.jobs_ack)[0]);
  CHECK(ok.str("event_type") == "job_accepted");
  CHECK(ok.str("request_id") == "ok-1");
  CHECK(ok.str("job_type") == "backtest");
  CHECK(ok.integer("job_id") == 1);
  CHECK_FALSE(ok.boolean("stored"));
  const Json no(got.at(ch.jobs_ack)[1]);
  CHECK(no.str("event_type") == "job_rejected");
  CHECK(no.str("request_id") == "bad-1");
  CHECK(no.str("job_type") == "data_load");
  CHECK_THAT(no.str("error"), Catch::Contains("field 'symbols'"));
  CHECK(err.find("jobs: 1 accepted (0 stored), 1 rejected") != std::string::npos);
}

TEST_CASE("serve stores job requests from Redis in the jobs table when it has a database",
          "[app][serve][redis][db]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  const std::string prefix = tickstock::test::unique_prefix("jobs");
  const RedisChannels ch(prefix);
  tickstock::test::RedisCollector collector(tickstock::test::redis_host(),
                                            tickstock::test::redis_port(), {ch.jobs_ack});
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix},
                 {{"REDIS_URL", redis_url()}, {"DATABASE_URL", db.url()}});
  RedisCommands redis(tickstock::test::redis_host(), tickstock::test::redis_port());
  REQUIRE(wait_for_subscribers(redis, {ch.jobs_backtest, ch.jobs_data_load}));
  const std::string backtest =
      R"({"request_id":"bt-7","symbols":["SPY","QQQ"],"timeframe":"hourly",)"
      R"("start":"2024-01-02","end":"2024-03-28","patterns":["CDLHAMMER"]})";
  redis.run({"PUBLISH", ch.jobs_backtest, backtest});
  redis.run({"PUBLISH", ch.jobs_data_load,
             R"({"request_id":"dl-1","symbols":["SPY"],"timeframe":"1min",)"
             R"("start":"2024-01-02","end":"2024-01-03","source":"polygon"})"});
  REQUIRE(wait_for_messages(collector, 2));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  INFO(app.err());
  const auto acks = collector.finish();

  REQUIRE(acks.size() == 2);
  const Json bt(acks[0].payload), dl(acks[1].payload);
  CHECK(bt.boolean("stored"));
  CHECK(dl.boolean("stored"));
  CHECK(db.query("SELECT count(*) FROM jobs") == "2");
  CHECK(db.query("SELECT kind || ' ' || status || ' ' || (params->>'request_id') FROM jobs WHERE "
                 "id = " +
                 std::to_string(bt.integer("job_id"))) == "backtest queued bt-7");
  CHECK(db.query("SELECT kind || ' ' || (params->>'source') FROM jobs WHERE id = " +
                 std::to_string(dl.integer("job_id"))) == "data_load polygon");
  CHECK(db.query("SELECT params->'symbols'->>1 FROM jobs WHERE kind = 'backtest'") == "QQQ");
  CHECK(app.err().find("jobs: 2 accepted (2 stored), 0 rejected") != std::string::npos);
}
