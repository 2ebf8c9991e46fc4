// The commands that read CSV files (serve's replay, aggregate, scan, import) refuse a symbol
// outside the symbol grammar by file:line with the value escaped, and go on with the rest.
#include <fstream>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"

using tickstock::test::json_lines;
using tickstock::test::run_app;

namespace {

// Writes `text` as it is (NUL bytes too) to a file of this process; returns its path.
std::string write_bytes(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/tickstock-test-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

const std::string kTicks =
    std::string("ts_ns,symbol,price,size\n") + "1704205800000000000,SPY,100,1\n" +
    "1704205801000000000,SP" + '\0' + "Y,100,1\n" + "1704205802000000000,X:BTCUSD,42000,1\n" +
    "1704205803000000000,BRK.B\x1b[2J,1,1\n" + "1704205804000000000,O:SPY251219C00650000,3.5,1\n";

const std::string kBars = std::string("ts,symbol,open,high,low,close,volume\n") +
                          "2024-01-02T14:30:00Z,SPY,1,2,0.5,1.5,10\n" + "2024-01-02T14:31:00Z,SP" +
                          '\0' + "Y,1,2,0.5,1.5,10\n" +
                          "2024-01-02T14:31:00Z,I:SPX,1,2,0.5,1.5,10\n";

}  // namespace

TEST_CASE("CSV commands refuse symbols outside the grammar by file:line, escaped",
          "[app][csv][symbol]") {
  const std::string ticks = write_bytes("grammar-ticks.csv", kTicks);
  const auto r = run_app("serve --feed replay:" + ticks + " --exit-on-eof --speed max",
                         "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains(ticks + ":3: field 'symbol': 'SP\\x00Y' is not a symbol"));
  CHECK_THAT(r.err, Catch::Contains(ticks + ":5: field 'symbol': 'BRK.B\\x1b[2J' is not a symbol"));
  CHECK_THAT(r.err, Catch::Contains("2 bad input records"));
  std::set<std::string> symbols;
  for (const auto& line : json_lines(r.out, "bar"))
    if (tickstock::test::json_field(line, "timeframe") == "1m")
      symbols.insert(tickstock::test::json_field(line, "symbol"));
  CHECK(symbols == std::set<std::string>{"SPY", "X:BTCUSD", "O:SPY251219C00650000"});

  const auto a = run_app("aggregate --ticks " + ticks);
  CHECK(a.exit_code == 3);
  CHECK_THAT(a.err, Catch::Contains(ticks + ":3: field 'symbol': 'SP\\x00Y' is not a symbol"));
  const std::string bars = write_bytes("grammar-bars.csv", kBars);
  const auto s = run_app("scan --bars " + bars);
  CHECK(s.exit_code == 3);
  CHECK_THAT(s.err, Catch::Contains(bars + ":3: field 'symbol': 'SP\\x00Y' is not a symbol"));
}

TEST_CASE("import refuses a symbol outside the grammar by file:line and stores nothing of it",
          "[app][csv][symbol][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string bars = write_bytes("grammar-import.csv", kBars);
  const auto r = run_app("import --bars " + bars, db.env());
  INFO(r.err);
  CHECK(r.err.find(bars + ":3: field 'symbol': 'SP\\x00Y' is not a symbol") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM symbols WHERE symbol !~ '^[A-Za-z0-9.:/^_-]+$'") == "0");
  const auto bad_symbol =
      run_app("import --symbol 'A B' --bars " + write_bytes("grammar-nosym.csv",
                                                            "ts,open,high,low,close,volume\n"
                                                            "2024-01-02T14:30:00Z,1,1,1,1,1\n"),
              db.env());
  CHECK(bad_symbol.exit_code != 0);
  CHECK_THAT(bad_symbol.err, Catch::Contains("field 'symbol': 'A B' is not a symbol"));
}
