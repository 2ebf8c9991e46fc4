// PolygonFrameParser: every element of a frame, condition flags, timestamps, bad input.
#include "polygon/frame_parser.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/alloc_counter.h"
#include "support/hostile_numbers.h"

using namespace tickstock;
using namespace tickstock::app;

namespace {

struct Recorder final : PolygonHandler {
  std::vector<Tick> trades;
  std::vector<PolygonTradeInfo> infos;
  std::vector<std::string> ids;
  std::vector<Bar> minute, second;
  std::vector<std::string> statuses, bad;
  void on_trade(const Tick& t, const PolygonTradeInfo& info) override {
    trades.push_back(t);
    infos.push_back(info);
    ids.emplace_back(info.id);
  }
  void on_aggregate(const Bar& b, bool per_minute) override {
    (per_minute ? minute : second).push_back(b);
  }
  void on_status(std::string_view status, std::string_view message) override {
    statuses.push_back(std::string(status) + "|" + std::string(message));
  }
  void on_bad_input(std::string_view what) override { bad.emplace_back(what); }
};

struct Fixture {
  SymbolTable symbols;
  ConditionTable conditions = ConditionTable::builtin();
  PolygonFrameParser parser{symbols, conditions};
  Recorder rec;
  bool parse(const std::string& frame) { return parser.parse(frame, 77, rec); }
};

}  // namespace

TEST_CASE("Polygon frames: every element of a mixed array is used, in order", "[polygon][parser]") {
  Fixture f;
  const bool ok = f.parse(
      R"([{"ev":"status","status":"connected","message":"Connected Successfully"},)"
      R"({"ev":"T","sym":"SPY","i":"52983525029461","x":11,"p":167.41,"s":100,"t":1381132800464,"z":2,"q":7},)"
      R"({"ev":"Q","sym":"SPY","bx":4,"bp":167.40,"bs":2,"ax":7,"ap":167.42,"as":3,"c":0,"t":1381132800465},)"
      R"({"ev":"T","sym":"AAPL","p":480.5,"s":3,"t":1381132800466,"c":[37],"x":4,"z":3,"i":"9"},)"
      R"({"ev":"AM","sym":"SPY","v":4110,"av":9470157,"op":167.4,"vw":167.41,"o":167.41,"c":167.43,"h":167.45,"l":167.40,"a":167.4,"z":685,"s":1381132800000,"e":1381132860000},)"
      R"({"ev":"A","sym":"SPY","v":100,"o":1,"c":1,"h":1,"l":1,"s":1381132800000,"e":1381132801000},)"
      R"({"ev":"LULD","T":"SPY","h":1,"l":2},)"
      R"({"ev":"T","sym":"SPY","p":167.42,"s":200,"t":1381132800467}])");
  REQUIRE(ok);
  REQUIRE(f.rec.trades.size() == 3);
  CHECK(f.rec.trades[0].symbol.name() == "SPY");
  CHECK(f.rec.trades[0].price == 167.41);
  CHECK(f.rec.trades[0].size == 100);
  CHECK(f.rec.trades[0].ts_event == 1381132800464LL * 1'000'000);
  CHECK(f.rec.trades[0].ts_recv == 77);
  CHECK(f.rec.trades[0].flags == kTickNormal);
  CHECK(f.rec.infos[0].exchange == 11);
  CHECK(f.rec.infos[0].tape == 2);
  CHECK(f.rec.ids[0] == "52983525029461");
  CHECK(f.rec.trades[1].symbol.name() == "AAPL");
  CHECK(f.rec.trades[1].flags == kTickVolumeOnly);
  CHECK(f.rec.infos[1].conditions == 1);
  CHECK(f.rec.trades[2].price == 167.42);
  CHECK(f.rec.trades[2].symbol == f.rec.trades[0].symbol);
  REQUIRE(f.rec.minute.size() == 1);
  const Bar& am = f.rec.minute[0];
  CHECK(am.start == 1381132800000LL * 1'000'000);
  CHECK(am.open == 167.41);
  CHECK(am.high == 167.45);
  CHECK(am.low == 167.40);
  CHECK(am.close == 167.43);
  CHECK(am.volume == 4110);
  CHECK(am.vwap == 167.41);
  CHECK(f.rec.second.size() == 1);
  CHECK(f.rec.statuses == std::vector<std::string>{"connected|Connected Successfully"});
  const auto& st = f.parser.stats();
  CHECK(st.trades == 3);
  CHECK(st.quotes == 1);
  CHECK(st.minute_aggregates == 1);
  CHECK(st.second_aggregates == 1);
  CHECK(st.statuses == 1);
  CHECK(st.unknown_events == 1);
  CHECK(st.bad_messages == 0);
  CHECK(f.rec.bad.empty());
}

TEST_CASE("Polygon frames: empty and one-element arrays", "[polygon][parser]") {
  Fixture f;
  CHECK(f.parse("[]"));
  CHECK(f.parse(R"([{"ev":"T","sym":"X","p":1.5,"s":1,"t":1700000000000}])"));
  CHECK(f.rec.trades.size() == 1);
  CHECK(f.parser.stats().frames == 2);
}

TEST_CASE("Polygon conditions decide what a trade updates, all codes together",
          "[polygon][parser][conditions]") {
  Fixture f;
  auto flags_of = [&](const std::string& c) {
    f.rec.trades.clear();
    REQUIRE(f.parse(R"([{"ev":"T","sym":"X","p":10,"s":5,"t":1700000000000,"c":)" + c + "}]"));
    REQUIRE(f.rec.trades.size() == 1);
    return f.rec.trades[0].flags;
  };
  CHECK(flags_of("[]") == kTickNormal);
  CHECK(flags_of("[14, 41]") == kTickNormal);  // intermarket sweep, trade-through exempt
  CHECK(flags_of("[12]") == kTickNormal);      // Form T: minute bars take extended hours
  CHECK(flags_of("[37]") == kTickVolumeOnly);  // odd lot
  CHECK(flags_of("[2]") == kTickVolumeOnly);   // average price
  CHECK(flags_of("[53, 52]") == kTickVolumeOnly);
  CHECK(flags_of("[22]") == kTickNoOpenClose);  // prior reference price: high/low + volume
  CHECK(flags_of("[15]") == (kTickVolumeOnly | kTickNoVolume));
  CHECK(flags_of("[22, 37]") == kTickVolumeOnly);  // the stricter rule wins
  CHECK(f.parser.stats().unknown_conditions == 0);
  CHECK(flags_of("[200, 999, -1]") == kTickNormal);
  CHECK(f.parser.stats().unknown_conditions == 3);
}

TEST_CASE("Polygon timestamps: the unit is read from the number of digits", "[polygon][parser]") {
  const Timestamp ns = 1'700'000'000'123'456'789LL;
  CHECK(polygon_epoch_to_ns(1'700'000'000) == 1'700'000'000LL * kNanosPerSecond);
  CHECK(polygon_epoch_to_ns(1'700'000'000'123) == 1'700'000'000'123'000'000LL);
  CHECK(polygon_epoch_to_ns(1'700'000'000'123'456) == 1'700'000'000'123'456'000LL);
  CHECK(polygon_epoch_to_ns(ns) == ns);
  // Nothing that nanoseconds cannot hold, and no negative times.
  CHECK_FALSE(polygon_epoch_to_ns(-1));
  CHECK_FALSE(polygon_epoch_to_ns(99'999'999'999));          // seconds past 2262
  CHECK_FALSE(polygon_epoch_to_ns(99'999'999'999'999));      // ms past 2262
  CHECK_FALSE(polygon_epoch_to_ns(99'999'999'999'999'999));  // µs past 2262
  CHECK(polygon_epoch_to_ns(9'000'000'000'000'000'000) == 9'000'000'000'000'000'000);
  // Nor past kMaxEventTime (2261-01-01), where calendar arithmetic would leave int64.
  CHECK(polygon_epoch_to_ns(9'183'110'400'000) == kMaxEventTime);
  CHECK_FALSE(polygon_epoch_to_ns(9'183'110'400'001));
  CHECK_FALSE(polygon_epoch_to_ns(9'200'000'000'000'000'000));
  Fixture f;
  REQUIRE(f.parse(R"([{"ev":"T","sym":"X","p":1,"s":1,"t":1700000000123456}])"));
  CHECK(f.rec.trades.at(0).ts_event == 1'700'000'000'123'456'000LL);
}

TEST_CASE("Polygon frames: bad input is refused with what and where, the rest is used",
          "[polygon][parser][errors]") {
  Fixture f;
  SECTION("broken JSON") {
    CHECK_FALSE(f.parse(R"([{"ev":"T","sym":"SPY","p":)"));
    CHECK_FALSE(f.parse("{not json"));
    CHECK_FALSE(f.parse(""));
    CHECK(f.parser.stats().bad_frames == 3);
    REQUIRE(f.rec.bad.size() == 3);
    CHECK(f.rec.bad[0].rfind("frame 1: ", 0) == 0);
    CHECK(f.rec.bad[2].rfind("frame 3: ", 0) == 0);
  }
  SECTION("a frame that is not an array") {
    CHECK_FALSE(f.parse(R"({"ev":"T","sym":"SPY","p":1,"s":1,"t":1700000000000})"));
    REQUIRE(f.rec.bad.size() == 1);
    CHECK(f.rec.bad[0].find("not a JSON array") != std::string::npos);
    CHECK(f.rec.trades.empty());
  }
  SECTION("bad elements are skipped, good ones around them used") {
    CHECK(f.parse(R"([{"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000},)"
                  R"(42,)"
                  R"({"ev":"T","sym":"B","p":"1.5","s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"C","s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"D","p":1,"s":1,"t":1700000000000,"c":["x"]},)"
                  R"({"ev":"AM","sym":"E","o":1,"h":1,"l":1,"v":1,"s":1700000000000},)"
                  R"({"ev":"T","sym":"F","p":2,"s":1,"t":1700000000000}])"));
    REQUIRE(f.rec.trades.size() == 2);
    CHECK(f.rec.trades[0].symbol.name() == "A");
    CHECK(f.rec.trades[1].symbol.name() == "F");
    CHECK(f.parser.stats().bad_messages == 5);
    REQUIRE(f.rec.bad.size() == 5);
    CHECK(f.rec.bad[0] == "frame 1: element 1: not an object");
    CHECK(f.rec.bad[1] == "frame 1: element 2: field 'p': expected a number");
    CHECK(f.rec.bad[2] == "frame 1: element 3: T without 'p'");
    CHECK(f.rec.bad[3] ==
          "frame 1: element 4: field 'c': expected a number or an array of integers");
    CHECK(f.rec.bad[4] == "frame 1: element 5: AM without 'c'");
  }
  SECTION("times that are no times are refused, named") {
    CHECK(f.parse(R"([{"ev":"T","sym":"A","p":1,"s":1,"t":-5},)"
                  R"({"ev":"T","sym":"B","p":1,"s":1,"t":99999999999999999},)"
                  R"({"ev":"AM","sym":"C","o":1,"h":1,"l":1,"c":1,"v":1,"s":1e300},)"
                  R"({"ev":"AM","sym":"D","o":1,"h":1,"l":1,"c":1,"v":1,"s":1700000000000.5},)"
                  R"({"ev":"T","sym":"F","p":2,"s":1,"t":1700000000000}])"));
    REQUIRE(f.rec.trades.size() == 1);
    CHECK(f.rec.trades[0].symbol.name() == "F");
    REQUIRE(f.rec.bad.size() == 4);
    CHECK(f.rec.bad[0] == "frame 1: element 0: field 't': -5 is no time");
    CHECK(f.rec.bad[1] == "frame 1: element 1: field 't': 99999999999999999 is no time");
    CHECK(f.rec.bad[2] == "frame 1: element 2: AM: field 's' is no time");
    CHECK(f.rec.bad[3] == "frame 1: element 3: AM: field 's' is no time");
  }
  SECTION("a frame damaged anywhere is refused whole") {
    CHECK_FALSE(
        f.parse(R"([{"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000},{"ev":"T","sym":])"));
    CHECK_FALSE(f.parse(R"([{"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000},{"ev":"T","sym)"));
    CHECK_FALSE(f.parse(R"([{"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000}] trailing)"));
    CHECK(f.rec.trades.empty());
    CHECK(f.parser.stats().bad_frames == 3);
  }
  SECTION("parse_padded reads the frame in place") {
    std::string frame = R"([{"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000}])";
    const std::size_t n = frame.size();
    frame.resize(n + PolygonFrameParser::kPadding, 'x');
    CHECK(f.parser.parse_padded(frame.data(), n, 5, f.rec));
    REQUIRE(f.rec.trades.size() == 1);
    CHECK(f.rec.trades[0].ts_recv == 5);
  }
}

TEST_CASE("Polygon frames: damage in values nobody reads still refuses the frame",
          "[polygon][parser][errors]") {
  // The parser reads frames On-Demand, which looks only at what it is asked for; every value
  // is still checked, so these are refused as simdjson's validating parser refuses them.
  Fixture f;
  const std::string trade = R"({"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000})";
  for (const std::string damaged :
       {R"({"q":tru})", R"({"q":1.2.3})", R"({"q":-})", R"({"extra":"bad \x escape"})",
        R"({"bad \x key":1})", R"({"q":[1,{"a":[nul]}]})", R"({"q":99999999999999999999})",
        R"({"q":-14599999999999999917})",
        R"({"ev":"T","sym":"B","p":1,"s":18446744073709551616,"t":1700000000000})",
        R"({"ev":"T","sym":"B","p":1,"s":1,"t":1700000000000,"c":[14,fals]})"}) {
    INFO(damaged);
    CHECK_FALSE(f.parse("[" + trade + "," + damaged + "]"));
  }
  CHECK(f.rec.trades.empty());
  CHECK(f.parser.stats().bad_frames == 10);
  // Nesting: simdjson's limit counts the arrays and objects that hold something.
  const auto nested = [&trade](int n) {
    return "[" + trade + ",{\"q\":" + std::string(n, '[') + "1" + std::string(n, ']') + "}]";
  };
  CHECK(f.parse(nested(1021)));
  CHECK_FALSE(f.parse(nested(1022)));
  CHECK(f.rec.trades.size() == 1);
  // Large numbers that fit 64 bits are numbers.
  CHECK(f.parse(R"([{"ev":"T","sym":"B","p":1,"s":1,"t":1700000000000,"q":18446744073709551615},)"
                R"({"ev":"T","sym":"C","p":1,"s":1,"t":1700000000000,"q":-9223372036854775808}])"));
  CHECK(f.rec.trades.size() == 3);
  // So are exponents of many digits (simdjson's get_double alone refuses them).
  CHECK(f.parse(R"([{"ev":"T","sym":"D","p":1,"s":1,"t":1700000000000,"q":9e-)" +
                std::string(40, '4') + "}]"));
  CHECK(f.rec.trades.size() == 4);
}

TEST_CASE("Polygon frames: escaped keys and strings are read unescaped", "[polygon][parser]") {
  Fixture f;
  REQUIRE(f.parse(R"([{"\u0065v":"T","sym":"S\u0050Y","p":1,"s":2,"t":1700000000000,)"
                  R"("i":"a\"b"},{"ev":"T","sym":"A","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"A\u002e","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"ABCDEFG","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"ABCDEFGH","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"ABCDEFGHIJKL","p":1,"s":1,"t":1700000000000}])"));
  REQUIRE(f.rec.trades.size() == 6);
  CHECK(f.rec.trades[0].symbol.name() == "SPY");
  CHECK(f.rec.ids[0] == "a\"b");
  // Tickers of every length are told apart, an escaped one included (a NUL byte is no symbol:
  // see "a sym outside the symbol grammar").
  CHECK(f.rec.trades[1].symbol.name() == "A");
  CHECK(f.rec.trades[2].symbol.name() == "A.");
  CHECK(f.rec.trades[3].symbol.name() == "ABCDEFG");
  CHECK(f.rec.trades[4].symbol.name() == "ABCDEFGH");
  CHECK(f.rec.trades[5].symbol.name() == "ABCDEFGHIJKL");
  CHECK(f.symbols.size() == 6);
}

TEST_CASE("Polygon frames: unexpected fields and values are ignored", "[polygon][parser]") {
  Fixture f;
  REQUIRE(f.parse(
      R"([{"zz":{"nested":[1,{"a":[]}]},"ev":"T","extra":"x\"y","sym":"SPY","p":1.25,"s":10,)"
      R"("t":1700000000000,"trfi":3,"trft":1700000000001,"pt":1700000000000123456,"new":null}])"));
  REQUIRE(f.rec.trades.size() == 1);
  CHECK(f.rec.trades[0].price == 1.25);
  CHECK(f.rec.bad.empty());
}

TEST_CASE("Polygon frames: parsing does not allocate per message", "[polygon][parser][alloc]") {
  if (!test::counting_allocations()) {
    WARN("skipped: allocations are not counted under sanitizers");
    return;
  }
  Fixture f;
  std::string frame = "[";
  for (int i = 0; i < 500; ++i) {
    if (i > 0) frame += ',';
    frame += R"({"ev":"T","sym":"S)" + std::to_string(i % 50) + R"(","p":)" +
             std::to_string(10 + i % 7) + R"(,"s":100,"t":1700000000000,"c":[14,37],"i":"1"})";
  }
  frame += "]";
  REQUIRE(f.parse(frame));  // warms up: symbols interned, buffers sized
  f.rec.trades.reserve(10'000);
  f.rec.infos.reserve(10'000);
  f.rec.ids.clear();
  f.rec.ids.shrink_to_fit();
  struct Counter final : PolygonHandler {
    std::uint64_t n = 0;
    void on_trade(const Tick&, const PolygonTradeInfo&) override { ++n; }
    void on_aggregate(const Bar&, bool) override {}
    void on_status(std::string_view, std::string_view) override {}
    void on_bad_input(std::string_view) override {}
  } counter;
  const auto before = test::allocations();
  for (int k = 0; k < 10; ++k) REQUIRE(f.parser.parse(frame, 1, counter));
  CHECK(test::allocations() == before);
  CHECK(counter.n == 5000);
}

TEST_CASE("Polygon conditions reference: Polygon's update rules replace the built-in ones",
          "[polygon][conditions]") {
  const std::string json =
      R"({"results":[{"id":37,"name":"Odd Lot Trade","update_rules":{"consolidated":)"
      R"({"updates_high_low":true,"updates_open_close":true,"updates_volume":true},)"
      R"("market_center":{"updates_high_low":false,"updates_open_close":false,"updates_volume":true}}},)"
      R"({"id":12,"update_rules":{"consolidated":{"updates_high_low":false,"updates_open_close":false,"updates_volume":true}}},)"
      R"({"id":99,"update_rules":{"consolidated":{"updates_high_low":false,"updates_open_close":true,"updates_volume":false}}}],)"
      R"("status":"OK","count":3})";
  auto t = parse_condition_reference(json);
  REQUIRE(t.has_value());
  CHECK(t->flags(37) == kTickNormal);
  CHECK(t->flags(12) == kTickNormal);  // the minute-bar exception stays
  CHECK(t->flags(99) == (kTickNoHighLow | kTickNoVolume));
  CHECK(t->flags(2) == kTickVolumeOnly);  // not in the reply: built-in
  CHECK(t->known(99));

  auto bad = parse_condition_reference(R"({"results":[{"id":1},{"x":2}]})");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "conditions reference: results[0]: no 'update_rules.consolidated'");
  auto bad2 = parse_condition_reference(
      R"({"results":[{"id":1,"update_rules":{"consolidated":{"updates_high_low":1}}}]})");
  REQUIRE_FALSE(bad2.has_value());
  CHECK(bad2.error().message ==
        "conditions reference: results[0]: update_rules.consolidated.updates_high_low is not "
        "true or false");
  CHECK_FALSE(parse_condition_reference("nope").has_value());
  CHECK_FALSE(parse_condition_reference(R"({"status":"OK"})").has_value());
}

TEST_CASE("Polygon frames: a sym outside the symbol grammar is refused every time, escaped",
          "[polygon][parser][symbol]") {
  Fixture f;
  for (int round = 0; round < 2; ++round) {  // the second time it is not taken from a cache
    f.rec.bad.clear();
    f.rec.trades.clear();
    CHECK(f.parse(R"([{"ev":"T","sym":"SP\u0000Y","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"A\u001b[2J","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"LONG\u0001NAME.X","p":1,"s":1,"t":1700000000000},)"
                  R"({"ev":"AM","sym":"B C","o":1,"h":1,"l":1,"c":1,"v":1,"s":1700000000000},)"
                  R"({"ev":"T","sym":"BRK.B","p":2,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"O:SPY251219C00650000","p":2,"s":1,"t":1700000000000},)"
                  R"({"ev":"T","sym":"X:BTCUSD","p":2,"s":1,"t":1700000000000}])"));
    REQUIRE(f.rec.trades.size() == 3);
    CHECK(f.rec.trades[0].symbol.name() == "BRK.B");
    CHECK(f.rec.trades[1].symbol.name() == "O:SPY251219C00650000");
    CHECK(f.rec.trades[2].symbol.name() == "X:BTCUSD");
    REQUIRE(f.rec.bad.size() == 4);
    CHECK_THAT(f.rec.bad[0],
               Catch::EndsWith("element 0: field 'sym': 'SP\\x00Y' is not a symbol (byte 3 is "
                               "'\\x00'; allowed: letters, digits and . - : / ^ _)"));
    CHECK_THAT(f.rec.bad[1], Catch::Contains("element 1: field 'sym': 'A\\x1b[2J'"));
    CHECK_THAT(f.rec.bad[2], Catch::Contains("element 2: field 'sym': 'LONG\\x01NAME.X'"));
    CHECK_THAT(f.rec.bad[3], Catch::Contains("element 3: field 'sym': 'B C' is not a symbol"));
  }
  CHECK(f.parser.stats().bad_symbols == 8);
  CHECK(f.symbols.size() == 3);
}

namespace {

struct LimitRecorder final : PolygonHandler {
  std::vector<std::string> trades, bad, refused;
  void on_trade(const Tick& t, const PolygonTradeInfo&) override {
    trades.emplace_back(t.symbol.name());
  }
  void on_aggregate(const Bar&, bool) override {}
  void on_status(std::string_view, std::string_view) override {}
  void on_bad_input(std::string_view what) override { bad.emplace_back(what); }
  void on_symbol_refused(std::string_view what) override { refused.emplace_back(what); }
};

}  // namespace

TEST_CASE("Polygon frames: new symbols beyond the table's capacity are refused, known ones flow",
          "[polygon][parser][symbol]") {
  SymbolTable symbols(3);
  const ConditionTable conditions = ConditionTable::builtin();
  PolygonFrameParser parser(symbols, conditions);
  LimitRecorder rec;
  auto trade = [](const std::string& sym) {
    return R"({"ev":"T","sym":")" + sym + R"(","p":1,"s":1,"t":1700000000000})";
  };
  std::string frame = "[" + trade("SPY") + "," + trade("A_LONG_TICKER_1") + "," + trade("QQQ");
  for (int i = 0; i < 50; ++i) frame += "," + trade("R" + std::to_string(i));
  for (int i = 0; i < 50; ++i) frame += "," + trade("RANDOM_LONG_" + std::to_string(i));
  frame += "," + trade("SPY") + "," + trade("A_LONG_TICKER_1") + "," + trade("QQQ") + "]";
  for (int round = 0; round < 3; ++round) {
    rec = LimitRecorder();
    REQUIRE(parser.parse(frame, 77, rec));
    CHECK(rec.trades == std::vector<std::string>{"SPY", "A_LONG_TICKER_1", "QQQ", "SPY",
                                                 "A_LONG_TICKER_1", "QQQ"});
    CHECK(rec.bad.empty());
    REQUIRE(rec.refused.size() == 100);
    CHECK(rec.refused[0] == "frame " + std::to_string(round + 1) +
                                ": element 3: field 'sym': 'R0' is a new symbol and the limit of "
                                "3 symbols is reached");
  }
  CHECK(parser.stats().symbols_refused == 300);
  CHECK(parser.stats().bad_messages == 300);
  CHECK(parser.stats().trades == 18);
  CHECK(symbols.size() == 3);
  CHECK(symbols.refused() == 300);
}

TEST_CASE("Polygon frames: times too far after the frame's arrival are refused when asked",
          "[polygon][parser][time]") {
  Fixture f;
  const Timestamp received = 1'700'000'000'000 * 1'000'000LL;
  const std::string frame =
      R"([{"ev":"T","sym":"A","p":1,"s":1,"t":1700000004000},)"
      R"({"ev":"T","sym":"FAR","p":1,"s":1,"t":9183110400000},)"
      R"({"ev":"T","sym":"B","p":1,"s":1,"t":1700000006000},)"
      R"({"ev":"AM","sym":"C","o":1,"h":1,"l":1,"c":1,"v":1,"s":1700000060000},)"
      R"({"ev":"T","sym":"D","p":1,"s":1,"t":1600000000000}])";
  // Off by default: every time up to kMaxEventTime (2261-01-01) passes.
  REQUIRE(f.parser.parse(frame, received, f.rec));
  CHECK(f.rec.trades.size() == 4);
  f.rec = Recorder();
  f.parser.set_max_future(5 * kNanosPerSecond);
  REQUIRE(f.parser.parse(frame, received, f.rec));
  REQUIRE(f.rec.trades.size() == 2);
  CHECK(f.rec.trades[0].symbol.name() == "A");
  CHECK(f.rec.trades[1].symbol.name() == "D");
  CHECK(f.rec.minute.empty());
  REQUIRE(f.rec.bad.size() == 3);
  CHECK(f.rec.bad[0] == "frame 2: element 1: field 't': 2261-01-01T00:00:00Z is " +
                            std::to_string((9183110400000 - 1700000000000) / 1) +
                            " ms ahead of the clock (at most 5000 ms)");
  CHECK_THAT(f.rec.bad[1], Catch::EndsWith("element 2: field 't': 2023-11-14T22:13:26Z is 6000 ms "
                                           "ahead of the clock (at most 5000 ms)"));
  CHECK_THAT(f.rec.bad[2], Catch::Contains("element 3: field 's': "));
  CHECK(f.parser.stats().future_times == 3);
}

TEST_CASE("Polygon frames: huge, negative and odd numbers in every field",
          "[polygon][parser][numbers]") {
  Fixture f;
  for (const std::string& n : tickstock::test::hostile_json_numbers()) {
    INFO(n);
    for (const std::string key : {"p", "s", "t", "x", "z", "q", "e"}) {
      std::string trade = R"({"ev":"T","sym":"N","p":1,"s":1,"t":1700000000000,"x":4,"z":1)";
      trade += ",\"" + std::string(key) + "\":" + n + "}";
      f.rec = Recorder();
      // A frame is refused whole only for a number JSON cannot hold (1e400).
      CHECK(f.parse("[" + trade + "]") == (n != "1e400"));
      CHECK(f.rec.trades.size() + f.rec.bad.size() == 1);
      for (const Tick& t : f.rec.trades) CHECK(t.ts_event >= 0);
    }
    for (const std::string key : {"o", "h", "l", "c", "v", "vw", "s", "e", "z"}) {
      std::string am =
          R"({"ev":"AM","sym":"N","o":1,"h":1,"l":1,"c":1,"v":1,"vw":1,"s":1700000000000)";
      am += ",\"" + std::string(key) + "\":" + n + "}";
      f.rec = Recorder();
      CHECK(f.parse("[" + am + "]") == (n != "1e400"));
      CHECK(f.rec.minute.size() + f.rec.bad.size() == 1);
      for (const Bar& b : f.rec.minute) CHECK(b.start >= 0);
    }
    f.rec = Recorder();
    CHECK(f.parse(R"([{"ev":"T","sym":"N","p":1,"s":1,"t":1700000000000,"c":[)" + n + "]}]") ==
          (n != "1e400"));
    CHECK(f.rec.trades.size() + f.rec.bad.size() == 1);
  }
}

TEST_CASE("Polygon frames: numbers of many digits are read exactly, beyond a double refused",
          "[polygon][parser][numbers]") {
  Fixture f;
  // Out of a double's range, however it is written: the validating parser refuses the frame.
  const std::string huge = "0.000" + std::string(160, '3') + "e343";
  CHECK_FALSE(f.parse(R"([{"ev":"T","sym":"A","p":)" + huge + R"(,"s":1,"t":1700000000000}])"));
  CHECK(f.parser.stats().bad_frames == 1);
  // In range: the value, not an approximation of it.
  const std::string one = "1." + std::string(40, '0') + "1";
  const std::string small = "0." + std::string(30, '0') + "25e31";
  REQUIRE(f.parse(R"([{"ev":"T","sym":"A","p":)" + one + R"(,"s":)" + small +
                  R"(,"t":1700000000000}])"));
  REQUIRE(f.rec.trades.size() == 1);
  CHECK(f.rec.trades[0].price == 1.0);
  CHECK(f.rec.trades[0].size == 2.5);
}
