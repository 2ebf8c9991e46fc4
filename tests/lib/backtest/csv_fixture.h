// Bar files for the CSV source's tests: a temporary directory, CSV rows that read back as the
// same doubles, random minute and daily candles, and the live aggregator's roll-up of minutes.
#ifndef TICKSTOCK_TESTS_LIB_BACKTEST_CSV_FIXTURE_H_
#define TICKSTOCK_TESTS_LIB_BACKTEST_CSV_FIXTURE_H_

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <zlib.h>

#include "tickstock/bar_aggregator.h"
#include "tickstock/calendar.h"
#include "tickstock/clock.h"
#include "tickstock/sink.h"

namespace tickstock::csv_fixture {

namespace fs = std::filesystem;

// A fresh directory under the system's temporary one, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    const auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::temp_directory_path() /
            ("tickstock_csv_source_" + std::to_string(tick) + "_" + std::to_string(++n));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline void write_gzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

// The shortest text that reads back as the same double.
inline std::string num(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// One CSV row: ts[,symbol],open,high,low,close,volume.
inline std::string row(const std::string& ts, const std::string& symbol, const Bar& b) {
  return ts + (symbol.empty() ? "" : "," + symbol) + "," + num(b.open) + "," + num(b.high) + "," +
         num(b.low) + "," + num(b.close) + "," + num(b.volume) + "\n";
}

// A candle after `close`, moved by `rng` (a xorshift state).
inline Bar candle(std::uint64_t& rng, double& close, Timeframe tf, Timestamp start) {
  auto uniform = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<double>(rng >> 11) * 0x1.0p-53;
  };
  Bar b;
  b.timeframe = tf;
  b.start = start;
  b.session = tf == Timeframe::D1 ? Session::Regular : new_york_session(start);
  b.open = close * (1 + (uniform() - 0.5) * 0.01);
  b.close = b.open * (1 + (uniform() - 0.5) * 0.02);
  b.high = std::max(b.open, b.close) * (1 + uniform() * 0.01);
  b.low = std::min(b.open, b.close) * (1 - uniform() * 0.01);
  b.volume = std::floor(100 + uniform() * 900);
  b.vwap = b.close;
  close = b.close;
  return b;
}

// 1-minute bars of 08:00-17:59 New York on each date (pre-market, session and post-market),
// about one minute in ten missing.
inline std::vector<Bar> minute_bars(std::uint64_t seed, const std::vector<Date>& dates) {
  std::vector<Bar> out;
  double close = 50;
  for (const Date& d : dates) {
    for (int m = 8 * 60; m < 18 * 60; ++m) {
      const Bar b = candle(seed, close, Timeframe::M1, new_york_midnight(d) + m * kNanosPerMinute);
      if (seed % 10 != 0) out.push_back(b);
    }
  }
  return out;
}

// `n` weekdays from `first` on.
inline std::vector<Date> weekdays(Date first, int n) {
  std::vector<Date> out;
  for (std::int64_t day = days_from_civil(first); static_cast<int>(out.size()) < n; ++day) {
    if ((day + 3) % 7 < 5) out.push_back(civil_from_days(day));  // 1970-01-01 was a Thursday
  }
  return out;
}

// Daily candles on `dates`, starting at New York midnight as the source keys them.
inline std::vector<Bar> daily_bars(std::uint64_t seed, const std::vector<Date>& dates) {
  std::vector<Bar> out;
  double close = 100;
  for (const Date& d : dates)
    out.push_back(candle(seed, close, Timeframe::D1, new_york_midnight(d)));
  return out;
}

inline std::string minute_csv(const std::vector<Bar>& bars) {
  std::string text = "ts,open,high,low,close,volume\n";
  for (const Bar& b : bars) text += row(format_iso8601(b.start), "", b);
  return text;
}

inline std::string daily_csv(const std::vector<Bar>& bars, const std::string& symbol) {
  std::string text =
      symbol.empty() ? "ts,open,high,low,close,volume\n" : "ts,symbol,open,high,low,close,volume\n";
  for (const Bar& b : bars) text += row(format_date(new_york_date(b.start)), symbol, b);
  return text;
}

// What a BarAggregator fed the minutes directly gives for `tf`, final versions, oldest first.
inline std::vector<Bar> aggregate(const std::vector<Bar>& minutes, Timeframe tf) {
  struct Collect : BarSink {
    Timeframe tf = Timeframe::M5;
    std::map<Timestamp, Bar> bars;
    void on_bar(const Bar& b) override {
      if (b.timeframe == tf) bars[b.start] = b;
    }
  } sink;
  sink.tf = tf;
  SymbolTable symbols;
  ManualClock clock;
  BarAggregator aggregator(AggregatorOptions{}, clock, sink);
  for (Bar m : minutes) {
    m.symbol = symbols.intern("AAA");
    clock.set(m.start + kNanosPerMinute);
    aggregator.on_minute_bar(m);
  }
  aggregator.flush();
  std::vector<Bar> out;
  for (const auto& [start, b] : sink.bars) out.push_back(b);
  return out;
}

}  // namespace tickstock::csv_fixture

#endif  // TICKSTOCK_TESTS_LIB_BACKTEST_CSV_FIXTURE_H_
