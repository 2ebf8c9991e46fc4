// serve while its Redis server is stopped and started again in the middle of a run: the engine
// goes on at the feed's pace, the publisher reconnects and resumes, and the counts add up.
#include <chrono>
#include <csignal>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/app_process.h"
#include "app/app_support.h"
#include "support/json_test.h"
#include "support/redis_test.h"

using tickstock::test::AppProcess;
using tickstock::test::PrivateRedis;
using tickstock::test::RedisCommands;

namespace {

// The numbers of serve's "redis:" summary line.
struct RedisSummary {
  long long events = -1, published = -1, stream_entries = -1, dropped = -1, failed = -1,
            not_published = -1, reconnects = -1;
};

RedisSummary parse_summary(const std::string& err) {
  static const std::regex line(
      R"(redis: (\d+) events: (\d+) published \(\d+ messages, (\d+) stream entries\), (\d+) )"
      R"(dropped, (\d+) failed, (\d+) not published; (\d+) reconnects)");
  std::smatch m;
  RedisSummary s;
  if (!std::regex_search(err, m, line)) return s;
  s.events = std::stoll(m[1]);
  s.published = std::stoll(m[2]);
  s.stream_entries = std::stoll(m[3]);
  s.dropped = std::stoll(m[4]);
  s.failed = std::stoll(m[5]);
  s.not_published = std::stoll(m[6]);
  s.reconnects = std::stoll(m[7]);
  return s;
}

// Runs serve on a paced synthetic feed against `server`, stops the server after 1.5 s for
// 1.5 s, and returns the finished process. `extra` adds serve flags.
struct FaultRun {
  int exit_code = -1;
  std::string out, err;
  std::size_t out_before = 0, out_after = 0;  // stdout bytes when Redis went down / came back
};

FaultRun run_with_outage(PrivateRedis& server, const std::string& prefix,
                         std::vector<std::string> extra) {
  std::vector<std::string> args{"serve",
                                "--feed",
                                "synthetic",
                                "--speed",
                                "1200",
                                "--synthetic-minutes",
                                "90",
                                "--synthetic-symbols",
                                "20",
                                "--exit-on-eof",
                                "--indicator-events",
                                "--redis-bars",
                                "--redis-prefix",
                                prefix,
                                "--metrics-interval-ms",
                                "200",
                                "--redis-flush-timeout-ms",
                                "30000"};
  args.insert(args.end(), extra.begin(), extra.end());
  AppProcess app(args, {{"REDIS_URL", "redis://127.0.0.1:" + std::to_string(server.port())},
                        {"DATABASE_URL", ""}});
  FaultRun run;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.stop();
  run.out_before = app.out().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  run.out_after = app.out().size();
  server.start();
  run.exit_code = app.wait();
  run.out = app.out();
  run.err = app.err();
  return run;
}

// The engine went on while Redis was down, and kept up with the feed: it never waits for a
// sink, and the feed's queue never overflowed.
void check_engine_kept_going(const FaultRun& run) {
  REQUIRE(run.exit_code == 0);
  CHECK(run.out_after > run.out_before);
  CHECK(run.err.find("0 items dropped at the queue") != std::string::npos);
}

std::size_t engine_events(const std::string& out) {
  using tickstock::test::json_lines;
  return json_lines(out, "bar").size() + json_lines(out, "pattern").size() +
         json_lines(out, "alert").size() + json_lines(out, "indicators").size();
}

}  // namespace

TEST_CASE("serve rides out a Redis restart mid-run: nothing is lost from the stream",
          "[app][serve][redis][fault]") {
  PrivateRedis server;
  const std::string prefix = tickstock::test::unique_prefix("fault");
  const auto run = run_with_outage(
      server, prefix, {"--redis-stream-maxlen", "10000000", "--redis-buffer", "1000000"});
  INFO(run.err);
  check_engine_kept_going(run);
  const RedisSummary s = parse_summary(run.err);
  CHECK(s.events > 0);
  CHECK(s.published + s.dropped + s.failed + s.not_published == s.events);
  CHECK(s.dropped == 0);
  CHECK(s.failed == 0);
  CHECK(s.not_published == 0);
  CHECK(s.published == s.events);
  CHECK(s.reconnects >= 1);
  // Every engine event is in the stream, once.
  const std::size_t produced = engine_events(run.out);
  RedisCommands redis("127.0.0.1", server.port());
  const std::string stream = prefix + ".events.stream";
  CHECK(redis.integer({"XLEN", stream}) == static_cast<long long>(produced));
  const auto all = tickstock::test::stream_seqs(redis, stream, [](const char* payload) {
    return tickstock::test::Json(payload).integer("seq");
  });
  const std::set<long long> seqs(all.begin(), all.end());
  CHECK(seqs.size() == produced);
}

TEST_CASE("serve rides out a Redis restart mid-run: published + dropped = produced",
          "[app][serve][redis][fault]") {
  PrivateRedis server;
  const std::string prefix = tickstock::test::unique_prefix("drops");
  const auto run = run_with_outage(server, prefix, {"--redis-buffer", "300"});
  INFO(run.err);
  check_engine_kept_going(run);
  const RedisSummary s = parse_summary(run.err);
  CHECK(s.events > 0);
  CHECK(s.dropped > 0);  // the outage was longer than the buffer
  CHECK(s.failed == 0);
  CHECK(s.not_published == 0);
  CHECK(s.published + s.dropped == s.events);
  CHECK(s.reconnects >= 1);
  // The summary is an error line, naming what was lost.
  CHECK(run.err.find("tickstock: error: redis: ") != std::string::npos);
}

TEST_CASE("serve --feed redis subscribes again after a Redis restart and takes what comes then",
          "[app][serve][redis][fault]") {
  PrivateRedis server;
  const std::string prefix = tickstock::test::unique_prefix("refeed");
  const std::string raw = prefix + ".data.raw";
  AppProcess app(
      {"serve", "--feed", "redis", "--redis-prefix", prefix},
      {{"REDIS_URL", "redis://127.0.0.1:" + std::to_string(server.port())}, {"DATABASE_URL", ""}});
  // Waits up to 20 s until the feed listens on `raw`.
  auto listening = [&] {
    for (int i = 0; i < 400; ++i) {
      try {
        if (RedisCommands("127.0.0.1", server.port()).subscribers(raw) > 0) return true;
      } catch (const std::exception&) {  // the server is still starting
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  REQUIRE(listening());
  RedisCommands("127.0.0.1", server.port())
      .run({"PUBLISH", raw,
            R"({"ticker":"AAA","price":10,"volume":5,"timestamp":"2024-01-02T14:30:10Z"})"});
  server.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server.start();
  REQUIRE(listening());
  RedisCommands("127.0.0.1", server.port())
      .run({"PUBLISH", raw,
            R"({"ticker":"AAA","price":11,"volume":7,"timestamp":"2024-01-02T14:31:10Z"})"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  const std::string err = app.err();
  INFO(err);
  const std::string out = app.out();
  CHECK(out.find(R"("symbol":"AAA","timeframe":"1m","start":"2024-01-02T14:30:00Z","open":10)") !=
        std::string::npos);
  CHECK(out.find(R"("symbol":"AAA","timeframe":"1m","start":"2024-01-02T14:31:00Z","open":11)") !=
        std::string::npos);
  CHECK(err.find("redis feed: connection to") != std::string::npos);  // it noticed
  const auto first = err.find("redis feed: subscribed");
  REQUIRE(first != std::string::npos);
  CHECK(err.find("redis feed: subscribed", first + 1) != std::string::npos);  // and came back
}
