// Bars for tests of the sinks.
#ifndef TICKSTOCK_TESTS_SUPPORT_TEST_BARS_H_
#define TICKSTOCK_TESTS_SUPPORT_TEST_BARS_H_

#include "tickstock/calendar.h"
#include "tickstock/types.h"

namespace tickstock::test {

// The 1-minute bar `i` minutes after 2024-03-01 14:30 UTC, closing at `close`.
inline Bar minute_bar(Symbol s, int i, double close, std::uint32_t revision = 0) {
  Bar b;
  b.symbol = s;
  b.timeframe = Timeframe::M1;
  b.start = *parse_timestamp("2024-03-01T14:30:00Z") + i * kNanosPerMinute;
  b.open = b.low = close - 1;
  b.high = close + 1;
  b.close = close;
  b.volume = 100 + i;
  b.vwap = close;
  b.trade_count = static_cast<std::uint32_t>(i);
  b.revision = revision;
  return b;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_TEST_BARS_H_
