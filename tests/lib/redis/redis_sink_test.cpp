// RedisSink against the real redis-server of scripts/test (a second client subscribes), against
// none, and against a private one that is stopped and started again.
#include "tickstock/redis_sink.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "redis/redis_subscriber.h"
#include "redis/reports.h"
#include "support/json_test.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"

using tickstock::Bar;
using tickstock::ManualClock;
using tickstock::RedisChannels;
using tickstock::RedisSink;
using tickstock::RedisSinkOptions;
using tickstock::SymbolTable;
using tickstock::Timeframe;
using tickstock::app::RedisMessage;
using tickstock::app::RedisSubscriber;
using tickstock::app::RedisSubscriberOptions;
using tickstock::test::by_channel;
using tickstock::test::Json;

namespace {

const tickstock::Timestamp kNow = *tickstock::parse_timestamp("2024-01-02T14:35:02.123456Z");
const tickstock::Timestamp kBarStart = *tickstock::parse_timestamp("2024-01-02T14:30:00Z");

RedisSinkOptions options_for(const std::string& prefix, int port) {
  RedisSinkOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.prefix = prefix;
  o.min_backoff = std::chrono::milliseconds(50);
  o.max_backoff = std::chrono::milliseconds(200);
  return o;
}

// A subscriber on every channel the sink publishes under `prefix`.
RedisSubscriber subscribe_all(const RedisChannels& c, int port) {
  RedisSubscriberOptions o;
  o.host = tickstock::test::redis_host();
  o.port = port;
  o.channels = tickstock::test::published_channels(c);
  RedisSubscriber s(o);
  const auto r = s.connect();
  if (!r) FAIL(r.error().message);
  return s;
}

// Reads messages until `n` arrived or nothing came for two seconds.
std::vector<RedisMessage> receive(RedisSubscriber& s, std::size_t n) {
  std::vector<RedisMessage> got;
  RedisMessage m;
  while (got.size() < n) {
    const auto r = s.next(m, std::chrono::seconds(2));
    if (!r || !*r) break;
    got.push_back(m);
  }
  return got;
}

Bar five_minute_bar(tickstock::Symbol s) {
  Bar b;
  b.symbol = s;
  b.timeframe = Timeframe::M5;
  b.start = kBarStart;
  b.open = 100;
  b.high = 101.5;
  b.low = 99.25;
  b.close = 101;
  b.volume = 12345;
  b.vwap = 100.5;
  b.trade_count = 42;
  return b;
}

tickstock::PatternEvent pattern(tickstock::Symbol s, double confidence, bool retracted = false) {
  tickstock::PatternEvent e;
  e.symbol = s;
  e.timeframe = Timeframe::M5;
  e.bar_start = kBarStart;
  e.pattern = tickstock::PatternId::Engulfing;
  e.output = retracted ? 0 : 100;
  e.direction = tickstock::PatternDirection::Bullish;
  e.confidence = confidence;
  e.retracted = retracted;
  return e;
}

tickstock::AlertEvent rsi_alert(tickstock::Symbol s, double value) {
  tickstock::AlertEvent e;
  e.symbol = s;
  e.timeframe = Timeframe::M5;
  e.bar_start = kBarStart;
  e.kind = tickstock::AlertKind::RsiOverbought;
  e.value = value;
  e.level = 70;
  return e;
}

// A fresh prefix on the scripts/test server with a subscriber on all its channels, symbols and
// a clock: what a test needs around its sink.
struct Live {
  explicit Live(const std::string& tag)
      : prefix(tickstock::test::unique_prefix(tag)),
        ch(prefix),
        sub(subscribe_all(ch, tickstock::test::redis_port())),
        spy(symbols.intern("SPY")),
        options(options_for(prefix, tickstock::test::redis_port())) {
    options.host = tickstock::test::redis_host();
  }
  std::string prefix;
  RedisChannels ch;
  RedisSubscriber sub;
  SymbolTable symbols;
  tickstock::Symbol spy;
  ManualClock clock{kNow};
  RedisSinkOptions options;
};

}  // namespace

TEST_CASE("RedisSink publishes each engine event on its channels with the schema's fields",
          "[redis][threads]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  Live live("events");
  const RedisChannels& ch = live.ch;
  const auto spy = live.spy;
  live.options.publish_bars = true;
  RedisSink sink(live.options, live.clock);
  const Bar bar = five_minute_bar(spy);
  sink.on_bar(bar);
  tickstock::ScanResult scanned;
  scanned.bar = bar;
  scanned.values.fill(std::numeric_limits<double>::quiet_NaN());
  scanned.values[static_cast<std::size_t>(tickstock::Field::Rsi)] = 71.5;
  scanned.values[static_cast<std::size_t>(tickstock::Field::Sma)] = 100.25;
  sink.on_scan(scanned);
  sink.on_pattern(pattern(spy, 0.9123456));  // high confidence: three channels
  auto doji = pattern(spy, 0.5);             // one channel
  doji.pattern = tickstock::PatternId::Doji;
  sink.on_pattern(doji);
  sink.on_alert(rsi_alert(spy, 85));  // critical: two channels
  sink.on_alert(rsi_alert(spy, 72));  // one channel
  REQUIRE(sink.flush_for(std::chrono::seconds(10)));
  const auto got = by_channel(receive(live.sub, 9 + 1));  // one more than expected: none may come
  const auto st = sink.stats();

  CHECK(st.accepted == 6);
  CHECK(st.published == 6);
  CHECK(st.backlog == 0);
  CHECK(st.dropped == 0);
  CHECK(st.failed == 0);
  CHECK(st.messages == 9);
  CHECK(st.deliveries == 9);
  CHECK(st.connected);
  REQUIRE(got.size() == 7);
  REQUIRE(got.at(ch.bars).size() == 1);
  REQUIRE(got.at(ch.indicators).size() == 1);
  REQUIRE(got.at(ch.patterns).size() == 2);
  REQUIRE(got.at(ch.patterns_streaming).size() == 1);
  REQUIRE(got.at(ch.patterns_detected).size() == 1);
  REQUIRE(got.at(ch.alerts).size() == 2);
  REQUIRE(got.at(ch.alerts_critical).size() == 1);
  CHECK(got.at(ch.patterns_streaming)[0] == got.at(ch.patterns)[0]);

  const Json p(got.at(ch.patterns_detected)[0]);
  CHECK(p.integer("schema_version") == 1);
  CHECK(p.str("event_type") == "pattern_detected");
  CHECK(p.str("source") == "tickstockpl");
  CHECK(p.str("timestamp") == "2024-01-02T14:35:02.123456Z");
  CHECK(p.integer("seq") == 3);
  CHECK(p.str("symbol") == "SPY");
  CHECK(p.str("timeframe") == "5min");
  CHECK(p.str("bar_start") == "2024-01-02T14:30:00.000000Z");
  CHECK(p.integer("revision") == 0);
  CHECK(p.str("pattern") == "CDLENGULFING");
  CHECK(p.str("name") == "Engulfing Pattern");
  CHECK(p.integer("output") == 100);
  CHECK(p.str("direction") == "bullish");
  CHECK(p.num("confidence") == 0.9123);
  CHECK(p.num("price") == 101);
  CHECK(p.num("volume") == 12345);
  CHECK_FALSE(p.boolean("retracted"));

  const Json a(got.at(ch.alerts_critical)[0]);
  CHECK(a.str("event_type") == "indicator_alert");
  CHECK(a.str("alert") == "rsi_overbought");
  CHECK(a.num("value") == 85);
  CHECK(a.num("level") == 70);
  CHECK(a.str("severity") == "critical");
  CHECK(Json(got.at(ch.alerts)[1]).str("severity") == "info");

  const Json i(got.at(ch.indicators)[0]);
  CHECK(i.str("event_type") == "indicator_values");
  CHECK(double(i["values"]["RSI"]) == 71.5);
  CHECK(double(i["values"]["SMA"]) == 100.25);
  CHECK(i["values"]["EMA"].error() == simdjson::NO_SUCH_FIELD);  // no value yet: left out

  const Json b(got.at(ch.bars)[0]);
  CHECK(b.str("event_type") == "ohlcv_bar");
  CHECK(b.integer("seq") == 1);
  CHECK(b.num("high") == 101.5);
  CHECK(b.integer("trades") == 42);
  CHECK(b.str("session") == "regular");
}

TEST_CASE(
    "RedisSink sends a revision or retraction of a high-confidence pattern to the streaming "
    "channels too",
    "[redis][threads]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  Live live("retract");
  const RedisChannels& ch = live.ch;
  const auto spy = live.spy;
  live.options.publish_indicators = false;
  RedisSink sink(live.options, live.clock);
  sink.on_pattern(pattern(spy, 0.85));
  auto revised = pattern(spy, 0.6);
  revised.revision = 1;
  sink.on_pattern(revised);                // was high: the streaming channels hear of it
  sink.on_pattern(pattern(spy, 0, true));  // no longer high: events.patterns only
  auto other = pattern(spy, 0.95);
  other.pattern = tickstock::PatternId::Doji;
  sink.on_pattern(other);
  sink.on_pattern(pattern(spy, 0, true));  // Engulfing again: not high any more
  auto gone = other;
  gone.retracted = true;
  gone.confidence = 0;
  sink.on_pattern(gone);  // the Doji was high: its retraction follows it
  REQUIRE(sink.flush_for(std::chrono::seconds(10)));
  const auto got = by_channel(receive(live.sub, 6 + 2 * 4));

  REQUIRE(got.at(ch.patterns).size() == 6);
  REQUIRE(got.at(ch.patterns_streaming).size() == 4);
  CHECK(got.at(ch.patterns_detected) == got.at(ch.patterns_streaming));
  CHECK(Json(got.at(ch.patterns_streaming)[1]).integer("revision") == 1);
  const Json last(got.at(ch.patterns_streaming)[3]);
  CHECK(last.str("event_type") == "pattern_retracted");
  CHECK(last.str("pattern") == "CDLDOJI");
  CHECK(last.boolean("retracted"));
}

TEST_CASE("RedisSink publishes reports from any thread on their channels", "[redis][threads]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  Live live("reports");
  const RedisChannels& ch = live.ch;
  RedisSink sink(live.options, live.clock);
  std::thread other([&] {
    tickstock::app::HealthReport h;
    h.components = {{"redis", "connected"}, {"postgres", "off"}};
    h.uptime_s = 12.5;
    publish_report(sink, h);
    tickstock::app::MetricsReport m;
    m.ticks = 1000;
    m.queue_depths = {{"feed", 3}, {"redis", 0}};
    publish_report(sink, m);
  });
  other.join();
  tickstock::ErrorReport e;
  e.severity = tickstock::Severity::Critical;
  e.component = "redis_feed";
  e.message = "bad \"tick\"\n";
  e.context = {{"channel", "tickstock.data.raw"}};
  sink.publish(e);
  tickstock::app::BacktestProgress progress;
  progress.job_id = 7;
  progress.progress = 0.25;
  progress.message = "day 1 of 4";
  publish_report(sink, progress);
  tickstock::app::BacktestResult result;
  result.job_id = 7;
  result.metrics = {{"win_rate", 0.5}};
  publish_report(sink, result);
  publish_report(sink, tickstock::app::JobAck{"r-1", "backtest", true, 9, true, ""});
  REQUIRE(sink.flush_for(std::chrono::seconds(10)));
  const auto got = by_channel(receive(live.sub, 7));

  CHECK(sink.stats().published == 6);
  const Json h(got.at(ch.health).at(0));
  CHECK(h.str("event_type") == "health_status");
  CHECK(h.str("status") == "healthy");
  CHECK(std::string_view(h["components"]["postgres"]) == "off");
  const Json m(got.at(ch.monitoring).at(0));
  CHECK(m.str("event_type") == "metrics");
  CHECK(m.integer("ticks") == 1000);
  CHECK(std::int64_t(m["queue_depths"]["feed"]) == 3);
  const Json err(got.at(ch.errors).at(0));
  CHECK(err.str("severity") == "critical");
  CHECK(err.str("message") == "bad \"tick\"\n");
  CHECK(got.at(ch.alerts_critical).at(0) == got.at(ch.errors).at(0));
  CHECK(Json(got.at(ch.backtest_progress).at(0)).num("progress") == 0.25);
  CHECK(double(Json(got.at(ch.backtest_results).at(0))["metrics"]["win_rate"]) == 0.5);
  const Json ack(got.at(ch.jobs_ack).at(0));
  CHECK(ack.str("event_type") == "job_accepted");
  CHECK(ack.integer("job_id") == 9);
  CHECK(ack.str("request_id") == "r-1");
}

TEST_CASE("RedisSink adds every engine event to the stream once, with MAXLEN", "[redis][threads]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  const std::string prefix = tickstock::test::unique_prefix("stream");
  const RedisChannels ch(prefix);
  tickstock::test::RedisCommands redis(tickstock::test::redis_host(),
                                       tickstock::test::redis_port());
  SymbolTable symbols;
  const auto spy = symbols.intern("SPY");
  ManualClock clock(kNow);
  RedisSinkOptions o = options_for(prefix, tickstock::test::redis_port());
  o.host = tickstock::test::redis_host();
  o.publish_indicators = false;
  o.stream_maxlen = 1000;
  {
    RedisSink sink(o, clock);
    for (int i = 0; i < 300; ++i) sink.on_pattern(pattern(spy, i % 2 == 0 ? 0.9 : 0.1));
    REQUIRE(sink.flush_for(std::chrono::seconds(10)));
    CHECK(sink.stats().stream_entries == 300);
  }
  CHECK(redis.integer({"XLEN", ch.stream}) == 300);
  const auto first = redis.run({"XRANGE", ch.stream, "-", "+", "COUNT", "2"});
  REQUIRE(first->elements == 2);
  // The ids are the events' time in ms, then a counter; fields: channel, payload.
  CHECK(std::string(first->element[0]->element[0]->str) == std::to_string(kNow / 1'000'000) + "-0");
  CHECK(std::string(first->element[1]->element[0]->str) == std::to_string(kNow / 1'000'000) + "-1");
  const redisReply* fields = first->element[0]->element[1];
  REQUIRE(fields->elements == 4);
  CHECK(std::string(fields->element[0]->str) == "channel");
  CHECK(std::string(fields->element[1]->str) == ch.patterns);
  CHECK(std::string(fields->element[2]->str) == "payload");
  CHECK(Json(fields->element[3]->str).integer("seq") == 1);

  // A second sink on the same stream continues above the newest id, even at an earlier time.
  ManualClock earlier(kNow - tickstock::kNanosPerMinute);
  o.stream_maxlen = 100;
  {
    RedisSink sink(o, earlier);
    for (int i = 0; i < 500; ++i) sink.on_pattern(pattern(spy, 0.1));
    REQUIRE(sink.flush_for(std::chrono::seconds(10)));
    CHECK(sink.stats().stream_entries == 500);
    CHECK(sink.stats().failed == 0);
  }
  const long long len = redis.integer({"XLEN", ch.stream});
  CHECK(len >= 100);  // MAXLEN ~ trims whole nodes only
  CHECK(len < 800);
  redis.run({"DEL", ch.stream});
}

TEST_CASE("RedisSink says why it drops at the first drop, then at most once per interval",
          "[redis][threads]") {
  SymbolTable symbols;
  const auto spy = symbols.intern("SPY");
  ManualClock clock(kNow);
  RedisSinkOptions o = options_for("unreachable", 1);  // nothing listens on port 1
  o.buffer_capacity = 10;
  o.flush_timeout = std::chrono::milliseconds(100);
  o.drop_notice_interval = std::chrono::milliseconds(700);
  std::mutex mu;
  std::vector<std::string> notices;
  o.on_drop = [&](const std::string& why) {
    std::lock_guard lock(mu);
    notices.push_back(why);
  };
  auto wait_for_notices = [&](std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu);
        if (notices.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  RedisSink sink(o, clock);
  for (int i = 0; i < 10; ++i) sink.on_pattern(pattern(spy, 0.5));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard lock(mu);
    CHECK(notices.empty());  // full, nothing dropped yet
  }
  for (int i = 0; i < 15; ++i) sink.on_pattern(pattern(spy, 0.5));
  REQUIRE(wait_for_notices(1));
  // The sink's timer may tell while the 15 are still arriving: the first notice counts those
  // dropped so far, and the next one the rest.
  std::size_t first_count = 0;
  {
    std::lock_guard lock(mu);
    first_count = std::stoul(notices[0]);
    CHECK(first_count >= 1);
    CHECK(first_count <= 15);
    CHECK(notices[0] == std::to_string(first_count) +
                            " events dropped, the oldest first: the buffer of 10 events is full "
                            "(Redis is not connected)");
  }
  // More drops right after: told once the interval has passed, counting only the new ones.
  for (int i = 0; i < 7; ++i) sink.on_pattern(pattern(spy, 0.5));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard lock(mu);
    CHECK(notices.size() == 1);
  }
  REQUIRE(wait_for_notices(2));
  {
    std::lock_guard lock(mu);
    CHECK(notices[1].rfind(std::to_string(22 - first_count) + " events dropped", 0) == 0);
  }
  const auto st = sink.stats();
  CHECK(st.dropped == 22);
  CHECK(st.dropped_buffer_full == 22);
  CHECK(st.dropped_reports_full == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  std::lock_guard lock(mu);
  CHECK(notices.size() == 2);  // no drops since: nothing more to say
}

TEST_CASE("RedisSink without a server buffers up to its capacity, dropping the oldest, and counts",
          "[redis][threads]") {
  SymbolTable symbols;
  const auto spy = symbols.intern("SPY");
  ManualClock clock(kNow);
  RedisSinkOptions o = options_for("unreachable", 1);  // nothing listens on port 1
  o.buffer_capacity = 10;
  o.flush_timeout = std::chrono::milliseconds(100);
  RedisSink sink(o, clock);
  for (int i = 0; i < 25; ++i) sink.on_pattern(pattern(spy, 0.5));
  publish_report(sink, tickstock::app::HealthReport{});
  CHECK_FALSE(sink.flush_for(std::chrono::milliseconds(300)));
  const auto st = sink.stats();

  CHECK(st.accepted == 26);
  CHECK(st.dropped == 15);
  CHECK(st.dropped_buffer_full == 15);
  CHECK(st.backlog == 11);
  CHECK(st.published == 0);
  CHECK(st.buffer_high_water == 11);
  CHECK_FALSE(st.connected);
  CHECK(st.connection_errors >= 2);  // it keeps trying
  CHECK(st.last_error.find("connect 127.0.0.1:1: Connection refused") != std::string::npos);
}

TEST_CASE(
    "RedisSink rides out a Redis restart: reconnects, resends, and the stream holds every "
    "event exactly once",
    "[redis][threads]") {
  tickstock::test::PrivateRedis server;
  const std::string prefix = tickstock::test::unique_prefix("restart");
  const RedisChannels ch(prefix);
  SymbolTable symbols;
  const auto spy = symbols.intern("SPY");
  tickstock::SystemClock clock;
  RedisSinkOptions o = options_for(prefix, server.port());
  o.publish_indicators = false;
  o.stream_maxlen = 1'000'000;
  o.buffer_capacity = 1 << 20;
  RedisSink sink(o, clock);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> produced{0};
  std::thread engine([&] {  // a steady producer that never waits for Redis
    while (!stop.load()) {
      for (int i = 0; i < 20; ++i) sink.on_pattern(pattern(spy, i % 5 == 0 ? 0.9 : 0.3));
      produced += 20;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  // A failed REQUIRE (or a throw) below must not leave the producer running: a joinable
  // std::thread at unwind is std::terminate, which hides what failed.
  struct StopProducer {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~StopProducer() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } stop_producer{stop, engine};
  // Waits up to 20 s for the sink's connection to become `up`.
  auto wait_connected = [&](bool up) {
    for (int i = 0; i < 2000 && sink.stats().connected != up; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return sink.stats().connected == up;
  };
  REQUIRE(wait_connected(true));
  {  // enough data that the restarted server answers LOADING for a while; in pieces that each
     // finish well within the client's 5 s timeout on a busy machine
    tickstock::test::RedisCommands filler("127.0.0.1", server.port());
    for (int part = 0; part < 12; ++part)
      filler.run({"EVAL",
                  "for i=1,50000 do redis.call('SET','k'..ARGV[1]..'-'..i,'xxxxxxxxxxxxxxxx') end",
                  "0", std::to_string(part)});
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server.stop();
  const std::uint64_t at_stop = produced.load();
  REQUIRE(wait_connected(false));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server.start();
  REQUIRE(wait_connected(true));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  engine.join();
  const bool flushed = sink.flush_for(std::chrono::seconds(60));
  const auto st = sink.stats();
  INFO("accepted " << st.accepted << ", published " << st.published << ", backlog " << st.backlog
                   << ", connected " << st.connected << ", last error " << st.last_error);
  REQUIRE(flushed);

  CHECK(produced.load() > at_stop);  // the producer went on while Redis was down
  CHECK(st.accepted == produced.load());
  CHECK(st.published + st.dropped + st.failed == st.accepted);
  CHECK(st.dropped == 0);
  CHECK(st.failed == 0);
  CHECK(st.reconnects >= 1);
  CHECK(st.connected);
  CHECK(st.connection_errors >= 2);  // lost, then refused or LOADING while it restarts
  tickstock::test::RedisCommands redis("127.0.0.1", server.port());
  CHECK(redis.integer({"XLEN", ch.stream}) == static_cast<long long>(st.accepted));
  // Each event once: read the stream back and collect the sequence numbers.
  const auto all = tickstock::test::stream_seqs(
      redis, ch.stream, [](const char* payload) { return Json(payload).integer("seq"); });
  const std::set<long long> seqs(all.begin(), all.end());
  CHECK(seqs.size() == st.accepted);
  CHECK(*seqs.begin() == 1);
  CHECK(*seqs.rbegin() == static_cast<std::int64_t>(st.accepted));
}
