// The symbol grammar every entry enforces (check_symbol), how bad values are shown
// (printable), and the SymbolTable's capacity (--max-symbols).
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/types.h"

using namespace tickstock;

TEST_CASE("Symbol grammar: tickers of every kind pass, control characters and blanks do not",
          "[symbol]") {
  for (const std::string& ok : std::vector<std::string>{
           "A", "SPY", "BRK.B", "brk.b", "BF-B", "X:BTCUSD", "I:SPX", "C:EUR/USD", "^VIX", "ES_F",
           "O:SPY251219C00650000", std::string(32, 'Z')}) {
    INFO(ok);
    CHECK(is_valid_symbol(ok));
    CHECK(check_symbol("ticker", ok));
  }
  const std::vector<std::pair<std::string, std::string>> bad{
      {"", "field 'ticker': '' is not a symbol (empty)"},
      {std::string(33, 'Z'),
       "field 'ticker': '" + std::string(33, 'Z') + "' is not a symbol (33 bytes, at most 32)"},
      {std::string("A\0B", 3),
       "field 'ticker': 'A\\x00B' is not a symbol (byte 2 is '\\x00'; allowed: letters, digits "
       "and . - : / ^ _)"},
      {"AB\x1b[2J", "field 'ticker': 'AB\\x1b[2J' is not a symbol (byte 3 is '\\x1b'"},
      {"A\tB", "'A\\x09B'"},
      {"A\nB", "'A\\x0aB'"},
      {"A B", "(byte 2 is ' '"},
      {"A,B", "(byte 2 is ','"},
      {"A\"B", "(byte 2 is '\"'"},
      {"A\\B", "'A\\\\B' is not a symbol (byte 2 is '\\\\'"},
      {"A|B", "(byte 2 is '|'"},
      {"A=F", "(byte 2 is '='"},
      {"\xc3\x89TF", "'\\xc3\\x89TF' is not a symbol (byte 1 is '\\xc3'"},
      {"A\x7f", "(byte 2 is '\\x7f'"},
  };
  for (const auto& [text, message] : bad) {
    INFO(printable(text));
    CHECK_FALSE(is_valid_symbol(text));
    const auto r = check_symbol("ticker", text);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(message));
  }
}

TEST_CASE("printable escapes every byte outside printable ASCII and cuts long text", "[symbol]") {
  CHECK(printable("plain text: 1,2;3") == "plain text: 1,2;3");
  CHECK(printable(std::string("a\0b\r\n\x01\xff\\", 8)) == "a\\x00b\\x0d\\x0a\\x01\\xff\\\\");
  CHECK(printable(std::string(100, 'x')) == std::string(64, 'x') + "...");
  CHECK(printable("abcdef", 3) == "abc...");
  CHECK(printable("") == "");
}

TEST_CASE("SymbolTable: beyond its capacity new names are refused and counted, known ones stay",
          "[symbol]") {
  SymbolTable table(3);
  CHECK(table.capacity() == 3);
  const auto spy = table.try_intern("SPY");
  REQUIRE(spy);
  REQUIRE(table.try_intern("QQQ"));
  REQUIRE(table.try_intern("IWM"));
  CHECK(table.size() == 3);
  CHECK(table.refused() == 0);
  // Full: every new name is refused (each attempt counted), no entry is made.
  for (int i = 0; i < 100; ++i) CHECK_FALSE(table.try_intern("R" + std::to_string(i)));
  CHECK(table.refused() == 100);
  CHECK(table.size() == 3);
  CHECK_FALSE(table.find("R7"));
  // Known names still resolve to the same Symbol.
  const auto again = table.try_intern("SPY");
  REQUIRE(again);
  CHECK(*again == *spy);
  CHECK(table.intern("IWM").name() == "IWM");
  CHECK_THROWS_AS(table.intern("NEW"), std::length_error);
  CHECK(table.refused() == 101);
  // Unlimited by default.
  SymbolTable open;
  for (int i = 0; i < 5000; ++i) REQUIRE(open.try_intern("S" + std::to_string(i)));
  CHECK(open.size() == 5000);
  CHECK(open.refused() == 0);
}

TEST_CASE("SymbolTable: the capacity holds when threads intern at once", "[symbol]") {
  SymbolTable table(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&table, t] {
      for (int i = 0; i < 2000; ++i)
        (void)table.try_intern(std::to_string(t) + "_" + std::to_string(i));
    });
  }
  for (auto& th : threads) th.join();
  CHECK(table.size() == 1000);
  CHECK(table.refused() == 8000 - 1000);
}
