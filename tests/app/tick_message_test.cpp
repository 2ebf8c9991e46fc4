// The redis feed's message parser: the formats producers send, and the many ways a message can
// be wrong (each refused with the field and the reason).
#include "feeds/tick_message.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

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
