// Daily bars of a random walk stored in PostgreSQL (and as CSV) for the backtest job tests,
// and a wait for a condition.
#ifndef TICKSTOCK_TESTS_APP_STORED_DAYS_H_
#define TICKSTOCK_TESTS_APP_STORED_DAYS_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "support/pg_test_db.h"

namespace tickstock::test {

// 600 daily bars of a random walk for `symbol` from 2019-01-02: the SQL that stores them and
// their CSV (ts,open,high,low,close,volume).
struct RandomDays {
  std::string sql, csv;
};
inline RandomDays random_days(const std::string& symbol, std::uint64_t seed) {
  RandomDays d;
  d.sql = "INSERT INTO symbols (symbol) VALUES ('" + symbol +
          "') ON CONFLICT DO NOTHING;"
          "INSERT INTO ohlcv_daily (symbol, trading_date, ts, open, high, low, close, "
          "volume) VALUES ";
  d.csv = "ts,open,high,low,close,volume\n";
  double close = 100;
  for (int i = 0; i < 600; ++i) {
    auto uniform = [&] {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(seed >> 11) * 0x1.0p-53;
    };
    const std::time_t t = static_cast<std::time_t>(17898 + i) * 86400;  // 2019-01-02 on
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&t));
    const double open = close * (1 + (uniform() - 0.5) * 0.02);
    close = open * (1 + (uniform() - 0.5) * 0.04);
    const double high = std::max(open, close) * (1 + uniform() * 0.015);
    const double low = std::min(open, close) * (1 - uniform() * 0.015);
    char row[256];
    std::snprintf(row, sizeof row,
                  "%s('%s','%s',('%s'::date)::timestamp AT TIME ZONE 'America/New_York',"
                  "%.17g,%.17g,%.17g,%.17g,1000)",
                  i == 0 ? "" : ",", symbol.c_str(), date, date, open, high, low, close);
    d.sql += row;
    std::snprintf(row, sizeof row, "%s,%.17g,%.17g,%.17g,%.17g,1000\n", date, open, high, low,
                  close);
    d.csv += row;
  }
  return d;
}

// Writes random_days(symbol, seed)'s CSV to `csv_path`.
inline void write_days(const std::string& symbol, std::uint64_t seed, const std::string& csv_path) {
  FILE* f = std::fopen(csv_path.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fputs(random_days(symbol, seed).csv.c_str(), f);
  std::fclose(f);
}

// Stores random_days(symbol, seed) in `db` and writes their CSV to `csv_path`.
inline void store_days(const TestDatabase& db, const std::string& symbol, std::uint64_t seed,
                       const std::string& csv_path) {
  db.query(random_days(symbol, seed).sql);
  write_days(symbol, seed, csv_path);
}

inline bool wait_for(const std::function<bool()>& done, int seconds = 60) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_STORED_DAYS_H_
