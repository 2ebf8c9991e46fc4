// serve --feed redis and the job channels, driven as a producer and a job client would: publish
// to the running app, read its stdout, its acknowledgements and its error reports.
#include <chrono>
#include <csignal>
#include <map>
#include <optional>
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
  // --no-backtests: the stored rows stay queued (tests/app/backtest_job_test.cpp runs them).
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix, "--no-backtests"},
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

TEST_CASE("serve keeps a Redis request's user_id only for a known user and bounds the queue",
          "[app][serve][redis][db]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  REQUIRE(tickstock::test::run_app("user add alice", "printf 'alice-password-1\\n' | " + db.env())
              .exit_code == 0);
  const std::string alice = db.query("SELECT id FROM users WHERE username = 'alice'");
  const std::string prefix = tickstock::test::unique_prefix("jobusers");
  const RedisChannels ch(prefix);
  tickstock::test::RedisCollector collector(tickstock::test::redis_host(),
                                            tickstock::test::redis_port(), {ch.jobs_ack});
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix, "--no-backtests"},
                 {{"REDIS_URL", redis_url()}, {"DATABASE_URL", db.url()}});
  RedisCommands redis(tickstock::test::redis_host(), tickstock::test::redis_port());
  REQUIRE(wait_for_subscribers(redis, {ch.jobs_backtest}));
  auto original = [](const std::string& id, const std::string& user) {
    return R"({"type":"backtest_job","job_id":")" + id + R"(","user_id":)" + user +
           R"(,"symbols":["SPY"],"start_date":"2024-01-02","end_date":"2024-03-28",)"
           R"("parameters":{"initial_capital":50000}})";
  };
  for (int i = 1; i <= 11; ++i)
    redis.run({"PUBLISH", ch.jobs_backtest, original("o-" + std::to_string(i), alice)});
  redis.run({"PUBLISH", ch.jobs_backtest, original("stranger", "999")});
  REQUIRE(wait_for_messages(collector, 12));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  const auto acks = collector.finish();
  REQUIRE(acks.size() == 12);
  for (std::size_t i = 0; i < 10; ++i) CHECK(Json(acks[i].payload).boolean("stored"));
  const Json full(acks[10].payload);
  CHECK_FALSE(full.boolean("accepted"));
  CHECK_THAT(full.str("error"), Catch::Contains("the queue is full"));
  CHECK(Json(acks[11].payload).boolean("stored"));
  CHECK(db.query("SELECT count(*) FROM jobs WHERE user_id = " + alice) == "10");
  CHECK(db.query("SELECT (user_id IS NULL)::text || ' ' || (params->>'user_id') FROM jobs WHERE "
                 "params->>'job_id' = 'stranger'") == "true 999");
}

namespace {

constexpr std::int64_t kBaseMs = 1'704'205'800'000;  // 2024-01-02 14:30 UTC

// A trade of `sym` at `ms` as a producer publishes it.
std::string trade_at(const std::string& sym, double price, std::int64_t ms) {
  return R"({"ticker":")" + sym + R"(","price":)" + std::to_string(price) +
         R"(,"volume":100,"timestamp":)" + std::to_string(ms) + "}";
}

// Three trades of `sym` in minute `m` after kBaseMs: open 100+m, high +1, low -1, close -1.
void publish_minute(RedisCommands& redis, const std::string& channel, const std::string& sym,
                    int m) {
  const std::int64_t t = kBaseMs + m * 60'000LL;
  const double p = 100 + m;
  for (const auto& [dp, dt] : {std::pair{0.0, 1000}, {1.0, 2000}, {-1.0, 3000}})
    redis.run({"PUBLISH", channel, trade_at(sym, p + dp, t + dt)});
}

// "open,high,low,close,volume" of minute `m` as publish_minute makes it, by "SYM start".
std::string expected_minute(int m) {
  const int p = 100 + m;
  return std::to_string(p) + "," + std::to_string(p + 1) + "," + std::to_string(p - 1) + "," +
         std::to_string(p - 1) + ",300";
}

std::string minute_key(const std::string& sym, int m) {
  return sym + " " + tickstock::format_iso8601((kBaseMs + m * 60'000LL) * 1'000'000);
}

// The error reports of `component` among `reports`.
std::vector<std::string> reports_of(const std::vector<std::string>& reports,
                                    const std::string& component) {
  std::vector<std::string> out;
  for (const auto& r : reports)
    if (Json(r).str("component") == component) out.push_back(r);
  return out;
}

// Waits until a report of `component` whose message contains `text` arrived; false after 20 s.
bool wait_for_report(tickstock::test::RedisCollector& collector, const std::string& component,
                     const std::string& text) {
  for (int i = 0; i < 400; ++i) {
    for (const auto& m : collector.snapshot()) {
      const Json j(m.payload);
      if (j.str("component") == component && j.str("message").find(text) != std::string::npos)
        return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// serve --feed redis (no job listener) with `env`, a collector on its tickstock:errors and a
// command connection for publishing; `listening` once serve has subscribed.
struct FeedServe {
  FeedServe(const std::string& tag, const std::vector<std::pair<std::string, std::string>>& env)
      : prefix(tickstock::test::unique_prefix(tag)),
        ch(prefix),
        collector(tickstock::test::redis_host(), tickstock::test::redis_port(), {ch.errors}),
        app({"serve", "--feed", "redis", "--redis-prefix", prefix, "--redis-no-jobs"}, env),
        redis(tickstock::test::redis_host(), tickstock::test::redis_port()),
        listening(wait_for_subscribers(redis, {ch.ticks_raw})) {}
  // Publishes a marker, waits for its report (so all before it was read), stops serve and
  // returns its exit code (-1 when the marker was not reported).
  int finish() {
    redis.run({"PUBLISH", ch.ticks_raw, "{end of test"});
    if (!wait_for_report(collector, "redis_feed", "not JSON")) return -1;
    app.signal(SIGTERM);
    return app.wait();
  }
  // The reports of `component` on tickstock:errors. REQUIRES: finish() was called.
  std::vector<std::string> reports(const std::string& component) {
    if (!collected) collected = tickstock::test::by_channel(collector.finish())[ch.errors];
    return reports_of(*collected, component);
  }
  std::string prefix;
  RedisChannels ch;
  tickstock::test::RedisCollector collector;
  AppProcess app;
  RedisCommands redis;
  bool listening;
  std::optional<std::vector<std::string>> collected;
};

}  // namespace

TEST_CASE(
    "serve --feed redis: random tickers beyond --max-symbols are refused and reported, the known "
    "symbols' bars are all made",
    "[app][serve][redis][symbol]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  FeedServe s("maxsym",
              {{"REDIS_URL", redis_url()}, {"DATABASE_URL", ""}, {"TICKSTOCK_MAX_SYMBOLS", "3"}});
  REQUIRE(s.listening);
  publish_minute(s.redis, s.ch.ticks_raw, "SPY", 0);
  publish_minute(s.redis, s.ch.ticks_raw, "QQQ", 0);
  // 500 producers' random tickers: the first fills the table, the other 499 are refused.
  for (int i = 0; i < 500; ++i)
    s.redis.run(
        {"PUBLISH", s.ch.ticks_raw, trade_at("RND" + std::to_string(i), 5, kBaseMs + 60'000 + i)});
  for (int m = 1; m <= 3; ++m) {
    publish_minute(s.redis, s.ch.ticks_raw, "SPY", m);
    publish_minute(s.redis, s.ch.ticks_raw, "QQQ", m);
  }
  REQUIRE(s.finish() == 0);
  const std::string err = s.app.err();
  INFO(err);

  const auto bars = minute_bars_from_serve(s.app.out());
  for (const std::string sym : {"SPY", "QQQ"}) {
    for (int m = 0; m <= 3; ++m) {
      INFO(sym << " minute " << m);
      REQUIRE(bars.count(minute_key(sym, m)) == 1);
      CHECK(bars.at(minute_key(sym, m)) == expected_minute(m));
    }
  }
  CHECK(bars.count(minute_key("RND0", 1)) == 1);
  CHECK(bars.size() == 9);
  CHECK_THAT(err, Catch::Contains("symbols: 3 of at most 3 (--max-symbols), 499 records with a "
                                  "new symbol refused beyond it"));
  CHECK_THAT(err, Catch::Contains("500 bad input records"));

  // Reported on tickstock:errors on their own, thinned: the first 20 of them.
  const auto limit = s.reports("symbol_limit");
  REQUIRE(limit.size() == 20);
  const Json first(limit[0]);
  CHECK(first.str("severity") == "error");
  CHECK(first.str("message") == s.ch.ticks_raw +
                                    ": field 'ticker': 'RND1' is a new symbol and the limit of 3 "
                                    "symbols is reached");
  CHECK(std::string_view(first["context"]["channel"]) == s.ch.ticks_raw);
  CHECK(s.reports("redis_feed").size() == 1);  // the marker
}

TEST_CASE(
    "serve --feed redis: a trade stamped in 2261 and a ticker with a NUL are refused, every good "
    "minute is made and stored",
    "[app][serve][redis][db][time]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  FeedServe s("future", {{"REDIS_URL", redis_url()}, {"DATABASE_URL", db.url()}});
  REQUIRE(s.listening);
  for (int m = 0; m <= 2; ++m) publish_minute(s.redis, s.ch.ticks_raw, "SPY", m);
  s.redis.run({"PUBLISH", s.ch.ticks_raw,
               R"({"ticker":"SPY","price":1,"volume":1,"timestamp":"2261-01-01T00:00:00Z"})"});
  s.redis.run({"PUBLISH", s.ch.ticks_raw,
               R"({"ticker":"SP\u0000Y","price":1,"volume":1,"timestamp":)" +
                   std::to_string(kBaseMs + 3 * 60'000) + "}"});
  for (int m = 3; m <= 5; ++m) publish_minute(s.redis, s.ch.ticks_raw, "SPY", m);
  REQUIRE(s.finish() == 0);
  const std::string err = s.app.err();
  INFO(err);

  const auto bars = minute_bars_from_serve(s.app.out());
  for (int m = 0; m <= 5; ++m) {
    INFO("minute " << m);
    REQUIRE(bars.count(minute_key("SPY", m)) == 1);
    CHECK(bars.at(minute_key("SPY", m)) == expected_minute(m));
  }
  CHECK(bars.size() == 6);
  CHECK_THAT(err, Catch::Contains("0 ticks refused"));
  CHECK_THAT(err, Catch::Contains("3 bad input records"));
  // Stored: every good minute, nothing of 2261.
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min WHERE symbol = 'SPY'") == "6");
  CHECK(db.query("SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || open || "
                 "' ' || volume, ',' ORDER BY ts) FROM ohlcv_1min") ==
        "14:30 100 300,14:31 101 300,14:32 102 300,14:33 103 300,14:34 104 300,14:35 105 300");
  CHECK(db.query("SELECT count(*) FROM symbols") == "1");

  const auto feed = s.reports("redis_feed");
  REQUIRE(feed.size() == 3);
  CHECK_THAT(Json(feed[0]).str("message"),
             Catch::Contains("field 'timestamp': 2261-01-01T00:00:00Z is ") &&
                 Catch::Contains(" ms ahead of the clock (at most 5000 ms)"));
  CHECK_THAT(Json(feed[1]).str("message"),
             Catch::Contains("field 'ticker': 'SP\\x00Y' is not a symbol"));
}
