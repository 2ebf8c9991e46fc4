// What a producer on tickstock.data.raw sends in the abuse suite: the good trades of a few
// symbols (a deterministic random walk, with the minute bars they must make) and the hostile
// messages of a broken or malicious producer, mixed in.
#ifndef TICKSTOCK_TESTS_ABUSE_MARKET_PRODUCER_H_
#define TICKSTOCK_TESTS_ABUSE_MARKET_PRODUCER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tickstock/types.h"

namespace tickstock::test {

struct GoodTrade {
  std::string symbol;
  Timestamp ts = 0;
  double price = 0;
  double size = 0;
};

// Trades of `symbols` for `minutes` minutes from `start`, `per_minute` per symbol and minute,
// in time order.
std::vector<GoodTrade> good_trades(const std::vector<std::string>& symbols, Timestamp start,
                                   int minutes, int per_minute, std::uint64_t seed);

struct MinuteBar {
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

// The one-minute bars the trades make, by "SYMBOL epoch_seconds".
std::map<std::string, MinuteBar> minute_bars(const std::vector<GoodTrade>& trades);

// The JSON message of a trade as producers publish it.
std::string trade_json(const GoodTrade& t);

// Messages the engine must refuse without harm to the good symbols: NUL and control
// characters in tickers, tickers too long or of bad characters, far-future times (the year
// 2261, an hour ahead), huge numbers, broken JSON. Each carries a timestamp near `near`.
std::vector<std::string> hostile_messages(Timestamp near);

// Trades of `count` new tickers (RND00000, RND00001, ...) at `near`: past --max-symbols they
// are refused.
std::vector<std::string> random_ticker_messages(int count, Timestamp near);

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_ABUSE_MARKET_PRODUCER_H_
