// The redis feed's message parser: the formats producers send, and the many ways a message can
// be wrong (each refused with the field and the reason).
#include "feeds/tick_message.h"

#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "support/hostile_numbers.h"

using tickstock::app::FeedItem;
using tickstock::app::TickMessageParser;

namespace {

const tickstock::Timestamp k1430 = *tickstock::parse_timestamp("2024-01-02T14:30:00Z");

}  // namespace

TEST_CASE("Tick messages: a trade with ticker, price, volume and an epoch or ISO timestamp",
          "[redis][feed]") {
  tickstock::SymbolTable symbols;
  TickMessageParser p(symbols);
  const tickstock::Timestamp t = k1430 + 123'000'000;
  // The same instant written the ways producers write it.
  for (const std::string ts :
       {"1704205800.123", "1704205800123", "1704205800123000", "1704205800123000000",
        "\"2024-01-02T14:30:00.123Z\"", "\"1704205800123\"", "\"2024-01-02T09:30:00.123-05:00\""}) {
    INFO(ts);
    const auto item = p.parse(R"({"ticker":"AAPL","price":189.5,"volume":100,"timestamp":)" + ts +
                              R"(,"exchange":"XNAS","conditions":[12]})");
    REQUIRE(item);
    CHECK(item->kind == FeedItem::Kind::Tick);
    CHECK(item->tick.symbol.name() == "AAPL");
    CHECK(item->tick.ts_event == t);
    CHECK(item->now == t);
    CHECK(item->tick.price == 189.5);
    CHECK(item->tick.size == 100);
  }
  // "symbol" for "ticker", "size" for "volume", numbers as strings.
  const auto alt =
      p.parse(R"({"symbol":"MSFT","price":"370.25","size":"7","timestamp":1704205800})");
  REQUIRE(alt);
  CHECK(alt->tick.symbol.name() == "MSFT");
  CHECK(alt->tick.price == 370.25);
  CHECK(alt->tick.size == 7);
  CHECK(alt->tick.ts_event == k1430);
}

TEST_CASE("Tick messages: a minute bar with symbol, timestamp and OHLCV", "[redis][feed]") {
  tickstock::SymbolTable symbols;
  TickMessageParser p(symbols);
  const auto item = p.parse(
      R"({"symbol":"MSFT","timestamp":"2024-01-02T14:30:00Z","open":370,"high":371,"low":369.5,)"
      R"("close":370.5,"volume":12000})");
  REQUIRE(item);
  CHECK(item->kind == FeedItem::Kind::MinuteBar);
  CHECK(item->bar.symbol.name() == "MSFT");
  CHECK(item->bar.timeframe == tickstock::Timeframe::M1);
  CHECK(item->bar.start == k1430);
  CHECK(item->bar.open == 370);
  CHECK(item->bar.high == 371);
  CHECK(item->bar.low == 369.5);
  CHECK(item->bar.close == 370.5);
  CHECK(item->bar.volume == 12000);
  CHECK(item->now == k1430 + tickstock::kNanosPerMinute);  // known once its minute is over
  // Any instant within the minute names that minute.
  const auto inside = p.parse(
      R"({"ticker":"MSFT","timestamp":1704205835000,"open":1,"high":1,"low":1,"close":1,"volume":0})");
  REQUIRE(inside);
  CHECK(inside->bar.start == k1430);
}

TEST_CASE("Tick messages: malformed messages are refused with the field and the reason",
          "[redis][feed]") {
  tickstock::SymbolTable symbols;
  TickMessageParser p(symbols);
  const std::vector<std::pair<std::string, std::string>> bad{
      {"", "not JSON"},
      {"not json", "not JSON"},
      {R"({"ticker":"A","price":1,"volume":1,"timestamp":1})", "between 1970"},  // 1 s: ok...
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":1704205800)", "not JSON"},
      {R"([{"ticker":"AAPL"}])", "not a JSON object"},
      {R"("AAPL")", "not a JSON object"},
      {R"({"price":1,"volume":1,"timestamp":1704205800})", "missing field 'ticker'"},
      {R"({"ticker":"","price":1,"volume":1,"timestamp":1704205800})", "field 'ticker'"},
      {R"({"ticker":42,"price":1,"volume":1,"timestamp":1704205800})", "field 'ticker'"},
      {R"({"ticker":"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456","price":1,"volume":1,"timestamp":1})",
       "field 'ticker'"},
      {R"({"ticker":"AAPL","price":1,"volume":1})", "missing field 'timestamp'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":"yesterday"})", "field 'timestamp'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":null})", "field 'timestamp'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":-5})", "field 'timestamp'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":1e300})", "field 'timestamp'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":18446744073709551615})",
       "field 'timestamp'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":"9999-12-31"})", "field 'timestamp'"},
      {R"({"ticker":"AAPL","volume":1,"timestamp":1704205800})", "neither a trade"},
      {R"({"ticker":"AAPL","price":0,"volume":1,"timestamp":1704205800})", "field 'price': 0 is"},
      {R"({"ticker":"AAPL","price":-3,"volume":1,"timestamp":1704205800})", "field 'price': -3"},
      {R"({"ticker":"AAPL","price":"abc","volume":1,"timestamp":1704205800})",
       "field 'price': \"abc\" is not a number"},
      {R"({"ticker":"AAPL","price":"1e999","volume":1,"timestamp":1704205800})", "field 'price'"},
      {R"({"ticker":"AAPL","price":true,"volume":1,"timestamp":1704205800})", "field 'price'"},
      {R"({"ticker":"AAPL","price":1,"timestamp":1704205800})", "missing field 'volume'"},
      {R"({"ticker":"AAPL","price":1,"volume":-1,"timestamp":1704205800})", "field 'volume'"},
      {R"({"ticker":"AAPL","price":1,"volume":[],"timestamp":1704205800})", "field 'volume'"},
      {R"({"symbol":"A","timestamp":1704205800,"open":1,"high":2,"low":1,"volume":1})",
       "missing field 'close'"},
      {R"({"symbol":"A","timestamp":1704205800,"open":1,"high":2,"low":1,"close":3,"volume":1})",
       "must lie within"},
      {R"({"symbol":"A","timestamp":1704205800,"open":1,"high":1,"low":2,"close":1,"volume":1})",
       "must lie within"},
      {R"({"symbol":"A","timestamp":1704205800,"open":1,"high":1,"low":0,"close":1,"volume":1})",
       "field 'low'"},
      {R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":1704205800,"x":[[[[)", "not JSON"},
      {std::string(70 * 1024, ' '), "longer than"},
      {"{\"ticker\":\"AA\xff\",\"price\":1,\"volume\":1,\"timestamp\":1704205800}", "not JSON"},
  };
  for (const auto& [message, why] : bad) {
    INFO(message.substr(0, 120));
    const auto r = p.parse(message);
    if (why == "between 1970") {  // epoch 1 s is 1970-01-01T00:00:01Z: valid, if odd
      CHECK(r);
      continue;
    }
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(why));
  }
  // The parser is still fine afterwards.
  CHECK(p.parse(R"({"ticker":"AAPL","price":1,"volume":1,"timestamp":1704205800})"));
}

TEST_CASE("Tick messages: the ticker must follow the symbol grammar, the error shows it escaped",
          "[redis][feed][symbol]") {
  tickstock::SymbolTable symbols;
  TickMessageParser p(symbols);
  auto trade = [](const std::string& key, const std::string& ticker) {
    return R"({")" + key + R"(":")" + ticker + R"(","price":1,"volume":1,"timestamp":1704205800})";
  };
  for (const std::string ok : {"BRK.B", "X:BTCUSD", "I:SPX", "O:SPY251219C00650000", "ES_F"}) {
    INFO(ok);
    const auto item = p.parse(trade("ticker", ok));
    REQUIRE(item);
    CHECK(item->tick.symbol.name() == ok);
  }
  const std::vector<std::tuple<std::string, std::string, std::string>> bad{
      {"ticker", R"(SP\u0000Y)", "field 'ticker': 'SP\\x00Y' is not a symbol (byte 3 is '\\x00'"},
      {"symbol", R"(A\u001b[2J)", "field 'symbol': 'A\\x1b[2J' is not a symbol"},
      {"ticker", R"(A\tB)", "field 'ticker': 'A\\x09B' is not a symbol"},
      {"ticker", R"(A\nB)", "'A\\x0aB'"},
      {"ticker", "A B", "field 'ticker': 'A B' is not a symbol (byte 2 is ' '"},
      {"ticker", R"(A\"B)", "byte 2 is '\"'"},
      {"ticker", R"(\u00c9TF)", "'\\xc3\\x89TF' is not a symbol"},
      {"ticker", std::string(33, 'Q'), "(33 bytes, at most 32)"},
  };
  for (const auto& [key, ticker, why] : bad) {
    INFO(ticker);
    const auto r = p.parse(trade(key, ticker));
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(why));
  }
  // Nothing refused reached the symbol table.
  CHECK(symbols.size() == 5);
}

TEST_CASE("Tick messages: event times too far ahead of the clock are refused before interning",
          "[redis][feed][time]") {
  tickstock::SymbolTable symbols;
  TickMessageParser p(symbols);
  const tickstock::Timestamp now = k1430;
  const tickstock::Timestamp limit = 5 * tickstock::kNanosPerSecond;
  auto trade = [](const std::string& sym, tickstock::Timestamp ns) {
    return R"({"ticker":")" + sym + R"(","price":1,"volume":1,"timestamp":)" + std::to_string(ns) +
           "}";
  };
  CHECK(p.parse(trade("OK", now + 4 * tickstock::kNanosPerSecond), now, limit));
  CHECK(p.parse(trade("OK", now - 365 * tickstock::kNanosPerDay), now, limit));  // past: fine
  const auto far = p.parse(
      R"({"ticker":"FAR","price":1,"volume":1,"timestamp":"2261-01-01T00:00:00Z"})", now, limit);
  REQUIRE_FALSE(far);
  CHECK(p.last_refusal() == TickMessageParser::Refusal::FutureTime);
  CHECK_THAT(far.error().message,
             Catch::StartsWith("field 'timestamp': 2261-01-01T00:00:00Z is ") &&
                 Catch::EndsWith(" ms ahead of the clock (at most 5000 ms)"));
  const auto near = p.parse(trade("NEAR", now + 6 * tickstock::kNanosPerSecond), now, limit);
  REQUIRE_FALSE(near);
  CHECK_THAT(near.error().message, Catch::Contains("is 6000 ms ahead of the clock"));
  // A bar counts from its end: the minute in progress is not over yet.
  const auto bar = p.parse(
      R"({"symbol":"BAR","timestamp":1704205800,"open":1,"high":1,"low":1,"close":1,"volume":1})",
      now + 30 * tickstock::kNanosPerSecond, limit);
  REQUIRE_FALSE(bar);
  CHECK(p.last_refusal() == TickMessageParser::Refusal::FutureTime);
  // Without a limit (the default) anything up to kMaxEventTime (2261) passes, as before.
  CHECK(p.parse(trade("FAR", now + 100 * tickstock::kNanosPerDay)));
  CHECK(symbols.size() == 2);  // OK and FAR: the refused ones were never interned
}

TEST_CASE("Tick messages: a new symbol beyond the table's capacity is refused, known ones flow",
          "[redis][feed][symbol]") {
  tickstock::SymbolTable symbols(2);
  TickMessageParser p(symbols);
  auto trade = [](const std::string& sym) {
    return R"({"ticker":")" + sym + R"(","price":1,"volume":1,"timestamp":1704205800})";
  };
  CHECK(p.parse(trade("A")));
  // A bad message with a new symbol takes no room.
  CHECK_FALSE(p.parse(R"({"ticker":"X","price":-1,"volume":1,"timestamp":1704205800})"));
  CHECK(p.last_refusal() == TickMessageParser::Refusal::Malformed);
  CHECK(p.parse(trade("B")));
  const auto c = p.parse(trade("C"));
  REQUIRE_FALSE(c);
  CHECK(p.last_refusal() == TickMessageParser::Refusal::SymbolLimit);
  CHECK(c.error().message ==
        "field 'ticker': 'C' is a new symbol and the limit of 2 symbols is "
        "reached");
  CHECK(p.parse(trade("A")));
  CHECK(p.parse(trade("B")));
  CHECK(symbols.size() == 2);
  CHECK(symbols.refused() == 1);
}

TEST_CASE("Tick messages: huge, tiny, negative, NaN and infinite numbers in every field",
          "[redis][feed][numbers]") {
  tickstock::SymbolTable symbols;
  TickMessageParser p(symbols);
  std::vector<std::string> numbers = tickstock::test::hostile_json_numbers();
  for (const auto& n : tickstock::test::hostile_json_strings()) numbers.push_back(n);
  const tickstock::Timestamp now = k1430;
  for (const std::string& n : numbers) {
    INFO(n);
    for (const std::string& message :
         {R"({"ticker":"N","price":)" + n + R"(,"volume":1,"timestamp":1704205800})",
          R"({"ticker":"N","price":1,"volume":)" + n + R"(,"timestamp":1704205800})",
          R"({"ticker":"N","price":1,"volume":1,"timestamp":)" + n + "}",
          R"({"symbol":"N","timestamp":)" + n +
              R"(,"open":1,"high":1,"low":1,"close":1,"volume":1})",
          R"({"symbol":"N","timestamp":1704205800,"open":)" + n + R"(,"high":)" + n + R"(,"low":)" +
              n + R"(,"close":)" + n + R"(,"volume":)" + n + "}"}) {
      INFO(message);
      for (const tickstock::Timestamp limit :
           {tickstock::Timestamp{-1}, 5 * tickstock::kNanosPerSecond}) {
        const auto item = p.parse(message, now, limit);
        if (!item) {
          CHECK_FALSE(item.error().message.empty());
          continue;
        }
        // Whatever is taken is what the engine can take.
        if (item->kind == FeedItem::Kind::Tick) {
          CHECK_FALSE(tickstock::validate(item->tick));
          CHECK(item->tick.ts_event >= 0);
          CHECK(item->tick.ts_event <= tickstock::kMaxEventTime);
        } else {
          CHECK(std::isfinite(item->bar.high));
          CHECK(item->bar.volume >= 0);
          CHECK(item->bar.start >= 0);
          CHECK(item->now <= tickstock::kMaxEventTime);
        }
        if (limit >= 0) CHECK(item->now <= now + limit);
      }
    }
  }
}
