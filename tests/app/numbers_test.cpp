// Huge, tiny, negative, NaN and infinite numbers in every numeric field taken from outside the
// web API: command-line flags (every one --help lists with a number for default), CSV files
// and scanner parameters. Run under the ASan+UBSan build (with float-cast-overflow) these show
// that none reaches undefined behaviour: each is refused with an error naming it, or used.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "app/app_process.h"
#include "app/app_support.h"
#include "support/pg_test_db.h"
#include "support/redis_test.h"
#include "support/test_support.h"

using tickstock::test::AppProcess;
using tickstock::test::run_app;
using tickstock::test::write_temp;

namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

const std::vector<std::string> kHostile{"99999999999999999999999",
                                        "-9223372036854775809",
                                        "9223372036854775807",
                                        "-9223372036854775808",
                                        "1e308",
                                        "1e-300",
                                        "nan",
                                        "-inf",
                                        "-1",
                                        "0"};

// The flags of `tickstockapp COMMAND --help` whose default is a number.
std::vector<std::string> numeric_flags(const std::string& command) {
  const auto help = run_app(command + " --help");
  REQUIRE(help.exit_code == 0);
  static const std::regex line(R"(^\s+(--[a-z0-9-]+) VALUE .*\(default: -?[0-9][0-9.]*\)$)");
  std::vector<std::string> flags;
  std::istringstream in(help.out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) flags.push_back(m[1]);
  }
  return flags;
}

// One run of tickstockapp with a hostile value, started and then watched from this thread
// alone (so no fork happens beside another thread).
struct BoundedRun {
  std::string flag, value;
  std::unique_ptr<AppProcess> app;
  std::chrono::steady_clock::time_point until;
  bool live = false;
};

// True when `r` is done: exited, or a live feed (polygon) took the value and started (it runs
// until stopped, so it gets SIGTERM, as an operator would stop it), or it ran for 5 s (a value
// such as --synthetic-minutes 0, without end, is taken and runs on).
bool finished(BoundedRun& r) {
  if (!r.app->running()) return true;
  if (r.live && r.app->err().find("feed: ") != std::string::npos) return true;
  return std::chrono::steady_clock::now() >= r.until;
}

// Every value of kHostile for every flag of `flags` matching `only`: refused with exit 2 and
// an error naming the flag, or taken (exit 0). Never a crash or a sanitizer's report. Up to
// `at_once` runs go on side by side (1 when they share something, such as a spill file).
void try_flags(const std::string& command, const std::vector<std::string>& base, const Env& env,
               const std::vector<std::string>& flags, const std::regex& only,
               std::size_t at_once = 4) {
  std::vector<std::pair<std::string, std::string>> todo;
  for (const std::string& flag : flags)
    if (std::regex_search(flag, only))
      for (const std::string& value : kHostile) todo.emplace_back(flag, value);
  const bool live = base.size() > 1 && base[1] == "polygon";
  std::vector<BoundedRun> running;
  std::size_t next = 0, tried = 0;
  while (next < todo.size() || !running.empty()) {
    while (running.size() < at_once && next < todo.size()) {
      const auto& [flag, value] = todo[next++];
      std::vector<std::string> args{command};
      args.insert(args.end(), base.begin(), base.end());
      args.push_back(flag);
      args.push_back(value);
      running.push_back({flag, value, std::make_unique<AppProcess>(args, env),
                         std::chrono::steady_clock::now() + std::chrono::seconds(5), live});
    }
    for (auto it = running.begin(); it != running.end();) {
      if (!finished(*it)) {
        ++it;
        continue;
      }
      if (it->app->running()) it->app->signal(SIGTERM);
      const int code = it->app->wait();
      const std::string err = it->app->err();
      INFO(command << " " << it->flag << " " << it->value);
      INFO(err);
      CHECK(err.find("runtime error") == std::string::npos);
      CHECK(err.find("Sanitizer") == std::string::npos);
      CHECK((code == 0 || code == 2));
      if (code == 2) CHECK_THAT(err, Catch::Contains(it->flag));
      ++tried;
      it = running.erase(it);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(tried == todo.size());
  CHECK(tried > 0);
}

// The first 399 ticks of tests/data/ticks_small.csv (18 bars of two symbols): the runs that take
// a value replay them, and a short file keeps ~500 runs quick.
const std::string& ticks_file() {
  static const std::string path = [] {
    std::istringstream all(
        tickstock::test::read_file(tickstock::test::data_dir() + "/ticks_small.csv"));
    std::string head;
    std::string line;
    for (int i = 0; i < 400 && std::getline(all, line); ++i) head += line + "\n";
    return write_temp("numbers-ticks.csv", head);
  }();
  return path;
}

// The sanitizers' options for the runs: leak checking off. These runs look for undefined
// behaviour from numbers; the leak check at exit would add 40 ms to each of ~500 runs, and every
// other test of the app exits with it on.
std::string sanitizer_options() {
  const char* asan = std::getenv("ASAN_OPTIONS");
  return std::string(asan != nullptr ? asan : "") + (asan != nullptr && *asan ? ":" : "") +
         "detect_leaks=0";
}

// No database; Redis when the tests have one (so that its flags are read too).
Env memory_env() {
  const std::string redis = tickstock::test::have_redis()
                                ? "redis://" + tickstock::test::redis_host() + ":" +
                                      std::to_string(tickstock::test::redis_port()) + "/0"
                                : "";
  return {{"DATABASE_URL", ""},
          {"REDIS_URL", redis},
          {"REDIS_HOST", ""},
          {"TICKSTOCK_REDIS_PREFIX", tickstock::test::unique_prefix("numbers")},
          {"TICKSTOCK_HTTP", ""},
          {"POLYGON_API_KEY", ""},
          {"ASAN_OPTIONS", sanitizer_options()}};
}

}  // namespace

TEST_CASE("serve: every numeric flag refuses or takes hostile numbers (a replay)",
          "[app][numbers]") {
  try_flags("serve", {"--feed", "replay:" + ticks_file(), "--exit-on-eof", "--speed", "max"},
            memory_env(), numeric_flags("serve"),
            std::regex("^--(?!polygon|pg-|spill-|warm-|synthetic-|seed)"));
}

TEST_CASE("serve: every numeric flag refuses or takes hostile numbers (the synthetic feed)",
          "[app][numbers]") {
  try_flags(
      "serve",
      {"--synthetic-minutes", "3", "--synthetic-symbols", "2", "--exit-on-eof", "--speed", "max"},
      memory_env(), numeric_flags("serve"), std::regex("^--(synthetic-|seed|speed)"));
}

TEST_CASE("serve: every numeric flag refuses or takes hostile numbers (the Polygon feed)",
          "[app][numbers]") {
  Env env = memory_env();
  env.emplace_back("POLYGON_API_KEY", "k");
  try_flags("serve",
            {"--feed", "polygon", "--symbols", "SPY", "--polygon-ws-url", "ws://127.0.0.1:9/x",
             "--polygon-rest-url", "http://127.0.0.1:9", "--polygon-conditions", "builtin"},
            env, numeric_flags("serve"), std::regex("^--(polygon|gap-backfill)"));
}

TEST_CASE("serve: every numeric flag refuses or takes hostile numbers (a database)",
          "[app][numbers][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  Env env = memory_env();
  env.emplace_back("DATABASE_URL", db.url());
  // One at a time: the runs share the database's spill file, which one process holds.
  try_flags("serve", {"--feed", "replay:" + ticks_file(), "--exit-on-eof", "--speed", "max"}, env,
            numeric_flags("serve"), std::regex("^--(pg-|spill-|warm-)"), 1);
}

TEST_CASE("aggregate: every numeric flag refuses or takes hostile numbers", "[app][numbers]") {
  try_flags("aggregate", {"--ticks", ticks_file(), "--out", "/dev/null"}, memory_env(),
            numeric_flags("aggregate"), std::regex("."));
}

TEST_CASE("scan --set: hostile numbers for integer and real parameters are refused by name",
          "[app][numbers]") {
  const std::string bars = write_temp("numbers-bars.csv",
                                      "ts,symbol,open,high,low,close,volume\n"
                                      "2024-01-02T14:30:00Z,SPY,1,2,0.5,1.5,10\n"
                                      "2024-01-02T14:31:00Z,SPY,1.5,2,1,1.2,10\n");
  for (const std::string param :
       {"RSI.optInTimePeriod", "CANDLE.BodyDoji.factor", "CANDLE.Near.avg_period"}) {
    for (const std::string& value : kHostile) {
      INFO(param << "=" << value);
      const auto r = run_app("scan --bars " + bars + " --set " + param + "=" + value,
                             "env ASAN_OPTIONS=" + sanitizer_options());
      INFO(r.err);
      CHECK(r.err.find("runtime error") == std::string::npos);
      CHECK((r.exit_code == 0 || r.exit_code == 2));
      if (r.exit_code == 2) CHECK_THAT(r.err, Catch::Contains(param));
    }
  }
}

TEST_CASE("CSV files: hostile numbers in every field are refused with file:line and field",
          "[app][numbers][csv]") {
  // Valid but extreme first: the edges of the time range and the largest finite numbers.
  std::string ticks =
      "ts_ns,symbol,price,size\n"
      "-8520336000000000000,SPY,1.7976931348623157e308,1.7976931348623157e308\n"
      "1704205800000000000,SPY,4.9e-324,0\n";
  std::string bars =
      "ts,symbol,open,high,low,close,volume\n"
      "1700-01-01,SPY,1e308,1e308,1e-308,1e308,1e308\n"
      "2024-01-02T14:30:00Z,SPY,0,0,0,0,0\n";
  for (const std::string& v : kHostile) {  // a ticks file: lines 4, 7, 10, ... have v as ts_ns
    ticks += v + ",SPY,100,1\n1704205800000000000,SPY," + v + ",1\n1704205800000000000,SPY,100," +
             v + "\n";
    bars += v + ",SPY,1,1,1,1,1\n2024-01-02T14:31:00Z,SPY," + v + "," + v + "," + v + "," + v +
            "," + v + "\n";
  }
  ticks += "9183110400000000000,SPY,1,1\n";
  bars += "2261-01-01,SPY,1,1,1,1,0\n";
  const std::string ticks_path = write_temp("numbers-ticks.csv", ticks);
  const std::string bars_path = write_temp("numbers-bars-all.csv", bars);
  for (const std::string tf : {"1m", "1d"}) {
    const auto a = run_app("aggregate --ticks " + ticks_path + " --timeframe " + tf);
    INFO(a.err);
    CHECK(a.exit_code == 3);  // bad lines
    CHECK(a.err.find("runtime error") == std::string::npos);
    CHECK_THAT(a.err, Catch::Contains(ticks_path + ":4: field 'ts_ns': '99999999999999999999999' "
                                                   "is not an integer"));
    CHECK_THAT(a.err, Catch::Contains(ticks_path + ":7: field 'ts_ns': '-9223372036854775809'"));
    CHECK_THAT(a.err, Catch::Contains(ticks_path + ":10: field 'ts_ns': '9223372036854775807' is "
                                                   "not a time from 1700 to 2261"));
    CHECK_THAT(a.err, Catch::Contains(ticks_path + ":23: field 'price': 'nan' must be a "
                                                   "positive finite number"));
  }
  const auto s = run_app("scan --bars " + bars_path);
  INFO(s.err);
  CHECK(s.exit_code == 3);
  CHECK(s.err.find("runtime error") == std::string::npos);
  CHECK_THAT(s.err, Catch::Contains(bars_path + ":6: field 'ts': '-9223372036854775809'"));
  const auto r = run_app("serve --feed replay:" + ticks_path + " --exit-on-eof --speed max",
                         "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("runtime error") == std::string::npos);
  const auto b = run_app("serve --feed replay:" + bars_path + " --exit-on-eof --speed max",
                         "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  INFO(b.err);
  CHECK(b.exit_code == 0);
  CHECK(b.err.find("runtime error") == std::string::npos);
}
