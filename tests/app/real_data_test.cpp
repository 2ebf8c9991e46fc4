// The app on real data (TICKSTOCK_DATA_DIR, TICKSTOCK_REFERENCE_DIR): our minute bars from the
// real trade ticks against the vendor's for the same days, and `scan` against TA-Lib on real
// minute and daily bars. Their own executable, so that the Release pass builds them alone.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/scan_compare.h"
#include "support/test_support.h"

using namespace tickstock::test;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test's files.
std::string scan_temp_dir() {
  char tmpl[] = "/tmp/tickstock-scan-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

}  // namespace

TEST_CASE("real ticks: our minute bars against the vendor's", "[app][realdata]") {
  auto dir = real_data_dir();
  if (!dir) {
    WARN("skipped: TICKSTOCK_DATA_DIR not set");
    return;
  }
  // Vendor bars keyed by (ts, symbol).
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> vendor;
  for (const char* sym : {"SPY", "BAC", "AIG", "IBM"}) {
    auto rows = parse_csv(read_file(*dir + "/minute/lean_minute_" + std::string(sym) + ".csv.gz"));
    for (std::size_t i = 1; i < rows.size(); ++i) vendor[{rows[i][0], rows[i][1]}] = rows[i];
  }
  std::size_t ours = 0, common = 0, vol_eq = 0, oc_eq = 0, ohlcv_eq = 0, vendor_days = 0;
  std::size_t vendor_in_days = 0;
  for (const auto& entry : std::filesystem::directory_iterator(*dir + "/ticks")) {
    const auto r = run_app("aggregate --ticks " + entry.path().string());
    REQUIRE(r.exit_code == 0);
    auto rows = parse_csv(r.out);
    std::string day = rows.size() > 1 ? rows[1][0].substr(0, 10) : "";
    const std::string sym = rows.size() > 1 ? rows[1][1] : "";
    ++vendor_days;
    for (const auto& [k, v] : vendor)
      if (k.second == sym && k.first.substr(0, 10) == day) ++vendor_in_days;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      ++ours;
      auto it = vendor.find({rows[i][0], rows[i][1]});
      if (it == vendor.end()) continue;
      ++common;
      const auto& v = it->second;
      const bool vol = std::stod(rows[i][6]) == std::stod(v[6]);
      const bool oc =
          std::stod(rows[i][2]) == std::stod(v[2]) && std::stod(rows[i][5]) == std::stod(v[5]);
      const bool hl =
          std::stod(rows[i][3]) == std::stod(v[3]) && std::stod(rows[i][4]) == std::stod(v[4]);
      vol_eq += vol;
      oc_eq += oc;
      ohlcv_eq += vol && oc && hl;
    }
  }
  const auto pct = [](std::size_t a, std::size_t b) {
    return b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 0.0;
  };
  WARN("real data: " << vendor_days << " symbol-days, our bars " << ours << ", vendor bars "
                     << vendor_in_days << ", common " << common << " ("
                     << pct(common, vendor_in_days) << "% of vendor's), volume equal "
                     << pct(vol_eq, common) << "%, open+close equal " << pct(oc_eq, common)
                     << "%, full OHLCV equal " << pct(ohlcv_eq, common) << "%");
  REQUIRE(vendor_days == 20);
  CHECK(pct(common, vendor_in_days) > 99.9);
  CHECK(pct(vol_eq, common) > 99.0);
  CHECK(pct(oc_eq, common) > 80.0);
}

TEST_CASE("scan equals TA-Lib on real minute and daily bars", "[app][scan][realdata]") {
  const auto data = tickstock::test::real_data_dir();
  const auto ref = tickstock::test::reference_dir();
  if (!data || !ref) {
    WARN("skipped: set TICKSTOCK_DATA_DIR and TICKSTOCK_REFERENCE_DIR to run on real data");
    return;
  }
  const std::string dir = scan_temp_dir();
  std::size_t series = 0, cells = 0;
  auto check_file = [&](const std::string& bars, const fs::path& ref_dir) {
    const std::string out = dir + "/out.csv";
    const auto r = run_app("scan --bars " + bars + " --out " + out);
    REQUIRE(r.exit_code == 0);
    const Table got = parse_csv(read_file(out));
    for (const auto& e : fs::directory_iterator(ref_dir)) {
      const std::string f = e.path().filename().string();
      const std::string sym = f.substr(0, f.find('.'));
      const Table mine = rows_of(got, sym);
      if (mine.size() == 1) continue;  // not in this bar file
      cells += compare(mine, parse_csv(read_file(e.path().string())), bars + " " + sym);
      ++series;
    }
  };
  for (const auto& e : fs::directory_iterator(fs::path(*data) / "minute"))
    check_file(e.path().string(), fs::path(*ref) / "talib" / "minute");
  check_file((fs::path(*data) / "daily" / "lean_daily_us_equity.csv.gz").string(),
             fs::path(*ref) / "talib" / "daily");
  CHECK(series == 24);
  SUCCEED("compared " << series << " series, " << cells << " cells");
  fs::remove_all(dir);
}
