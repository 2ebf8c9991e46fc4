#include <cstdlib>
#include <fstream>
#include <map>
#include <tuple>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "app/app_support.h"
#include "support/test_support.h"

using namespace tickstock;
using namespace tickstock::test;

namespace {

std::string fixture(const char* name) { return data_dir() + "/" + name; }

struct RefBar {
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
  int trades = 0;
};

// An independent, obviously-correct minute aggregation of an in-order ticks CSV.
std::map<std::pair<std::string, std::string>, RefBar> reference_minutes(const std::string& csv) {
  std::map<std::pair<std::string, std::string>, RefBar> out;
  auto rows = parse_csv(read_file(csv));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const long long ts = std::stoll(rows[i][0]);
    const double p = std::stod(rows[i][2]), v = std::stod(rows[i][3]);
    const auto key =
        std::pair{format_iso8601(ts / 60'000'000'000LL * 60'000'000'000LL), rows[i][1]};
    auto [it, fresh] = out.try_emplace(key);
    RefBar& b = it->second;
    if (fresh) b.open = b.high = b.low = p;
    b.high = std::max(b.high, p);
    b.low = std::min(b.low, p);
    b.close = p;
    b.volume += v;
    ++b.trades;
  }
  return out;
}

}  // namespace

TEST_CASE("aggregate prints the bars CSV contract, equal to an independent reference",
          "[app][aggregate]") {
  const auto r = run_app("aggregate --ticks " + fixture("ticks_small.csv"));
  REQUIRE(r.exit_code == 0);
  const auto rows = parse_csv(r.out);
  REQUIRE(rows.size() > 10);
  CHECK(rows[0] == std::vector<std::string>{"ts", "symbol", "open", "high", "low", "close",
                                            "volume", "vwap", "trades"});
  const auto ref = reference_minutes(fixture("ticks_small.csv"));
  CHECK(rows.size() - 1 == ref.size());
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& f = rows[i];
    INFO("row " << i << ": " << f[0] << " " << f[1]);
    REQUIRE(ref.count({f[0], f[1]}) == 1);
    const RefBar& b = ref.at({f[0], f[1]});
    CHECK(std::stod(f[2]) == b.open);
    CHECK(std::stod(f[3]) == b.high);
    CHECK(std::stod(f[4]) == b.low);
    CHECK(std::stod(f[5]) == b.close);
    CHECK(std::stod(f[6]) == b.volume);
    CHECK(std::stoi(f[8]) == b.trades);
    CHECK(f[0].back() == 'Z');
  }
}

TEST_CASE("aggregate --timeframe 1h and 1d print higher timeframes", "[app][aggregate]") {
  const auto h = run_app("aggregate --timeframe 1h --ticks " + fixture("ticks_small.csv"));
  REQUIRE(h.exit_code == 0);
  const auto hrows = parse_csv(h.out);
  REQUIRE(hrows.size() >= 3);
  CHECK(hrows[1][0].substr(13) == ":00:00Z");
  const auto d = run_app("aggregate --timeframe 1d --ticks " + fixture("ticks_small.csv"));
  REQUIRE(d.exit_code == 0);
  const auto drows = parse_csv(d.out);
  REQUIRE(drows.size() == 3);  // header + AAA + BBB, regular session of 2013-10-07
  CHECK(drows[1][0] == "2013-10-07");
}

TEST_CASE("aggregate names file, line, field and value of a bad line and keeps the good ones",
          "[app][aggregate][errors]") {
  const std::string path = "/tmp/tickstock-bad-ticks.csv";
  {
    std::ofstream f(path);
    f << "ts_ns,symbol,price,size\n"
      << "1381152600000000000,AAA,10.5,100\n"
      << "1381152601000000000,AAA,abc,100\n"
      << "1381152602000000000,AAA,-1,100\n"
      << "1381152603000000000,AAA,10.7,100\n";
  }
  const auto r = run_app("aggregate --ticks " + path);
  std::remove(path.c_str());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(path + ":3: field 'price': 'abc' is not a number") != std::string::npos);
  CHECK(r.err.find(path + ":4: field 'price': '-1'") != std::string::npos);
  const auto rows = parse_csv(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][6] == "200");
}

TEST_CASE("aggregate and serve reject unknown options and missing files clearly", "[app][errors]") {
  const auto a = run_app("aggregate --tickz x");
  CHECK(a.exit_code == 2);
  CHECK(a.err.find("unknown option '--tickz'") != std::string::npos);
  const auto b = run_app("aggregate --ticks /nonexistent/t.csv");
  CHECK(b.exit_code == 1);
  CHECK(b.err.find("/nonexistent/t.csv: cannot open") != std::string::npos);
  const auto g = run_app("aggregate --grace-ms abc --ticks " + fixture("ticks_small.csv"));
  CHECK(g.exit_code == 2);
  CHECK(g.err.find("--grace-ms 'abc': expected an integer in 0..3600000") != std::string::npos);
  const auto c = run_app("serve --feed bogus");
  CHECK(c.exit_code == 2);
  CHECK(c.err.find("--feed 'bogus'") != std::string::npos);
  const auto h = run_app("serve --help");
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("--exit-on-eof") != std::string::npos);
  CHECK(h.out.find("DATABASE_URL") != std::string::npos);
  CHECK(h.out.find("(default: synthetic)") != std::string::npos);
}

TEST_CASE("serve replays a file to the end and emits the same bars as aggregate",
          "[app][serve][threads]") {
  const auto s =
      run_app("serve --feed replay:" + fixture("ticks_small.csv") + " --speed max --exit-on-eof",
              "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  REQUIRE(s.exit_code == 0);
  CHECK(s.err.find("running entirely in memory") != std::string::npos);
  const auto a = run_app("aggregate --ticks " + fixture("ticks_small.csv"));
  const auto rows = parse_csv(a.out);
  // Only bar lines: the scanner's pattern and alert lines name a timeframe too.
  std::size_t m1 = 0, found = 0;
  for (const std::string& line : json_lines(s.out, "bar"))
    if (json_field(line, "timeframe") == "1m") ++m1;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string needle = "\"symbol\":\"" + rows[i][1] +
                               "\",\"timeframe\":\"1m\",\"start\":\"" + rows[i][0] +
                               "\",\"open\":" + rows[i][2] + ",\"high\":" + rows[i][3];
    if (s.out.find(needle) != std::string::npos) ++found;
  }
  CHECK(m1 == rows.size() - 1);
  CHECK(found == rows.size() - 1);
  CHECK(s.out.find("\"timeframe\":\"1d\"") != std::string::npos);
}

// Such symbols are refused where they enter (the symbol grammar): none reaches a JSON line.
TEST_CASE("serve refuses a symbol with a quote or a backslash before its JSON lines",
          "[app][serve][threads]") {
  const std::string path = "/tmp/tickstock-odd-symbol.csv";
  {
    std::ofstream f(path);
    f << "ts_ns,symbol,price,size\n"
      << "1381152600000000000,A\"B\\C,10.5,100\n";
  }
  const auto s = run_app("serve --feed replay:" + path + " --speed max --exit-on-eof",
                         "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  std::remove(path.c_str());
  REQUIRE(s.exit_code == 0);
  CHECK(s.out.find("\"type\":\"bar\"") == std::string::npos);
  CHECK(s.err.find(path + R"(:2: field 'symbol': 'A"B\\C' is not a symbol)") != std::string::npos);
}

TEST_CASE("serve on the synthetic feed is deterministic for a seed", "[app][serve][threads]") {
  const std::string args =
      "serve --feed synthetic --speed max --synthetic-minutes 30 --synthetic-symbols 3 --seed 9 "
      "--exit-on-eof";
  const auto a = run_app(args, "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  const auto b = run_app(args, "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("\"symbol\":\"SYN02\"") != std::string::npos);
  const auto c = run_app(
      "serve --feed synthetic --speed max --synthetic-minutes 30 "
      "--synthetic-symbols 3 --seed 10 --exit-on-eof",
      "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  CHECK(c.out != a.out);
}

TEST_CASE("serve checks the PostgreSQL and Redis servers it is pointed at",
          "[app][serve][services]") {
  const char* db = std::getenv("DATABASE_URL");
  const char* redis = std::getenv("REDIS_URL");
  if (db == nullptr || redis == nullptr) {
    const char* ci = std::getenv("CI");
    REQUIRE_FALSE((ci != nullptr && std::string(ci) == "true"));  // CI must provide services
    WARN("skipped: DATABASE_URL / REDIS_URL not set (scripts/test sets them)");
    return;
  }
  const auto r = run_app("serve --feed synthetic --speed max --synthetic-minutes 1 --exit-on-eof");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("PostgreSQL") != std::string::npos);
  CHECK(r.err.find("PostgreSQL " + std::string(db) + ": reachable") != std::string::npos);
  CHECK(r.err.find(": reachable", r.err.find("Redis")) != std::string::npos);
  // A server that is not there is reported, not fatal.
  const auto down = run_app(
      "serve --feed synthetic --speed max --synthetic-minutes 1 "
      "--exit-on-eof --redis-url redis://:secret@127.0.0.1:1/0 --redis-flush-timeout-ms 100 "
      "--pg-flush-timeout-ms 300 "
      "--database-url postgresql://u:secret@127.0.0.1:1/x");
  CHECK(down.exit_code == 0);
  CHECK(down.err.find("NOT reachable") != std::string::npos);
  CHECK(down.err.find(" not published; 0 reconnects") != std::string::npos);
  CHECK(down.err.find("secret") == std::string::npos);  // passwords never reach the log
}
