// TA-Lib parity of the streaming indicators: committed goldens (default, alternative and
// minimal periods) and, when TICKSTOCK_DATA_DIR / TICKSTOCK_REFERENCE_DIR are set, every real
// minute and daily series. Every value must be bit-identical to TA-Lib's.
#include <filesystem>
#include <sstream>

#include <catch2/catch.hpp>

#include "lib/indicators/indicator_harness.h"

using namespace tickstock;
using namespace tickstock::test;

namespace {

IndicatorParams alt_params() {
  IndicatorParams p;
  p.sma = 5;
  p.ema = 10;
  p.rsi = 7;
  p.macd_fast = 5;
  p.macd_slow = 13;
  p.macd_signal = 4;
  p.bb = 10;
  p.bb_up = 1.5;
  p.bb_dn = 2.5;
  p.atr = 5;
  p.stoch_k = 7;
  p.stoch_slow_k = 4;
  p.stoch_slow_d = 2;
  p.adx = 7;
  p.willr = 9;
  p.cci = 9;
  p.mfi = 7;
  return p;
}

IndicatorParams edge_params() {
  IndicatorParams p;
  p.sma = p.ema = p.rsi = 2;
  p.macd_fast = 13;  // > slow: TA-Lib swaps them
  p.macd_slow = 5;
  p.macd_signal = 2;  // 1 is broken in TA-Lib 0.6 (see Macd)
  p.bb = 2;
  p.bb_up = p.bb_dn = 1;
  p.atr = 1;
  p.stoch_k = p.stoch_slow_k = p.stoch_slow_d = 1;
  p.adx = p.willr = p.cci = p.mfi = 2;
  return p;
}

// Checks that every column is exact and that ready() matches; returns values compared.
std::size_t expect_exact(const std::string& what, const std::vector<ColumnParity>& cols) {
  std::size_t n = 0;
  for (const auto& c : cols) {
    INFO(what << " " << c.column << ": compared " << c.compared << ", inexact " << c.inexact
              << " (max rel " << c.max_rel << "), ready mismatches " << c.ready_wrong << " "
              << c.first_problem);
    CHECK(c.compared > 0);
    CHECK(c.ready_wrong == 0);
    CHECK(c.inexact == 0);
    n += c.compared;
  }
  return n;
}

void check_fixture(const std::string& name) {
  const std::string dir = data_dir() + "/talib/";
  const auto bars = bars_from_rows(parse_csv(read_file(dir + name + ".csv")));
  const struct {
    const char* suffix;
    IndicatorParams params;
  } sets[] = {{".talib.csv", IndicatorParams{}},
              {".alt.talib.csv", alt_params()},
              {".edge.talib.csv", edge_params()}};
  for (const auto& s : sets) {
    const GoldenColumns g = load_golden(dir + name + s.suffix);
    for (bool revisions : {false, true}) {
      const std::string what = name + s.suffix + (revisions ? " (revised)" : "");
      expect_exact(what, parity_all(bars, g, s.params, revisions));
    }
  }
  const GoldenColumns di = load_golden(dir + name + ".di.talib.csv");
  for (int period : {14, 7, 2}) {
    for (bool revisions : {false, true})
      expect_exact(name + " DI " + std::to_string(period), parity_di(bars, di, period, revisions));
  }
}

// Real-data comparison of one series; returns values compared.
std::size_t check_real(const std::string& what, const std::vector<Bar>& bars,
                       const GoldenColumns& g) {
  REQUIRE(g.begin()->second.size() == bars.size());
  std::size_t n = 0;
  for (bool revisions : {false, true})
    n += expect_exact(what + (revisions ? " (revised)" : ""),
                      parity_all(bars, g, IndicatorParams{}, revisions));
  return n;
}

}  // namespace

TEST_CASE("indicators equal TA-Lib on synthetic-300", "[indicators][talib]") {
  check_fixture("synthetic-300");
}

TEST_CASE("indicators equal TA-Lib on the coverage series", "[indicators][talib]") {
  check_fixture("coverage");
}

TEST_CASE("indicators equal TA-Lib on real minute bars", "[indicators][talib][real]") {
  const auto data = real_data_dir();
  const auto ref = reference_dir();
  if (!data || !ref) {
    WARN("SKIPPED: set TICKSTOCK_DATA_DIR and TICKSTOCK_REFERENCE_DIR for real-data parity");
    return;
  }
  namespace fs = std::filesystem;
  std::size_t files = 0, values = 0;
  std::ostringstream report;
  for (const auto& e : fs::directory_iterator(*ref + "/talib/minute")) {
    const std::string fname = e.path().filename().string();
    const std::string sym = fname.substr(0, fname.find(".talib.csv"));
    // Bars: minute/<anything>_<SYM>.csv.gz or minute/<anything>_<SYM>_<anything>.csv.gz.
    std::string bars_path;
    for (const auto& b : fs::directory_iterator(*data + "/minute")) {
      const std::string bn = b.path().filename().string();
      if (bn.find("_" + sym + ".") != std::string::npos ||
          bn.find("_" + sym + "_") != std::string::npos)
        bars_path = b.path().string();
    }
    INFO("symbol " << sym);
    REQUIRE(!bars_path.empty());
    const auto bars = bars_from_rows(parse_csv(read_file(bars_path)));
    const std::size_t n = check_real("minute " + sym, bars, load_golden(e.path().string()));
    report << " " << sym << "=" << bars.size() << " bars/" << n << " values";
    ++files;
    values += n;
  }
  CHECK(files > 0);
  WARN("real minute parity: " << files << " series, " << values
                              << " values compared (plain + revised runs):" << report.str());
}

TEST_CASE("indicators equal TA-Lib on real daily bars", "[indicators][talib][real]") {
  const auto data = real_data_dir();
  const auto ref = reference_dir();
  if (!data || !ref) {
    WARN("SKIPPED: set TICKSTOCK_DATA_DIR and TICKSTOCK_REFERENCE_DIR for real-data parity");
    return;
  }
  namespace fs = std::filesystem;
  const auto rows = parse_csv(read_file(*data + "/daily/lean_daily_us_equity.csv.gz"));
  std::size_t files = 0, values = 0;
  std::ostringstream report;
  for (const auto& e : fs::directory_iterator(*ref + "/talib/daily")) {
    const std::string fname = e.path().filename().string();
    const std::string sym = fname.substr(0, fname.find(".talib.csv"));
    INFO("symbol " << sym);
    const auto bars = bars_from_rows(rows, sym);
    REQUIRE(!bars.empty());
    const std::size_t n = check_real("daily " + sym, bars, load_golden(e.path().string()));
    report << " " << sym << "=" << bars.size() << " bars/" << n << " values";
    ++files;
    values += n;
  }
  CHECK(files > 0);
  WARN("real daily parity: " << files << " series, " << values
                             << " values compared (plain + revised runs):" << report.str());
}
