// Our minute bars from the real trade ticks against the vendor's minute bars for the same days.
#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/test_support.h"

using namespace tickstock::test;

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
