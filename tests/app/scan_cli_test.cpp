// `tickstockapp scan`: the oracle's columns, equal to TA-Lib's committed goldens, per-symbol
// state, --set, errors (on real data: real_data_test.cpp).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/scan_compare.h"
#include "support/test_support.h"

using tickstock::test::compare;
using tickstock::test::parse_csv;
using tickstock::test::read_file;
using tickstock::test::rows_of;
using tickstock::test::run_app;
using tickstock::test::Table;
namespace fs = std::filesystem;

namespace {

std::string golden(const std::string& name) {
  return tickstock::test::data_dir() + "/talib/" + name;
}

// A fresh directory for one test's files.
std::string temp_dir() {
  char tmpl[] = "/tmp/tickstock-scan-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

}  // namespace

TEST_CASE("scan writes the oracle's header and equals TA-Lib on every cell", "[app][scan]") {
  for (const char* s : {"coverage", "synthetic-300"}) {
    INFO(s);
    const auto r = run_app("scan --bars " + golden(std::string(s) + ".csv"));
    REQUIRE(r.exit_code == 0);
    const Table got = parse_csv(r.out);
    const Table want = parse_csv(read_file(golden(std::string(s) + ".talib.csv")));
    CHECK(got[0] == want[0]);  // same names, same order: ts, 61 CDL, 17 indicators
    CHECK(compare(got, want, s) == (want.size() - 1) * 79);
    CHECK(r.err.find("scan: " + std::to_string(want.size() - 1) + " bars in 1 series") !=
          std::string::npos);
  }
}

TEST_CASE("scan --set changes parameters like the oracle's --set", "[app][scan]") {
  const std::string sets =
      " --set SMA.optInTimePeriod=5 --set EMA.optInTimePeriod=10 --set RSI.optInTimePeriod=7"
      " --set MACD.optInFastPeriod=5 --set MACD.optInSlowPeriod=13 --set "
      "MACD.optInSignalPeriod=4 --set BBANDS.optInTimePeriod=10 --set BBANDS.optInNbDevUp=1.5"
      " --set BBANDS.optInNbDevDn=2.5 --set ATR.optInTimePeriod=5 --set STOCH.optInFastK_Period=7"
      " --set STOCH.optInSlowK_Period=4 --set=STOCH.optInSlowD_Period=2 --set "
      "ADX.optInTimePeriod=7 --set WILLR.optInTimePeriod=9 --set CCI.optInTimePeriod=9 --set "
      "MFI.optInTimePeriod=7";
  const auto r = run_app("scan --bars " + golden("coverage.csv") + sets);
  REQUIRE(r.exit_code == 0);
  const Table want = parse_csv(read_file(golden("coverage.alt.talib.csv")));
  CHECK(compare(parse_csv(r.out), want, "alt") == (want.size() - 1) * want[0].size());

  const auto p = run_app("scan --bars " + golden("penetration.csv") +
                         " --set CDLMATHOLD.optInPenetration=0.25 --set "
                         "CDLMORNINGSTAR.optInPenetration=0.6 --set "
                         "CDLMORNINGDOJISTAR.optInPenetration=0.6");
  REQUIRE(p.exit_code == 0);
  const Table pwant = parse_csv(read_file(golden("penetration.custom.talib.csv")));
  CHECK(compare(parse_csv(p.out), pwant, "penetration") > 0);
}

TEST_CASE("scan gives each symbol its own state and passes ts through", "[app][scan]") {
  const std::string dir = temp_dir();
  const Table a = parse_csv(read_file(golden("coverage.csv")));
  const Table b = parse_csv(read_file(golden("synthetic-300.csv")));
  {
    // Interleave the two series under two symbols; timestamps written as given.
    std::ofstream f(dir + "/two.csv");
    f << "symbol,ts,open,high,low,close,volume\n";
    for (std::size_t i = 1; i < a.size(); ++i) {
      f << "AAA," << a[i][0] << ',' << a[i][1] << ',' << a[i][2] << ',' << a[i][3] << ',' << a[i][4]
        << ',' << a[i][5] << '\n';
      if (i < b.size())
        f << "BBB," << b[i][0] << ',' << b[i][1] << ',' << b[i][2] << ',' << b[i][3] << ','
          << b[i][4] << ',' << b[i][5] << '\n';
    }
  }
  const auto r = run_app("scan --bars " + dir + "/two.csv --out " + dir + "/out.csv");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const Table got = parse_csv(read_file(dir + "/out.csv"));
  REQUIRE(got[0][0] == "ts");
  REQUIRE(got[0][1] == "symbol");
  CHECK(compare(rows_of(got, "AAA"), parse_csv(read_file(golden("coverage.talib.csv"))), "AAA") >
        0);
  CHECK(compare(rows_of(got, "BBB"), parse_csv(read_file(golden("synthetic-300.talib.csv"))),
                "BBB") > 0);
  fs::remove_all(dir);
}

TEST_CASE("scan names file, line, field and value of bad input and keeps the good rows",
          "[app][scan][errors]") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/bad.csv";
  {
    std::ofstream f(path);
    f << "ts,open,high,low,close,volume\n"
      << "2024-01-02T14:30:00Z,10,11,9,10.5,100\n"
      << "2024-01-02T14:31:00Z,10,11,9,abc,100\n"
      << "yesterday,10,11,9,10.5,100\n"
      << "2024-01-02T14:33:00Z,10,11,9,10.2,100\n";
  }
  const auto r = run_app("scan --bars " + path);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(path + ":3: field 'close': 'abc' is not a finite number") != std::string::npos);
  CHECK(r.err.find(path + ":4: field 'ts': 'yesterday'") != std::string::npos);
  const Table rows = parse_csv(r.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][0] == "2024-01-02T14:30:00Z");
  CHECK(rows[2][0] == "2024-01-02T14:33:00Z");

  const auto missing = run_app("scan --bars " + dir + "/nope.csv");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find(dir + "/nope.csv") != std::string::npos);
  const auto header = run_app("scan --bars " + golden("../ticks_small.csv"));
  CHECK(header.exit_code == 1);
  CHECK(header.err.find("column") != std::string::npos);
  const auto badset =
      run_app("scan --bars " + golden("coverage.csv") + " --set RSI.optInTimePeriod=1");
  CHECK(badset.exit_code == 2);
  CHECK(badset.err.find("RSI.optInTimePeriod: 1 is outside 2..100000") != std::string::npos);
  const auto unknown = run_app("scan --bars " + golden("coverage.csv") + " --set NOPE.x=1");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown function 'NOPE'") != std::string::npos);
  const auto noarg = run_app("scan");
  CHECK(noarg.exit_code == 2);
  CHECK(noarg.err.find("--bars FILE is required") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("scan --extras appends DI, VWAP, relative volume and pivots", "[app][scan]") {
  const auto r = run_app("scan --extras --bars " + golden("synthetic-300.csv"));
  REQUIRE(r.exit_code == 0);
  const Table got = parse_csv(r.out);
  const Table di = parse_csv(read_file(golden("synthetic-300.di.talib.csv")));
  Table want;
  for (const auto& row : di) want.push_back({row[0], row[1], row[2]});
  want[0] = {"ts", "PLUS_DI", "MINUS_DI"};
  CHECK(compare(got, want, "di") == 3 * (want.size() - 1));
  // The coverage series spans several New York days, so the prior-day pivots exist too.
  const auto c = run_app("scan --extras --bars " + golden("coverage.csv"));
  REQUIRE(c.exit_code == 0);
  const Table cov = parse_csv(c.out);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < cov[0].size(); ++i) col[cov[0][i]] = i;
  for (const char* name : {"VWAP", "VWAP_UPPER2", "RVOL", "PIVOT_P", "FIB_S3"}) {
    INFO(name);
    REQUIRE(col.count(name) == 1);
    CHECK(!cov.back()[col.at(name)].empty());
    CHECK(cov[1][col.at(name)].empty() ==
          (std::string(name) != "VWAP" && std::string(name) != "VWAP_UPPER2"));
  }
}
