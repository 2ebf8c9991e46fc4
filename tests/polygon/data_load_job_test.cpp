// Data-load jobs: a request on tickstock.jobs.data_load is checked, stored and run by serve:
// Polygon's aggregates into ohlcv_1min (what backfill does, against the fake Polygon server)
// or a CSV of the data-load directory into ohlcv_daily (what import does), with progress and
// one result on the backtesting channels (job_type data_load); a symbol Polygon answers badly
// fails the job naming it, the others are stored; bad requests are refused at the door.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/redis_events.h"

#include "app/app_process.h"
#include "app/app_support.h"
#include "app/stored_days.h"
#include "support/fake_polygon_server.h"
#include "support/json_test.h"
#include "support/pg_test_db.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"

using namespace tickstock::test;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDay0 = 1'704'205'800'000;  // 2024-01-02 14:30 UTC, 09:30 New York

std::vector<FakeBar> minutes(int n) {
  std::vector<FakeBar> out;
  for (int i = 0; i < n; ++i) {
    const double p = 50 + i * 0.02;
    out.push_back({kDay0 + i * 60'000LL, p, p + 0.04, p - 0.04, p + 0.01, 500.0 + i, p, 5 + i});
  }
  return out;
}

}  // namespace

TEST_CASE("serve runs data-load jobs: Polygon history and a CSV file into the bar tables",
          "[polygon][redis][db][jobs]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  FakePolygonOptions so;
  so.rest_bars["SPY"] = minutes(390);
  so.rest_bars["QQQ"] = minutes(120);
  so.rest_page = 100;
  so.rest_raw["BAD"] = "<html>502 Bad Gateway</html>";
  FakePolygonServer polygon(so);
  char tmpl[] = "/tmp/tickstock-dataload-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  write_days("AAA", 4, dir + "/aaa_daily.csv");
  const std::string prefix = unique_prefix("dataload");
  const tickstock::RedisChannels ch(prefix);
  RedisCollector collector(redis_host(), redis_port(),
                           {ch.jobs_ack, ch.backtest_progress, ch.backtest_results});
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix, "--data-load-dir", dir,
                  "--no-backtests"},
                 {{"REDIS_URL", "redis://" + redis_host() + ":" + std::to_string(redis_port())},
                  {"DATABASE_URL", db.url()},
                  {"POLYGON_API_KEY", "fake-key-7Qw9"},
                  {"POLYGON_REST_URL", polygon.rest_url()}});
  RedisCommands redis(redis_host(), redis_port());
  REQUIRE(wait_for([&] { return redis.subscribers(ch.jobs_data_load) > 0; }));
  const std::string range = R"("start":"2024-01-02","end":"2024-01-02")";
  for (const std::string& m : std::vector<std::string>{
           R"({"request_id":"dl-1","symbols":["SPY","QQQ"],"timeframe":"1min",)" + range +
               R"(,"source":"polygon"})",
           std::string(R"({"request_id":"dl-2","symbols":["AAA"],"timeframe":"daily",)") +
               R"("start":"2019-01-01","end":"2021-12-31","source":"file:aaa_daily.csv"})",
           R"({"request_id":"dl-3","symbols":["BAD","QQQ"],"timeframe":"1min",)" + range + "}",
           // Refused at the door: a path out of the directory, a timeframe no load takes.
           R"({"request_id":"dl-4","symbols":["AAA"],"timeframe":"daily",)" + range +
               R"(,"source":"file:../aaa_daily.csv"})",
           R"({"request_id":"dl-5","symbols":["SPY"],"timeframe":"5min",)" + range + "}"})
    redis.run({"PUBLISH", ch.jobs_data_load, m});
  auto results = [&] {
    std::size_t n = 0;
    for (const auto& m : collector.snapshot()) n += m.channel == ch.backtest_results ? 1 : 0;
    return n;
  };
  REQUIRE(wait_for([&] { return results() == 3; }));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  INFO(app.err());
  const auto got = by_channel(collector.finish());

  // The acks: three stored, two refused naming the field.
  std::map<std::string, std::string> acks;
  for (const auto& a : got.at(ch.jobs_ack)) {
    const Json j(a);
    acks[j.str("request_id")] = j.boolean("accepted") ? "ok" : j.str("error");
  }
  CHECK(acks["dl-1"] == "ok");
  CHECK(acks["dl-2"] == "ok");
  CHECK(acks["dl-3"] == "ok");
  CHECK_THAT(acks["dl-4"], Catch::Contains("field 'source'"));
  CHECK_THAT(acks["dl-5"], Catch::Contains("field 'timeframe'"));
  CHECK(db.query("SELECT count(*) FROM jobs WHERE kind = 'data_load'") == "3");

  std::map<std::string, std::string> raw;  // request_id -> result event
  for (const auto& r : got.at(ch.backtest_results)) {
    const Json j(r);
    CHECK(j.str("job_type") == "data_load");
    raw[j.str("request_id")] = r;
  }
  const Json dl1(raw["dl-1"]), dl2(raw["dl-2"]), dl3(raw["dl-3"]);
  CHECK(dl1.str("status") == "done");
  CHECK(double(dl1["metrics"]["bars"]) == 510);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min WHERE symbol = 'SPY'") == "390");
  CHECK(dl2.str("status") == "done");
  CHECK(std::int64_t(dl2["results"]["bars"]) == 600);
  CHECK(db.query("SELECT count(*) FROM ohlcv_daily WHERE symbol = 'AAA'") == "600");
  // One bad symbol fails the job, naming it; the good one is stored all the same.
  CHECK(dl3.str("status") == "failed");
  CHECK_THAT(dl3.str("error"), Catch::Contains("1 of 2 symbols failed"));
  CHECK_THAT(dl3.str("error"), Catch::Contains("BAD"));
  CHECK(std::int64_t(dl3["results"]["symbols_done"]) == 1);
  CHECK(db.query("SELECT string_agg(status, ',' ORDER BY id) FROM jobs") == "done,done,failed");
  // Progress of each job: from 0 to 1, never decreasing.
  std::map<std::int64_t, std::vector<double>> progress;
  for (const auto& p : got.at(ch.backtest_progress)) {
    const Json j(p);
    CHECK(j.str("job_type") == "data_load");
    progress[j.integer("job_id")].push_back(j.num("progress"));
  }
  REQUIRE(progress.size() == 3);
  for (const auto& [id, values] : progress) {
    INFO("job " << id);
    CHECK(values.front() == 0);
    CHECK(values.back() == 1);
    CHECK(std::is_sorted(values.begin(), values.end()));
  }
  CHECK(app.err().find("data loads: 2 done, 1 failed, 0 cancelled") != std::string::npos);
  CHECK(app.err().find("fake-key-7Qw9") == std::string::npos);
  fs::remove_all(dir);
}
