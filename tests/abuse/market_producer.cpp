// Deterministic producers: std::mt19937_64 from a seed, prices rounded to cents.
#include "abuse/market_producer.h"

#include <cmath>
#include <cstdio>
#include <random>

#include "tickstock/calendar.h"

namespace tickstock::test {

std::vector<GoodTrade> good_trades(const std::vector<std::string>& symbols, Timestamp start,
                                   int minutes, int per_minute, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0, 0.002);
  std::uniform_int_distribution<int> lots(1, 20);
  std::vector<double> price(symbols.size());
  for (std::size_t s = 0; s < symbols.size(); ++s) price[s] = 50.0 + 25.0 * static_cast<double>(s);
  std::vector<GoodTrade> out;
  const Timestamp spacing = kNanosPerMinute / per_minute;
  for (int m = 0; m < minutes; ++m) {
    for (int k = 0; k < per_minute; ++k) {
      for (std::size_t s = 0; s < symbols.size(); ++s) {
        price[s] *= std::exp(step(rng));
        GoodTrade t;
        t.symbol = symbols[s];
        t.ts = start + m * kNanosPerMinute + k * spacing + static_cast<Timestamp>(s) * 1000;
        t.price = std::round(price[s] * 100) / 100;
        t.size = 100.0 * lots(rng);
        out.push_back(t);
      }
    }
  }
  return out;
}

std::map<std::string, MinuteBar> minute_bars(const std::vector<GoodTrade>& trades) {
  std::map<std::string, MinuteBar> bars;
  for (const GoodTrade& t : trades) {
    const Timestamp minute = t.ts - t.ts % kNanosPerMinute;
    const std::string key = t.symbol + " " + std::to_string(minute / kNanosPerSecond);
    auto [it, fresh] = bars.try_emplace(key);
    MinuteBar& b = it->second;
    if (fresh) b.open = b.high = b.low = t.price;
    b.high = std::max(b.high, t.price);
    b.low = std::min(b.low, t.price);
    b.close = t.price;
    b.volume += t.size;
  }
  return bars;
}

std::string trade_json(const GoodTrade& t) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"ticker\":\"%s\",\"price\":%.2f,\"volume\":%.0f,\"timestamp\":%lld}",
                t.symbol.c_str(), t.price, t.size, static_cast<long long>(t.ts));
  return buf;
}

std::vector<std::string> hostile_messages(Timestamp near) {
  const std::string ts = std::to_string(near);
  auto trade = [&](const std::string& ticker_json, const std::string& extra = "") {
    return "{\"ticker\":" + ticker_json + ",\"price\":10,\"volume\":1,\"timestamp\":" + ts + extra +
           "}";
  };
  return {
      trade("\"GO\\u0000OD\""),                         // NUL inside a ticker
      trade("\"\\u0000\""),                             // a ticker that is only NUL
      trade("\"AB\\tC\""),                              // a tab
      trade("\"AB\\nC\""),                              // a newline
      trade("\"\\u001b[31mRED\""),                      // an escape sequence for terminals
      trade("\"DROP TABLE\""),                          // a space
      trade("\"ÄPFEL\""),                               // not ASCII
      trade("\"" + std::string(40, 'L') + "\""),        // too long
      trade("\"\""),                                    // empty
      trade("\"NULX\"", ",\"exchange\":\"X\\u0000\""),  // NUL in a field that is ignored
      // Far-future times: the engine clock must not jump.
      "{\"ticker\":\"GOODA\",\"price\":10,\"volume\":1,\"timestamp\":\"2261-01-01T00:00:00Z\"}",
      "{\"ticker\":\"FUTR\",\"price\":10,\"volume\":1,\"timestamp\":\"2261-01-01T00:00:00Z\"}",
      "{\"ticker\":\"GOODB\",\"price\":10,\"volume\":1,\"timestamp\":" +
          std::to_string(near + 3600 * kNanosPerSecond + 365 * kNanosPerDay * 100) + "}",
      // Huge and strange numbers.
      "{\"ticker\":\"HUGE\",\"price\":1e308,\"volume\":1e308,\"timestamp\":" + ts + "}",
      "{\"ticker\":\"GOODC\",\"price\":-1,\"volume\":1,\"timestamp\":" + ts + "}",
      "{\"ticker\":\"GOODC\",\"price\":10,\"volume\":1,\"timestamp\":1e300}",
      "{\"ticker\":\"GOODC\",\"price\":10,\"volume\":1,\"timestamp\":-9223372036854775808}",
      "{\"ticker\":\"GOODC\",\"price\":10,\"volume\":1,\"timestamp\":99999999999999999999999}",
      "{\"ticker\":\"GOODC\",\"price\":\"NaN\",\"volume\":1,\"timestamp\":" + ts + "}",
      "{\"ticker\":\"GOODC\",\"price\":10,\"volume\":\"inf\",\"timestamp\":" + ts + "}",
      // Not a message at all.
      "{\"ticker\":\"GOODD\",\"price\":10,",
      std::string("\0\0\0", 3),
      "[1,2,3]",
      std::string(70 * 1024, '{'),
  };
}

std::vector<std::string> random_ticker_messages(int count, Timestamp near) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    char ticker[16];
    std::snprintf(ticker, sizeof ticker, "RND%05d", i);
    out.push_back(std::string("{\"ticker\":\"") + ticker +
                  "\",\"price\":10,\"volume\":1,\"timestamp\":" + std::to_string(near) + "}");
  }
  return out;
}

}  // namespace tickstock::test
