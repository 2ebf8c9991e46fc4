// serve runs the backtest jobs it takes from tickstock.jobs.backtest: progress and one result on
// Redis, the row done with its summary, the files in --backtest-dir equal to `backtest run` over
// the same bars; a job for symbols without bars fails naming them; a job left running by a
// crash is run again at the next start; tickstock.jobs.cancel.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/redis_events.h"

#include "app/app_process.h"
#include "app/app_support.h"
#include "app/stored_days.h"
#include "support/json_test.h"
#include "support/pg_test_db.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"
#include "support/test_support.h"

using tickstock::RedisChannels;
using tickstock::test::AppProcess;
using tickstock::test::Json;
using tickstock::test::RedisCommands;
using tickstock::test::store_days;
using tickstock::test::wait_for;
namespace fs = std::filesystem;

namespace {

std::string redis_url() {
  return "redis://" + tickstock::test::redis_host() + ":" +
         std::to_string(tickstock::test::redis_port()) + "/0";
}

}  // namespace

TEST_CASE("serve runs a backtest job from Redis: progress, one result, the files",
          "[app][serve][redis][db][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  char tmpl[] = "/tmp/tickstock-btjob-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  fs::create_directories(dir + "/csv");
  store_days(db, "AAA", 1, dir + "/csv/AAA.1d.csv");
  store_days(db, "BBB", 2, dir + "/csv/BBB.1d.csv");
  const std::string prefix = tickstock::test::unique_prefix("btjob");
  const RedisChannels ch(prefix);
  tickstock::test::RedisCollector collector(
      tickstock::test::redis_host(), tickstock::test::redis_port(),
      {ch.jobs_ack, ch.backtest_progress, ch.backtest_results});
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix, "--backtest-dir",
                  dir + "/jobs", "--backtest-threads", "2"},
                 {{"REDIS_URL", redis_url()}, {"DATABASE_URL", db.url()}});
  RedisCommands redis(tickstock::test::redis_host(), tickstock::test::redis_port());
  REQUIRE(wait_for([&] { return redis.subscribers(ch.jobs_backtest) > 0; }));
  redis.run(
      {"PUBLISH", ch.jobs_backtest,
       R"({"request_id":"bt-1","symbols":["AAA","BBB"],"timeframe":"daily",)"
       R"("start":"2019-06-03","end":"2020-06-30","params":{"horizons":[1,5],"strategy":true}})"});
  redis.run({"PUBLISH", ch.jobs_backtest,
             R"({"request_id":"bt-2","symbols":["ZZZ"],"timeframe":"daily",)"
             R"("start":"2019-06-03","end":"2020-06-30"})"});
  auto results = [&] {
    std::size_t n = 0;
    for (const auto& m : collector.snapshot()) n += m.channel == ch.backtest_results ? 1 : 0;
    return n;
  };
  REQUIRE(wait_for([&] { return results() == 2; }));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  INFO(app.err());
  const auto got = tickstock::test::by_channel(collector.finish());

  // One result per job: bt-1 done, bt-2 failed naming the symbol.
  REQUIRE(got.at(ch.backtest_results).size() == 2);
  const Json done(got.at(ch.backtest_results)[0]);
  const Json failed(got.at(ch.backtest_results)[1]);
  CHECK(done.str("request_id") == "bt-1");
  CHECK(done.str("status") == "done");
  CHECK(done.str("error").empty());
  CHECK(std::int64_t(done["results"]["signals"]) > 100);
  CHECK(std::int64_t(done["results"]["strategy"]["trades"]) > 0);
  CHECK(double(done["metrics"]["trades"]) ==
        double(std::int64_t(done["results"]["strategy"]["trades"])));
  CHECK(failed.str("request_id") == "bt-2");
  CHECK(failed.str("status") == "failed");
  CHECK_THAT(failed.str("error"), Catch::Contains("no bars for ZZZ"));
  const std::string id = std::to_string(done.integer("job_id"));
  // Progress: from 0 to 1, never decreasing, for the job that ran.
  std::vector<double> progress;
  for (const auto& p : got.at(ch.backtest_progress)) {
    const Json j(p);
    if (j.integer("job_id") == done.integer("job_id")) progress.push_back(j.num("progress"));
  }
  REQUIRE(progress.size() >= 2);
  CHECK(progress.front() == 0);
  CHECK(progress.back() == 1);
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  // The row, and the files equal to `backtest run` over the same bars from CSV.
  CHECK(db.query("SELECT status || ' ' || progress || ' ' || (result->>'signals') FROM jobs "
                 "WHERE id = " +
                 id) == "done 1 " + std::to_string(std::int64_t(done["results"]["signals"])));
  CHECK(db.query("SELECT status FROM jobs WHERE params->>'request_id' = 'bt-2'") == "failed");
  const auto cli = tickstock::test::run_app(
      "backtest run --symbols AAA,BBB --from 2019-06-03 --to 2020-06-30 --timeframes 1d "
      "--horizons 1,5 --strategy --source csv:" +
      dir + "/csv --out " + dir + "/cli --events");
  REQUIRE(cli.exit_code == 0);
  for (const char* f : {"stats.csv", "events.csv", "results.json", "trades.csv", "equity.csv",
                        "equity_daily.csv"}) {
    INFO(f);
    CHECK(tickstock::test::read_file(dir + "/jobs/" + id + "/" + f) ==
          tickstock::test::read_file(dir + "/cli/" + f));
  }
  CHECK(app.err().find("backtests: 1 done, 1 failed, 0 cancelled") != std::string::npos);
  // backtest_stats holds the job's cells as stats.csv has them: one row each, NaN as NULL.
  const std::string stats = tickstock::test::read_file(dir + "/jobs/" + id + "/stats.csv");
  std::size_t cells = 0, all_cells = 0, no_std = 0;
  std::uint64_t all_n = 0;
  for (std::size_t at = stats.find('\n') + 1; at < stats.size(); at = stats.find('\n', at) + 1) {
    const std::string line = stats.substr(at, stats.find('\n', at) - at);
    std::vector<std::string> f;
    for (std::size_t b = 0, e = 0; e != std::string::npos; b = e + 1) {
      e = line.find(',', b);
      f.push_back(line.substr(b, e == std::string::npos ? e : e - b));
    }
    REQUIRE(f.size() == 33);
    ++cells;
    no_std += f[14].empty() ? 1 : 0;
    if (f[1] == "ALL") {
      ++all_cells;
      all_n += std::stoull(f[7]);
    }
  }
  REQUIRE(cells > 10);
  const std::string where = " FROM backtest_stats WHERE job_id = " + id;
  CHECK(db.query("SELECT count(*)" + where) == std::to_string(cells));
  CHECK(db.query("SELECT count(*)" + where + " AND symbol = 'ALL'") == std::to_string(all_cells));
  CHECK(db.query("SELECT sum(n)" + where + " AND symbol = 'ALL'") == std::to_string(all_n));
  CHECK(db.query("SELECT count(*)" + where + " AND std IS NULL") == std::to_string(no_std));
  CHECK(db.query("SELECT count(*)" + where + " AND p_mc IS NULL") == std::to_string(cells));
  CHECK(db.query("SELECT string_agg(DISTINCT timeframe || ' ' || horizon, ',' ORDER BY "
                 "timeframe || ' ' || horizon)" +
                 where) == "1d 1,1d 5");
  // Deleting the job deletes its statistics.
  db.query("DELETE FROM jobs WHERE id = " + id);
  CHECK(db.query("SELECT count(*)" + where) == "0");
  fs::remove_all(dir);
}

TEST_CASE("serve runs again a backtest job a crash left running", "[app][serve][db][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  char tmpl[] = "/tmp/tickstock-btjob-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  store_days(db, "AAA", 3, dir + "/AAA.csv");
  db.query(R"(INSERT INTO jobs (kind, status, params, heartbeat_at, attempts) VALUES )"
           R"(('backtest', 'running', '{"symbols":["AAA"],"timeframe":"daily",)"
           R"("start":"2019-06-03","end":"2020-06-30"}', now() - interval '1 minute', 1),)"
           R"(('backtest', 'running', '{"symbols":["AAA"],"timeframe":"daily",)"
           R"("start":"2019-06-03","end":"2020-06-30"}', now() - interval '1 minute', 3))");
  AppProcess app({"serve", "--feed", "synthetic", "--speed", "1", "--backtest-dir", dir + "/jobs"},
                 {{"DATABASE_URL", db.url()}, {"REDIS_URL", ""}, {"REDIS_HOST", ""}});
  REQUIRE(wait_for([&] { return db.query("SELECT status FROM jobs WHERE id = 1") == "done"; }));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  INFO(app.err());
  CHECK(db.query("SELECT attempts FROM jobs WHERE id = 1") == "2");
  CHECK(db.query("SELECT status || ': ' || error FROM jobs WHERE id = 2") ==
        "failed: abandoned 3 times");
  CHECK(fs::exists(dir + "/jobs/1/stats.csv"));
  CHECK(app.err().find("1 job(s) left running queued again") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("tickstock.jobs.cancel cancels a queued job at once and flags a running one",
          "[app][serve][redis][db][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  // Job 1 queued (a request_id), job 2 running in another instance, job 3 queued in the
  // original application's form.
  db.query(R"(INSERT INTO jobs (kind, status, params, heartbeat_at) VALUES )"
           R"(('backtest', 'queued', '{"request_id":"r-1","symbols":["AAA"]}', NULL),)"
           R"(('backtest', 'running', '{"symbols":["AAA"]}', now()),)"
           R"(('backtest', 'queued', '{"type":"backtest_job","job_id":"orig-9"}', NULL))");
  const std::string prefix = tickstock::test::unique_prefix("btcancel");
  const RedisChannels ch(prefix);
  tickstock::test::RedisCollector collector(tickstock::test::redis_host(),
                                            tickstock::test::redis_port(),
                                            {ch.jobs_ack, ch.backtest_results});
  // --no-backtests: this instance only takes requests, so the rows stay as the test left them.
  AppProcess app({"serve", "--feed", "redis", "--redis-prefix", prefix, "--no-backtests"},
                 {{"REDIS_URL", redis_url()}, {"DATABASE_URL", db.url()}});
  RedisCommands redis(tickstock::test::redis_host(), tickstock::test::redis_port());
  REQUIRE(wait_for([&] { return redis.subscribers(ch.jobs_cancel) > 0; }));
  for (const char* m : {R"({"job_id":"r-1"})", R"({"job_id":2})", R"({"job_id":"orig-9"})",
                        R"({"job_id":"nope"})", R"({"job_id":[1]})", R"({"job_id":"r-1"})"}) {
    redis.run({"PUBLISH", ch.jobs_cancel, m});
  }
  REQUIRE(wait_for([&] { return collector.snapshot().size() >= 8; }));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  INFO(app.err());
  const auto got = tickstock::test::by_channel(collector.finish());
  REQUIRE(got.at(ch.jobs_ack).size() == 6);
  const auto ack = [&](std::size_t i) { return Json(got.at(ch.jobs_ack)[i]); };
  CHECK(ack(0).str("job_type") == "cancel");
  CHECK(ack(0).boolean("accepted"));
  CHECK(ack(0).integer("job_id") == 1);
  CHECK(ack(1).boolean("accepted"));
  CHECK(ack(1).integer("job_id") == 2);
  CHECK(ack(2).integer("job_id") == 3);
  CHECK_FALSE(ack(3).boolean("accepted"));
  CHECK_THAT(ack(3).str("error"),
             Catch::Contains("no queued or running backtest or data-load job 'nope'"));
  CHECK_THAT(ack(4).str("error"), Catch::Contains("field 'job_id'"));
  CHECK_FALSE(ack(5).boolean("accepted"));  // r-1 is cancelled already
  CHECK(db.query("SELECT string_agg(id || ' ' || status || ' ' || cancel_requested, ', ' ORDER BY "
                 "id) FROM jobs") == "1 cancelled true, 2 running true, 3 cancelled true");
  // The two queued jobs never ran: their results say cancelled, with their request ids.
  REQUIRE(got.at(ch.backtest_results).size() == 2);
  CHECK(Json(got.at(ch.backtest_results)[0]).str("status") == "cancelled");
  CHECK(Json(got.at(ch.backtest_results)[0]).str("request_id") == "r-1");
  CHECK(Json(got.at(ch.backtest_results)[1]).str("request_id") == "orig-9");
}

TEST_CASE("backtest submit queues what serve runs, and status, list and cancel read the jobs table",
          "[app][serve][db][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(tickstock::test::run_app("migrate", db.env()).exit_code == 0);
  char tmpl[] = "/tmp/tickstock-btsubmit-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  store_days(db, "AAA", 5, dir + "/AAA.1d.csv");
  const std::string args =
      "--symbols AAA --from 2019-06-03 --to 2020-06-30 --timeframes 1d --horizons 1,5 "
      "--strategy --stop-loss 0.04 ";
  // Refusals name the flag, before anything is stored.
  for (const auto& [bad, flag] : std::vector<std::pair<std::string, std::string>>{
           {"--horizons 0", "--horizons"},
           {"--set RSI.optInTimePeriod=5", "--set"},
           {"--strategy --take-profit -1", "--take-profit"}}) {
    const auto r = tickstock::test::run_app(
        "backtest submit --symbols AAA --from 2019-06-03 --to 2020-06-30 " + bad, db.env());
    INFO(bad << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(flag) != std::string::npos);
  }
  CHECK(db.query("SELECT count(*) FROM jobs") == "0");
  const auto first =
      tickstock::test::run_app("backtest submit " + args + "--request-id mine-1", db.env());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out == "1\n");
  const auto second = tickstock::test::run_app("backtest submit " + args, db.env());
  REQUIRE(second.exit_code == 0);
  const auto queued = tickstock::test::run_app("backtest list --status queued", db.env());
  CHECK(queued.exit_code == 0);
  CHECK(queued.out.find("mine-1") != std::string::npos);
  CHECK(std::count(queued.out.begin(), queued.out.end(), '\n') == 3);  // header + 2 jobs
  const auto cancel = tickstock::test::run_app("backtest cancel 2", db.env());
  CHECK(cancel.exit_code == 0);
  CHECK(cancel.err.find("job 2 cancelled (it had not started)") != std::string::npos);
  CHECK(tickstock::test::run_app("backtest cancel 2", db.env()).exit_code == 1);
  // A serve takes job 1 and runs it: the same files as `backtest run` with the same flags.
  AppProcess app({"serve", "--feed", "synthetic", "--speed", "1", "--backtest-dir", dir + "/jobs"},
                 {{"DATABASE_URL", db.url()}, {"REDIS_URL", ""}, {"REDIS_HOST", ""}});
  const auto waited = tickstock::test::run_app("backtest submit " + args + "--wait", db.env());
  INFO(waited.err);
  CHECK(waited.exit_code == 0);
  CHECK(waited.out == "3\n");
  REQUIRE(wait_for([&] { return db.query("SELECT status FROM jobs WHERE id = 1") == "done"; }));
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  const auto status = tickstock::test::run_app("backtest status mine-1", db.env());
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("status: done\n") != std::string::npos);
  CHECK(status.out.find("files: " + dir + "/jobs/1") != std::string::npos);
  CHECK(tickstock::test::run_app("backtest status 99", db.env()).exit_code == 1);
  const auto cli = tickstock::test::run_app(
      "backtest run " + args + "--source csv:" + dir + " --out " + dir + "/cli", "");
  REQUIRE(cli.exit_code == 0);
  for (const char* f : {"stats.csv", "trades.csv", "equity.csv"}) {
    INFO(f);
    CHECK(tickstock::test::read_file(dir + "/jobs/1/" + f) ==
          tickstock::test::read_file(dir + "/cli/" + f));
  }
  fs::remove_all(dir);
}
