// Parity of the group B candlestick detectors (CDLHOMINGPIGEON .. CDLXSIDEGAP3METHODS) with
// TA-Lib 0.6: the committed fixtures, the real minute and daily goldens (when the environment
// points at them) and non-default penetrations.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "lib/patterns/cdl_harness.h"
#include "patterns/cdl/homing_pigeon.h"
#include "patterns/cdl/identical_three_crows.h"
#include "patterns/cdl/in_neck.h"
#include "patterns/cdl/inverted_hammer.h"
#include "patterns/cdl/kicking.h"
#include "patterns/cdl/kicking_by_length.h"
#include "patterns/cdl/ladder_bottom.h"
#include "patterns/cdl/long_legged_doji.h"
#include "patterns/cdl/long_line.h"
#include "patterns/cdl/marubozu.h"
#include "patterns/cdl/mat_hold.h"
#include "patterns/cdl/matching_low.h"
#include "patterns/cdl/morning_doji_star.h"
#include "patterns/cdl/morning_star.h"
#include "patterns/cdl/on_neck.h"
#include "patterns/cdl/piercing.h"
#include "patterns/cdl/rickshaw_man.h"
#include "patterns/cdl/rise_fall_three_methods.h"
#include "patterns/cdl/separating_lines.h"
#include "patterns/cdl/shooting_star.h"
#include "patterns/cdl/short_line.h"
#include "patterns/cdl/spinning_top.h"
#include "patterns/cdl/stalled_pattern.h"
#include "patterns/cdl/stick_sandwich.h"
#include "patterns/cdl/takuri.h"
#include "patterns/cdl/tasuki_gap.h"
#include "patterns/cdl/thrusting.h"
#include "patterns/cdl/tristar.h"
#include "patterns/cdl/unique_three_river.h"
#include "patterns/cdl/upside_gap_two_crows.h"
#include "patterns/cdl/x_side_gap_three_methods.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using tickstock::detail::Candle;
using tickstock::detail::PatternParams;
using tickstock::test::CdlGolden;
using tickstock::test::CdlParity;
using tickstock::test::run_cdl_parity;

// The group's detectors as X(Class, "TA-Lib name"), entries 31-61 of tickstock/pattern_list.h.
#define TICKSTOCK_CDL_GROUP_B(X)                    \
  X(CdlHomingPigeon, "CDLHOMINGPIGEON")             \
  X(CdlIdenticalThreeCrows, "CDLIDENTICAL3CROWS")   \
  X(CdlInNeck, "CDLINNECK")                         \
  X(CdlInvertedHammer, "CDLINVERTEDHAMMER")         \
  X(CdlKicking, "CDLKICKING")                       \
  X(CdlKickingByLength, "CDLKICKINGBYLENGTH")       \
  X(CdlLadderBottom, "CDLLADDERBOTTOM")             \
  X(CdlLongLeggedDoji, "CDLLONGLEGGEDDOJI")         \
  X(CdlLongLine, "CDLLONGLINE")                     \
  X(CdlMarubozu, "CDLMARUBOZU")                     \
  X(CdlMatchingLow, "CDLMATCHINGLOW")               \
  X(CdlMatHold, "CDLMATHOLD")                       \
  X(CdlMorningDojiStar, "CDLMORNINGDOJISTAR")       \
  X(CdlMorningStar, "CDLMORNINGSTAR")               \
  X(CdlOnNeck, "CDLONNECK")                         \
  X(CdlPiercing, "CDLPIERCING")                     \
  X(CdlRickshawMan, "CDLRICKSHAWMAN")               \
  X(CdlRiseFallThreeMethods, "CDLRISEFALL3METHODS") \
  X(CdlSeparatingLines, "CDLSEPARATINGLINES")       \
  X(CdlShootingStar, "CDLSHOOTINGSTAR")             \
  X(CdlShortLine, "CDLSHORTLINE")                   \
  X(CdlSpinningTop, "CDLSPINNINGTOP")               \
  X(CdlStalledPattern, "CDLSTALLEDPATTERN")         \
  X(CdlStickSandwich, "CDLSTICKSANDWICH")           \
  X(CdlTakuri, "CDLTAKURI")                         \
  X(CdlTasukiGap, "CDLTASUKIGAP")                   \
  X(CdlThrusting, "CDLTHRUSTING")                   \
  X(CdlTristar, "CDLTRISTAR")                       \
  X(CdlUniqueThreeRiver, "CDLUNIQUE3RIVER")         \
  X(CdlUpsideGapTwoCrows, "CDLUPSIDEGAP2CROWS")     \
  X(CdlXSideGapThreeMethods, "CDLXSIDEGAP3METHODS")

// The scanner keeps detectors by value in flat arrays: their state must be plain numbers.
#define TICKSTOCK_CDL_TRIVIAL(Class, Name)                                \
  static_assert(std::is_trivially_copyable_v<tickstock::detail::Class> && \
                    sizeof(tickstock::detail::Class) <= 64,               \
                Name " must be a few numbers of state");
TICKSTOCK_CDL_GROUP_B(TICKSTOCK_CDL_TRIVIAL)
#undef TICKSTOCK_CDL_TRIVIAL

// run_cdl_parity for one detector class, so the group can be walked as data.
using Runner = CdlParity (*)(const CdlGolden&, const std::string&, const PatternParams&);

struct GroupEntry {
  const char* name;
  Runner run;
};

#define TICKSTOCK_CDL_ENTRY(Class, Name) \
  GroupEntry{Name, &run_cdl_parity<tickstock::detail::Class>},
const GroupEntry kGroupB[] = {TICKSTOCK_CDL_GROUP_B(TICKSTOCK_CDL_ENTRY)};
#undef TICKSTOCK_CDL_ENTRY

// The parameters the oracle uses for `name`: TA-Lib's default penetration is 0.5 for MATHOLD and
// 0.3 for the morning stars (PatternParams' default).
PatternParams oracle_params(const std::string& name) {
  PatternParams p;
  if (name == "CDLMATHOLD") p.penetration = 0.5;
  return p;
}

// A committed fixture tests/data/talib/<stem>.csv with its oracle output, loaded once.
const CdlGolden& fixture(const std::string& stem, const std::string& talib_suffix = ".talib.csv") {
  static std::map<std::string, CdlGolden> cache;
  const std::string dir = tickstock::test::data_dir() + "/talib/";
  const std::string key = stem + talib_suffix;
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(key, tickstock::test::load_cdl_golden(dir + stem + ".csv", dir + key)).first;
  }
  return it->second;
}

// Bars of column `name` where TA-Lib reports a pattern.
std::size_t fires(const CdlGolden& g, const std::string& name) {
  const auto& col = g.columns.at(name);
  return static_cast<std::size_t>(std::count_if(
      col.begin(), col.end(), [](const std::string& v) { return !v.empty() && v != "0"; }));
}

void check_fixtures(Runner run, const std::string& name) {
  for (const char* stem : {"coverage", "synthetic-300"}) {
    const CdlGolden& g = fixture(stem);
    const CdlParity res = run(g, name, oracle_params(name));
    INFO(name << " on " << stem << ": " << res.compared << " bars compared, " << res.mismatches
              << " mismatches, first: " << res.first_mismatch);
    CHECK(res.compared > 0);
    REQUIRE(res.mismatches == 0);
  }
  // The coverage series is built so that every pattern fires; make sure the test saw it fire.
  CHECK(fires(fixture("coverage"), name) > 0);
}

// Adds the oracle columns of `talib_csv` to g (as load_cdl_golden does).
void load_talib_columns(CdlGolden& g, const std::string& talib_csv) {
  const auto out = tickstock::test::parse_csv(tickstock::test::read_file(talib_csv));
  for (std::size_t c = 0; c < out[0].size(); ++c) {
    auto& v = g.columns[out[0][c]];
    for (std::size_t r = 1; r < out.size(); ++r) v.push_back(c < out[r].size() ? out[r][c] : "");
  }
}

// The minute bars of `symbol`: lean_minute_<SYM>.csv.gz, else the one file named *_<SYM>_*.
std::string minute_bars_file(const fs::path& dir, const std::string& symbol) {
  const fs::path lean = dir / ("lean_minute_" + symbol + ".csv.gz");
  if (fs::exists(lean)) return lean.string();
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string f = e.path().filename().string();
    if (f.find("_" + symbol + "_") != std::string::npos) return e.path().string();
  }
  return {};
}

// Symbols that have a golden in `dir` (files <SYM>.talib.csv.gz), sorted.
std::vector<std::string> golden_symbols(const fs::path& dir) {
  const std::string suffix = ".talib.csv.gz";
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string f = e.path().filename().string();
    if (f.size() > suffix.size() && f.ends_with(suffix))
      out.push_back(f.substr(0, f.size() - suffix.size()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs the whole group over g; returns the bars compared by each detector.
std::size_t check_group(const CdlGolden& g, const std::string& what) {
  REQUIRE(g.columns.at("ts").size() == g.candles.size());
  std::size_t compared = 0;
  for (const GroupEntry& e : kGroupB) {
    const CdlParity res = e.run(g, e.name, oracle_params(e.name));
    INFO(e.name << " on " << what << ": " << res.compared << " bars compared, " << res.mismatches
                << " mismatches, first: " << res.first_mismatch);
    CHECK(res.compared > 0);
    CHECK(res.mismatches == 0);
    compared = res.compared;
  }
  return compared;
}

}  // namespace

#define TICKSTOCK_CDL_FIXTURE_TEST(Class, Name)                                     \
  TEST_CASE(Name " matches TA-Lib on the coverage and synthetic series", "[cdl]") { \
    check_fixtures(&run_cdl_parity<tickstock::detail::Class>, Name);                \
  }
TICKSTOCK_CDL_GROUP_B(TICKSTOCK_CDL_FIXTURE_TEST)
#undef TICKSTOCK_CDL_FIXTURE_TEST

TEST_CASE("group B patterns match TA-Lib on real minute and daily bars", "[cdl][real]") {
  const auto data = tickstock::test::real_data_dir();
  const auto ref = tickstock::test::reference_dir();
  if (!data || !ref) {
    WARN("TICKSTOCK_DATA_DIR or TICKSTOCK_REFERENCE_DIR not set: real-data parity skipped");
    return;
  }
  const fs::path minute_ref = fs::path(*ref) / "talib" / "minute";
  const fs::path daily_ref = fs::path(*ref) / "talib" / "daily";
  const std::vector<std::string> minute_symbols = golden_symbols(minute_ref);
  const std::vector<std::string> daily_symbols = golden_symbols(daily_ref);
  REQUIRE(!minute_symbols.empty());
  REQUIRE(!daily_symbols.empty());

  for (const std::string& sym : minute_symbols) {
    const std::string bars = minute_bars_file(fs::path(*data) / "minute", sym);
    INFO("minute " << sym);
    REQUIRE(!bars.empty());
    const CdlGolden g =
        tickstock::test::load_cdl_golden(bars, (minute_ref / (sym + ".talib.csv.gz")).string());
    check_group(g, "minute " + sym);
  }

  // The daily file holds all symbols; each golden covers one symbol's rows in file order.
  const auto rows = tickstock::test::parse_csv(tickstock::test::read_file(
      (fs::path(*data) / "daily" / "lean_daily_us_equity.csv.gz").string()));
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  std::map<std::string, std::vector<Candle>> by_symbol;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r];
    by_symbol[f[col.at("symbol")]].push_back({std::strtod(f[col.at("open")].c_str(), nullptr),
                                              std::strtod(f[col.at("high")].c_str(), nullptr),
                                              std::strtod(f[col.at("low")].c_str(), nullptr),
                                              std::strtod(f[col.at("close")].c_str(), nullptr)});
  }
  for (const std::string& sym : daily_symbols) {
    INFO("daily " << sym);
    REQUIRE(by_symbol.count(sym) == 1);
    CdlGolden g;
    g.candles = by_symbol[sym];
    load_talib_columns(g, (daily_ref / (sym + ".talib.csv.gz")).string());
    check_group(g, "daily " + sym);
  }
}

TEST_CASE("a non-default penetration moves MATHOLD and the morning stars as in TA-Lib", "[cdl]") {
  // penetration.csv holds mat holds and morning (doji) stars at graded depths (see
  // tests/data/talib/gen-penetration.py); the custom golden uses MATHOLD 0.25 and 0.6 for the
  // stars.
  struct Case {
    const char* name;
    Runner run;
    double custom;
  };
  const Case cases[] = {
      {"CDLMATHOLD", &run_cdl_parity<tickstock::detail::CdlMatHold>, 0.25},
      {"CDLMORNINGSTAR", &run_cdl_parity<tickstock::detail::CdlMorningStar>, 0.6},
      {"CDLMORNINGDOJISTAR", &run_cdl_parity<tickstock::detail::CdlMorningDojiStar>, 0.6},
  };
  const CdlGolden& by_default = fixture("penetration");
  const CdlGolden& custom = fixture("penetration", ".custom.talib.csv");
  for (const Case& c : cases) {
    PatternParams p = oracle_params(c.name);
    {
      const CdlParity res = c.run(by_default, c.name, p);
      INFO(c.name << " default penetration: first mismatch " << res.first_mismatch);
      CHECK(res.compared > 0);
      CHECK(res.mismatches == 0);
    }
    // The default output disagrees with the custom golden, so the custom run proves p is read.
    CHECK(c.run(custom, c.name, p).mismatches > 0);
    p.penetration = c.custom;
    const CdlParity res = c.run(custom, c.name, p);
    INFO(c.name << " penetration " << c.custom << ": first mismatch " << res.first_mismatch);
    CHECK(res.compared > 0);
    CHECK(res.mismatches == 0);
    CHECK(fires(custom, c.name) > 0);
  }
}
