// AmCrossCheck: Polygon's AM bars against ours, whichever comes first, revisions included.
#include "polygon/am_cross_check.h"

#include <catch2/catch.hpp>

using namespace tickstock;
using namespace tickstock::app;

namespace {

Bar minute(Symbol s, Timestamp start, double close, double volume, std::uint32_t revision = 0) {
  Bar b;
  b.symbol = s;
  b.timeframe = Timeframe::M1;
  b.start = start;
  b.open = 10;
  b.high = 11;
  b.low = 9;
  b.close = close;
  b.volume = volume;
  b.revision = revision;
  return b;
}

}  // namespace

TEST_CASE("AM cross-check: minutes both sides have are compared, disagreements counted",
          "[polygon][am]") {
  SymbolTable symbols;
  const Symbol spy = symbols.intern("SPY");
  const Symbol qqq = symbols.intern("QQQ");
  Log log;
  AmCrossCheck check(log);
  const Timestamp t = 1'704'205'800LL * kNanosPerSecond;
  check.vendor().on_bar(minute(spy, t, 10.5, 100));  // AM first
  CHECK(check.compared() == 0);
  check.ours().on_bar(minute(spy, t, 10.5, 100));  // agrees
  CHECK(check.compared() == 1);
  CHECK(check.disagreed() == 0);
  check.ours().on_bar(minute(spy, t + kNanosPerMinute, 10.6, 50));    // ours first
  check.vendor().on_bar(minute(spy, t + kNanosPerMinute, 10.6, 80));  // volume differs
  CHECK(check.compared() == 2);
  CHECK(check.disagreed() == 1);
  // A late trade revises ours; now they agree (compared again, not counted as disagreeing).
  check.ours().on_bar(minute(spy, t + kNanosPerMinute, 10.6, 80, 1));
  CHECK(check.compared() == 3);
  CHECK(check.disagreed() == 1);
  // Other symbols, other minutes and higher timeframes are not mixed in.
  check.vendor().on_bar(minute(qqq, t, 10.5, 100));
  Bar five = minute(spy, t, 10.5, 100);
  five.timeframe = Timeframe::M5;
  check.ours().on_bar(five);
  CHECK(check.compared() == 3);
}
