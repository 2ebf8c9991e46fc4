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

TEST_CASE("CSV readers refuse a symbol outside the grammar, naming file:line and the escaped value",
          "[csv][symbol]") {
  const std::string ticks = std::string("ts_ns,symbol,price,size\n") +
                            "1381152600000000000,BRK.B,1,1\n" + "1381152600000000000,SP" + '\0' +
                            "Y,1,1\n" +
                            "1381152600000000000,X:BTCUSD,1,1\n"
                            "1381152600000000000,A\x1b[31m,1,1\n"
                            "1381152600000000000,,1,1\n"
                            "1381152600000000000,O:SPY251219C00650000,1,1\n";
  SymbolTable symbols;
  auto r = TickCsvReader::of_text(ticks, "t.csv", symbols);
  REQUIRE(r.has_value());
  Tick t;
  Error e;
  REQUIRE((*r)->next(t, e) == ReadStatus::Ok);
  CHECK(t.symbol.name() == "BRK.B");
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK(e.message ==
        "t.csv:3: field 'symbol': 'SP\\x00Y' is not a symbol (byte 3 is '\\x00'; allowed: "
        "letters, digits and . - : / ^ _)");
  REQUIRE((*r)->next(t, e) == ReadStatus::Ok);
  CHECK(t.symbol.name() == "X:BTCUSD");
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK_THAT(e.message, Catch::StartsWith("t.csv:5: field 'symbol': 'A\\x1b[31m' is not a symbol"));
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK(e.message == "t.csv:6: field 'symbol': '' is not a symbol (empty)");
  REQUIRE((*r)->next(t, e) == ReadStatus::Ok);
  CHECK(t.symbol.name() == "O:SPY251219C00650000");
  CHECK((*r)->next(t, e) == ReadStatus::Eof);
  // Refused names never reach the table.
  CHECK(symbols.size() == 3);

  const std::string bars =
      "ts,symbol,open,high,low,close,volume\n"
      "2013-10-07,I:SPX,1,1,1,1,1\n"
      "2013-10-07,SPX\t,1,1,1,1,1\n";
  auto b = BarCsvReader::of_text(bars, "b.csv", symbols);
  REQUIRE(b.has_value());
  Bar bar;
  REQUIRE((*b)->next(bar, e) == ReadStatus::Ok);
  CHECK(bar.symbol.name() == "I:SPX");
  REQUIRE((*b)->next(bar, e) == ReadStatus::Error);
  CHECK_THAT(e.message, Catch::StartsWith("b.csv:3: field 'symbol': 'SPX\\x09' is not a symbol"));
  // A default symbol (import --symbol) is held to the same grammar.
  auto no_column =
      BarCsvReader::of_text("ts,open,high,low,close,volume\n", "n.csv", symbols, "A B");
  REQUIRE_FALSE(no_column.has_value());
  CHECK_THAT(no_column.error().message, Catch::Contains("field 'symbol': 'A B' is not a symbol"));
}

TEST_CASE("CSV readers: other bad values are shown escaped too", "[csv][symbol]") {
  SymbolTable symbols;
  auto r = TickCsvReader::of_text(std::string("ts_ns,symbol,price,size\n1,A,\x01\x02,1\n"), "t.csv",
                                  symbols);
  REQUIRE(r.has_value());
  Tick t;
  Error e;
  REQUIRE((*r)->next(t, e) == ReadStatus::Error);
  CHECK(e.message == "t.csv:2: field 'price': '\\x01\\x02' is not a number");
}

TEST_CASE("CSV readers: a new symbol beyond the table's capacity is refused, known ones go on",
          "[csv][symbol]") {
  SymbolTable symbols(2);
  std::string text = "ts_ns,symbol,price,size\n";
  for (int i = 0; i < 5; ++i)
    text += "138115260000000000" + std::to_string(i) + ",S" + std::to_string(i % 3) + ",1,1\n";
  auto r = TickCsvReader::of_text(text, "t.csv", symbols);
  REQUIRE(r.has_value());
  Tick t;
  Error e;
  std::vector<std::string> got;
  for (ReadStatus st; (st = (*r)->next(t, e)) != ReadStatus::Eof;) {
    if (st == ReadStatus::Ok) {
      got.emplace_back(t.symbol.name());
    } else {
      CHECK(e.message ==
            "t.csv:4: field 'symbol': 'S2' is a new symbol and the limit of 2 "
            "symbols is reached");
    }
  }
  CHECK(got == std::vector<std::string>{"S0", "S1", "S0", "S1"});
  CHECK(symbols.size() == 2);
  CHECK(symbols.refused() == 1);
}

TEST_CASE("CSV readers: empty text is an empty file, a header alone has no records", "[csv]") {
  SymbolTable symbols;
  auto empty = TickCsvReader::of_text("", "e.csv", symbols);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().message == "e.csv: empty file (expected a CSV header)");
  auto bars = BarCsvReader::of_text(std::string_view(), "e.csv", symbols);
  REQUIRE_FALSE(bars.has_value());
  auto header = TickCsvReader::of_text("ts_ns,symbol,price,size", "h.csv", symbols);
  REQUIRE(header.has_value());
  Tick t;
  Error e;
  CHECK((*header)->next(t, e) == ReadStatus::Eof);
}
