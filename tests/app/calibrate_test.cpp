// tickstockapp calibrate: a backtest's pooled hit rates at one horizon (from stats.csv or a
// finished job's backtest_stats rows) as the file serve --confidence-calibration reads; serve
// then reports those hit rates as the confidence of those events and the formula for the rest.
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/stored_days.h"
#include "support/pg_test_db.h"
#include "support/test_support.h"

using namespace tickstock::test;
namespace fs = std::filesystem;

namespace {

const std::string kEnv = "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST -u TICKSTOCK_PATTERNS";

std::vector<std::vector<std::string>> rows_of(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream cells(line + ",");
    for (std::string c; std::getline(cells, c, ',');) f.push_back(c);
    rows.push_back(f);
  }
  return rows;
}

// What calibrate must write for `stats` (a stats.csv): the ALL cells at `h` with n >= min_n
// and a hit rate, as pattern,timeframe,direction,horizon,n,hit_rate, in stats.csv's order.
std::string expected_calibration(const std::string& stats, int h, int min_n) {
  const auto rows = rows_of(stats);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  std::string out = "pattern,timeframe,direction,horizon,n,hit_rate\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r];
    if (f[col["symbol"]] != "ALL" || f[col["horizon"]] != std::to_string(h) ||
        std::stoi(f[col["n"]]) < min_n || f[col["hit_rate"]].empty())
      continue;
    out += f[col["pattern"]] + "," + f[col["timeframe"]] + "," + f[col["direction"]] + "," +
           std::to_string(h) + "," + f[col["n"]] + "," + f[col["hit_rate"]] + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("calibrate takes a backtest's pooled hit rates from stats.csv", "[app][backtest]") {
  char tmpl[] = "/tmp/tickstock-calibrate-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  fs::create_directories(dir + "/csv");
  for (const auto& [symbol, seed] : {std::pair{"AAA", 1}, {"BBB", 2}, {"CCC", 3}})
    write_days(symbol, static_cast<std::uint64_t>(seed), dir + "/csv/" + symbol + ".1d.csv");
  const auto bt = run_app(
      "backtest run --symbols AAA,BBB,CCC --from 2019-03-01 --to 2020-08-20 "
      "--timeframes 1d --horizons 1,5 --source csv:" +
          dir + "/csv --out " + dir + "/bt",
      kEnv);
  REQUIRE(bt.exit_code == 0);
  const std::string stats = read_file(dir + "/bt/stats.csv");
  // calibration.csv came with it: 5 bins of every pattern that had a window, then ALL.
  const auto bins = rows_of(read_file(dir + "/bt/calibration.csv"));
  REQUIRE(bins.size() > 6);
  CHECK(bins[0][0] == "pattern");
  CHECK((bins.size() - 1) % 5 == 0);
  CHECK(bins[bins.size() - 1][0] == "ALL");

  const auto cal = run_app(
      "calibrate --from-stats " + dir + "/bt/stats.csv --out " + dir + "/cal.csv --min-n 20", kEnv);
  REQUIRE(cal.exit_code == 0);
  const std::string written = read_file(dir + "/cal.csv");
  CHECK(written == expected_calibration(stats, 5, 20));
  CHECK(rows_of(written).size() > 5);
  CHECK_THAT(cal.err, Catch::Contains(std::to_string(rows_of(written).size() - 1) + " entries"));
  const auto h1 = run_app(
      "calibrate --from-stats " + dir + "/bt/stats.csv --out " + dir + "/cal1.csv --horizon 1",
      kEnv);
  REQUIRE(h1.exit_code == 0);
  CHECK(read_file(dir + "/cal1.csv") == expected_calibration(stats, 1, 30));

  // Refusals: exit 2 naming the flag, 1 for a file that is not there, 3 when nothing qualifies.
  const struct {
    std::string args, says;
    int code;
  } refused[] = {
      {"--out " + dir + "/x.csv", "--from-job or --from-stats", 2},
      {"--from-stats a --from-job 1 --out " + dir + "/x.csv", "--from-job or --from-stats", 2},
      {"--from-stats " + dir + "/bt/stats.csv", "--out", 2},
      {"--from-stats " + dir + "/bt/stats.csv --out x --horizon 0", "--horizon", 2},
      {"--from-job 7x --out x --database-url postgresql://127.0.0.1:1/x", "--from-job", 2},
      {"--from-stats " + dir + "/none.csv --out " + dir + "/x.csv", "none.csv", 1},
      {"--from-stats " + dir + "/bt/calibration.csv --out " + dir + "/x.csv", "not a stats.csv", 1},
      {"--from-stats " + dir + "/bt/stats.csv --out " + dir + "/x.csv --min-n 100000",
       "no pooled cell", 3},
  };
  for (const auto& r : refused) {
    INFO(r.args);
    const auto out = run_app("calibrate " + r.args, kEnv);
    CHECK(out.exit_code == r.code);
    CHECK_THAT(out.err, Catch::Contains(r.says));
  }
  CHECK(!fs::exists(dir + "/x.csv"));
  fs::remove_all(dir);
}

TEST_CASE("calibrate --from-job reads a finished job's backtest_stats", "[app][backtest][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  db.query(
      "INSERT INTO jobs (id, kind, status) VALUES (41, 'backtest', 'done'), "
      "(42, 'backtest', 'running')");
  db.query(
      "INSERT INTO backtest_stats (job_id, pattern, symbol, timeframe, direction, horizon, "
      "n, n_eff, censored, hits, hit_rate, significant) VALUES "
      "(41, 'CDLENGULFING', 'ALL', '1d', 'bullish', 5, 140, 40, 0, 79, 0.5642857142857143, "
      "false), (41, 'CDLENGULFING', 'ALL', '1d', 'bearish', 5, 20, 9, 0, 8, 0.4, false), "
      "(41, 'CDLENGULFING', 'AAA', '1d', 'bullish', 5, 70, 20, 0, 40, 0.5714285714285714, "
      "false), (41, 'CDLDOJI', 'ALL', '1m', 'neutral', 5, 3000, 600, 0, 1530, 0.51, false), "
      "(41, 'CDLDOJI', 'ALL', '1m', 'neutral', 1, 3000, 3000, 0, 1500, 0.5, false)");
  char path[] = "/tmp/tickstock-calibrate-job-XXXXXX";
  close(mkstemp(path));
  const auto cal = run_app(std::string("calibrate --from-job 41 --out ") + path, db.env());
  REQUIRE(cal.exit_code == 0);
  CHECK(read_file(path) ==
        "pattern,timeframe,direction,horizon,n,hit_rate\n"
        "CDLDOJI,1m,neutral,5,3000,0.51\n"
        "CDLENGULFING,1d,bullish,5,140,0.5642857142857143\n");
  const auto running = run_app(std::string("calibrate --from-job 42 --out ") + path, db.env());
  CHECK(running.exit_code == 1);
  CHECK_THAT(running.err, Catch::Contains("job 42 is running, not done"));
  const auto missing = run_app(std::string("calibrate --from-job 43 --out ") + path, db.env());
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("no job 43"));
  std::remove(path);
}

TEST_CASE("serve --confidence-calibration reports the calibrated kinds' hit rates",
          "[app][serve][scan]") {
  const std::string serve =
      "serve --feed synthetic --speed max --synthetic-minutes 90 --synthetic-symbols 3 --seed 9 "
      "--exit-on-eof --no-bar-events";
  const std::string file = write_temp("calibration",
                                      "pattern,timeframe,direction,horizon,n,hit_rate\n"
                                      "CDLDOJI,1m,neutral,5,3000,0.123\n"
                                      "CDLENGULFING,1m,bearish,5,400,0.456\n");
  const auto plain = run_app(serve, kEnv);
  const auto calibrated = run_app(serve + " --confidence-calibration " + file, kEnv);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(calibrated.exit_code == 0);
  CHECK_THAT(calibrated.err, Catch::Contains("scanner: confidence from 2 backtest hit rates"));
  const auto a = json_lines(plain.out, "pattern");
  const auto b = json_lines(calibrated.out, "pattern");
  REQUIRE(a.size() == b.size());
  std::size_t doji = 0, bearish_engulfing = 0, kept = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(a[i] << "\n" << b[i]);
    REQUIRE(json_field(a[i], "pattern") == json_field(b[i], "pattern"));
    REQUIRE(json_field(a[i], "start") == json_field(b[i], "start"));
    const std::string p = json_field(b[i], "pattern"), tf = json_field(b[i], "timeframe");
    if (p == "CDLDOJI" && tf == "1m") {
      CHECK(json_field(b[i], "confidence") == "0.123");
      ++doji;
    } else if (p == "CDLENGULFING" && tf == "1m" && json_field(b[i], "direction") == "bearish") {
      CHECK(json_field(b[i], "confidence") == "0.456");
      ++bearish_engulfing;
    } else {
      CHECK(json_field(b[i], "confidence") == json_field(a[i], "confidence"));
      ++kept;
    }
  }
  CHECK(doji > 0);
  CHECK(bearish_engulfing > 0);
  CHECK(kept > 0);
  const std::string bad = write_temp("calibration-bad",
                                     "pattern,timeframe,direction,horizon,n,hit_rate\n"
                                     "CDLDOJI,1m,neutral,5,3000,7\n");
  const auto refused = run_app(serve + " --confidence-calibration " + bad, kEnv);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains(bad + ":2: hit_rate '7'"));
}
