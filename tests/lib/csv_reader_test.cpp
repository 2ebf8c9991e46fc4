#include "tickstock/csv_reader.h"

#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

using namespace tickstock;

namespace {

std::string write_temp(const char* name, const std::string& text) {
  const std::string path = std::string("/tmp/tickstock-csv-") + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("TickCsvReader reads trades and names file, line, field and value of bad ones", "[csv]") {
  const auto path = write_temp("ticks.csv",
                               "ts_ns,symbol,price,size\n"
                               "1381152600000000000,SPY,169.1,100\n"
                               "\n"
                               "1381152601000000000,SPY,x,100\n"
                               "1381152602000000000,SPY,169.2\n"
                               "1381152603000000000,IBM,180.5,-5\n"
                               "1381152604000000000,IBM,180.5,7\n");
  SymbolTable symbols;
  auto r = TickCsvReader::open(path, symbols);
  REQUIRE(r.has_value());
  Tick t;
  Error e;
  REQUIRE((*r)->next(t, e) == ReadStatus::Ok);
  CHECK(t.symbol.name() == "SPY");
  CHECK(t.price == 169.1);
  CHECK(t.ts_event == 1381152600000000000);
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);  // the empty line is skipped
  CHECK(e.message == path + ":4: field 'price': 'x' is not a number");
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK(e.message == path + ":5: expected 4 fields, found 3");
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK(e.message == path + ":6: field 'size': '-5' must be a finite number >= 0");
  REQUIRE((*r)->next(t, e) == ReadStatus::Ok);
  CHECK(t.symbol.name() == "IBM");
  CHECK((*r)->next(t, e) == ReadStatus::Eof);
  std::remove(path.c_str());
}

TEST_CASE("readers refuse records beyond the allowed disorder and track the latest time", "[csv]") {
  const auto path = write_temp("disorder.csv",
                               "ts_ns,symbol,price,size\n"
                               "1381152600000000000,SPY,1,1\n"
                               "1381153600000000000,SPY,1,1\n"
                               "1381153590000000000,SPY,1,1\n"
                               "1381152600000000000,SPY,1,1\n");
  SymbolTable symbols;
  auto r = TickCsvReader::open(path, symbols);
  REQUIRE(r.has_value());
  (*r)->set_max_disorder(60 * kNanosPerSecond);
  CHECK((*r)->latest() == kNoRecordYet);
  Tick t;
  Error e;
  CHECK((*r)->next(t, e) == ReadStatus::Ok);
  CHECK((*r)->next(t, e) == ReadStatus::Ok);
  CHECK((*r)->next(t, e) == ReadStatus::Ok);  // 10 s back: within the allowed disorder
  CHECK((*r)->latest() == 1381153600000000000);
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK(e.message == path +
                         ":5: field 'ts_ns': 2013-10-07T13:30:00Z is out of order by more than "
                         "the allowed lateness (latest so far 2013-10-07T13:46:40Z)");
  std::remove(path.c_str());
}

TEST_CASE("BarCsvReader reads bars with or without a symbol column", "[csv]") {
  const auto path = write_temp("bars.csv",
                               "ts,open,high,low,close,volume\n"
                               "2013-10-07T13:30:00Z,10,11,9,10.5,100\n"
                               "2013-10-07,10,11,9,10.5,abc\n");
  SymbolTable symbols;
  auto r = BarCsvReader::open(path, symbols, "X");
  REQUIRE(r.has_value());
  CHECK_FALSE((*r)->has_symbol_column());
  Bar b;
  Error e;
  REQUIRE((*r)->next(b, e) == ReadStatus::Ok);
  CHECK(b.symbol.name() == "X");
  CHECK(b.close == 10.5);
  CHECK((*r)->last_ts_text() == "2013-10-07T13:30:00Z");
  REQUIRE((*r)->next(b, e) == ReadStatus::Error);
  CHECK(e.message == path + ":3: field 'volume': 'abc' is not a finite number");
  auto missing = BarCsvReader::open(write_temp("nohdr.csv", "ts,open,high\n"), symbols);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("header has no 'low' column") != std::string::npos);
  std::remove(path.c_str());
}
