// serve against a PostgreSQL that goes away: a private cluster the test stops (the hard way) in
// the middle of a replay of real ticks and starts again. What ends up stored must be exactly
// what an uninterrupted run stores.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <zlib.h>

#include "app/app_process.h"
#include "app/app_support.h"
#include "support/pg_test_db.h"
#include "support/test_support.h"

using tickstock::test::AppProcess;
using tickstock::test::run_app;
using tickstock::test::TestDatabase;

namespace {

// A PostgreSQL cluster of the test's own (scripts/services.sh pg-*), so it can be stopped.
class PrivateCluster {
 public:
  PrivateCluster() {
    char tmpl[] = "/tmp/tickstock-fault-XXXXXX";
    dir_ = mkdtemp(tmpl);
    start();
    const std::string env = read(dir_ + "/pg.env");
    const auto at = env.find("DATABASE_URL=");
    url_ = env.substr(at + 13, env.find('\n', at) - at - 13);
  }
  ~PrivateCluster() {
    sh("pg-stop");
    std::filesystem::remove_all(dir_);
  }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  void start() { REQUIRE(sh("pg-start") == 0); }
  // Immediate shutdown: every connection is cut, as in a crash.
  void kill() { REQUIRE(sh("pg-kill") == 0); }
  const std::string& url() const { return url_; }
  std::string env() const { return "env DATABASE_URL='" + url_ + "'"; }
  std::string query(const std::string& sql) const { return tickstock::test::pg_query(url_, sql); }

 private:
  int sh(const char* what) const {
    const std::string cmd = std::string("bash ") + tickstock::test::scripts_dir() +
                            "/services.sh " + what + " " + dir_ + " >/dev/null 2>&1";
    return std::system(cmd.c_str());
  }
  static std::string read(const std::string& path) {
    std::string s;
    if (FILE* f = std::fopen(path.c_str(), "r")) {
      char buf[512];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
      std::fclose(f);
    }
    return s;
  }
  std::string dir_, url_;
};

// Count and digest of every stored row of a table, without the columns that record when a
// row was written. `loose`: also without revision numbers (a restarted run revises the bars it
// had to close early) and with bar VWAPs to 1e-9 (a resumed bar's VWAP is recomputed from its
// stored value and volume, not from each trade).
std::string digest(const std::function<std::string(const std::string&)>& query,
                   const std::string& table, bool loose = false) {
  std::string row = "to_jsonb(t) - 'updated_at' - 'detected_at' - 'id' - 'first_seen'";
  if (loose) {
    row = "(" + row + " - 'revision')";
    if (table.rfind("ohlcv_", 0) == 0)
      row = "jsonb_set(" + row + ", '{vwap}', to_jsonb(round(t.vwap::numeric, 9)))";
  }
  row = "(" + row + ")::text";
  return query("SELECT count(*) || ' ' || coalesce(md5(string_agg(" + row + ", '|' ORDER BY " +
               row + ")), '') FROM " + table + " t");
}

// The lines of a ticks file (plain or gzip) after its header and its first `skip` records,
// written to a new plain file with the header.
std::string rest_of(const std::string& path, long long skip) {
  gzFile in = gzopen(path.c_str(), "rb");
  REQUIRE(in != nullptr);
  char tmpl[] = "/tmp/tickstock-rest-XXXXXX.csv";
  const int fd = mkstemps(tmpl, 4);
  FILE* out = fdopen(fd, "w");
  char line[4096];
  long long n = -1;  // the header is line 0
  while (gzgets(in, line, sizeof line) != nullptr) {
    if (n < 0 || n >= skip) std::fputs(line, out);
    ++n;
  }
  gzclose(in);
  std::fclose(out);
  return tmpl;
}

const char* const kTables[] = {
    "ohlcv_1min",  "ohlcv_5min",  "ohlcv_15min",        "ohlcv_30min",      "ohlcv_hourly",
    "ohlcv_4hour", "ohlcv_daily", "pattern_detections", "indicator_values", "symbols"};

// Real trades when the data set is there (a whole SPY day, 250,601 trades), else the small
// committed file; and the replay speed that makes either take a few seconds.
std::pair<std::string, std::string> ticks_and_speed() {
  if (const auto dir = tickstock::test::real_data_dir())
    return {*dir + "/ticks/lean_trades_SPY_20131007.csv.gz", "10000"};
  return {tickstock::test::data_dir() + "/ticks_small.csv", "1000"};
}

}  // namespace

TEST_CASE("serve stores exactly the rows of an uninterrupted run when PostgreSQL dies mid-replay",
          "[app][db][fault]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  const auto [ticks, speed] = ticks_and_speed();
  const std::string no_redis = "env -u REDIS_URL -u REDIS_HOST";

  TestDatabase reference;
  REQUIRE(run_app("migrate", reference.env()).exit_code == 0);
  const auto whole = run_app("serve --feed replay:" + ticks +
                                 " --speed max --exit-on-eof --no-bar-events --database-url '" +
                                 reference.url() + "'",
                             no_redis);
  INFO(whole.err);
  REQUIRE(whole.exit_code == 0);

  PrivateCluster pg;
  REQUIRE(run_app("migrate", pg.env()).exit_code == 0);
  char spill_tmpl[] = "/tmp/tickstock-spill-XXXXXX";
  const std::string spill_dir = mkdtemp(spill_tmpl);
  tickstock::test::RunResult faulty;
  // No memory queue: while the database is away, every event goes through the spill file.
  std::thread run([&] {
    faulty = run_app("serve --feed replay:" + ticks + " --speed " + speed +
                         " --exit-on-eof --no-bar-events --pg-memory-mb 0 --spill-dir " +
                         spill_dir + " --database-url '" + pg.url() + "'",
                     no_redis);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  pg.kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  pg.start();
  run.join();
  std::filesystem::remove_all(spill_dir);
  INFO(faulty.err);
  REQUIRE(faulty.exit_code == 0);
  CHECK(faulty.err.find("connection lost") != std::string::npos);
  CHECK(faulty.err.find("reconnected after") != std::string::npos);
  CHECK(faulty.err.find("spilling new events to") != std::string::npos);
  CHECK(faulty.err.find("0 kept for the next start, 0 lost, 0 refused, 0 dropped") !=
        std::string::npos);
  // The engine's output does not depend on the database: the same lines either way.
  CHECK(faulty.out == whole.out);
  for (const char* table : kTables) {
    INFO(table);
    CHECK(digest([&](const std::string& q) { return pg.query(q); }, table) ==
          digest([&](const std::string& q) { return reference.query(q); }, table));
  }
  CHECK(std::stoi(pg.query("SELECT count(*) FROM ohlcv_1min")) > 0);
}

TEST_CASE("serve stopped mid-replay and started again on the rest stores what one run stores",
          "[app][db][restart]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  const auto [ticks, speed] = ticks_and_speed();
  const std::string no_redis = "env -u REDIS_URL -u REDIS_HOST";
  const std::string flags = " --exit-on-eof --no-bar-events --spill-dir ''";

  TestDatabase reference;
  REQUIRE(run_app("migrate", reference.env()).exit_code == 0);
  const auto whole = run_app("serve --feed replay:" + ticks + " --speed max" + flags +
                                 " --database-url '" + reference.url() + "'",
                             no_redis);
  REQUIRE(whole.exit_code == 0);

  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  AppProcess first({"serve", "--feed", "replay:" + ticks, "--speed", speed, "--exit-on-eof",
                    "--no-bar-events", "--spill-dir", "", "--database-url", db.url()},
                   {{"REDIS_URL", ""}, {"REDIS_HOST", ""}});
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  first.signal(SIGINT);
  const int stopped_code = first.wait();
  const std::string stopped_err = first.err();
  INFO(stopped_err);
  REQUIRE(stopped_code == 0);
  // How far it got: the trades the engine took before it closed the open bars and stopped.
  const auto at = stopped_err.find(" trades and bars taken)");
  REQUIRE(at != std::string::npos);
  const long long processed = std::stoll(stopped_err.substr(stopped_err.rfind('(', at) + 1));
  const long long total = std::stoll(whole.err.substr(whole.err.find("done: ") + 6));
  INFO("stopped after " << processed << " of " << total << " trades");
  REQUIRE(processed > 0);
  REQUIRE(processed < total);

  const std::string rest = rest_of(ticks, processed);
  const auto resumed = run_app(
      "serve --feed replay:" + rest + " --speed max" + flags + " --database-url '" + db.url() + "'",
      no_redis);
  std::remove(rest.c_str());
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("warm start: ") != std::string::npos);
  CHECK(resumed.err.find(" symbols resumed from ") != std::string::npos);
  CHECK(resumed.err.find("open bars of 0 symbols") == std::string::npos);
  for (const char* table : kTables) {
    INFO(table);
    CHECK(digest([&](const std::string& q) { return db.query(q); }, table, true) ==
          digest([&](const std::string& q) { return reference.query(q); }, table, true));
  }
}

TEST_CASE("serve started while PostgreSQL is down stores everything once it is up",
          "[app][db][fault]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  const std::string ticks = tickstock::test::data_dir() + "/ticks_small.csv";
  const std::string no_redis = "env -u REDIS_URL -u REDIS_HOST";
  TestDatabase reference;
  REQUIRE(run_app("migrate", reference.env()).exit_code == 0);
  REQUIRE(run_app("serve --feed replay:" + ticks +
                      " --speed max --exit-on-eof --no-bar-events --database-url '" +
                      reference.url() + "'",
                  no_redis)
              .exit_code == 0);

  PrivateCluster pg;
  REQUIRE(run_app("migrate", pg.env()).exit_code == 0);
  pg.kill();
  char spill_tmpl[] = "/tmp/tickstock-spill-XXXXXX";
  const std::string spill_dir = mkdtemp(spill_tmpl);
  tickstock::test::RunResult late;
  std::thread run([&] {
    late = run_app("serve --feed replay:" + ticks +
                       " --speed 1000 --exit-on-eof --no-bar-events --spill-dir " + spill_dir +
                       " --database-url '" + pg.url() + "'",
                   no_redis);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  pg.start();
  run.join();
  std::filesystem::remove_all(spill_dir);
  INFO(late.err);
  REQUIRE(late.exit_code == 0);
  CHECK(late.err.find("NOT reachable") != std::string::npos);
  CHECK(late.err.find("warm start skipped") != std::string::npos);
  CHECK(late.err.find("connected after") != std::string::npos);
  CHECK(late.err.find("0 kept for the next start, 0 lost, 0 refused, 0 dropped") !=
        std::string::npos);
  for (const char* table : kTables) {
    INFO(table);
    CHECK(digest([&](const std::string& q) { return pg.query(q); }, table) ==
          digest([&](const std::string& q) { return reference.query(q); }, table));
  }
}
