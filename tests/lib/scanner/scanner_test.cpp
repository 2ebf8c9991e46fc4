// The Scanner against TA-Lib's goldens (every CDL and indicator column, default, alternative and
// edge parameters, through revisions), its events, alerts, confidence, catalogue and options.
#include "tickstock/scanner.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "support/alloc_counter.h"
#include "support/test_support.h"

using namespace tickstock;

namespace {

// A golden: input bars and the oracle's columns by name ("" = no value).
struct Golden {
  std::vector<Bar> bars;
  std::map<std::string, std::vector<std::string>> columns;
};

Golden load(const std::string& bars_name, const std::string& talib_name, Symbol sym) {
  const std::string dir = test::data_dir() + "/talib/";
  Golden g;
  const auto rows = test::parse_csv(test::read_file(dir + bars_name));
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r];
    Bar b;
    b.symbol = sym;
    b.start = *parse_timestamp(f[col.at("ts")]);
    b.open = std::strtod(f[col.at("open")].c_str(), nullptr);
    b.high = std::strtod(f[col.at("high")].c_str(), nullptr);
    b.low = std::strtod(f[col.at("low")].c_str(), nullptr);
    b.close = std::strtod(f[col.at("close")].c_str(), nullptr);
    b.volume = std::strtod(f[col.at("volume")].c_str(), nullptr);
    g.bars.push_back(b);
  }
  const auto out = test::parse_csv(test::read_file(dir + talib_name));
  for (std::size_t c = 1; c < out[0].size(); ++c) {
    auto& v = g.columns[out[0][c]];
    for (std::size_t r = 1; r < out.size(); ++r) v.push_back(c < out[r].size() ? out[r][c] : "");
  }
  return g;
}

// The scanner's cell for `name` in the same text form as the golden ("" = no value).
std::string cell(const ScanResult& r, const std::string& name) {
  if (auto id = find_pattern(name))
    return r.has_cdl(*id) ? std::to_string(r.cdl[static_cast<std::size_t>(*id)]) : "";
  for (int f = 0; f < kFieldCount; ++f) {
    if (field_name(static_cast<Field>(f)) != name) continue;
    const double v = r.values[static_cast<std::size_t>(f)];
    if (std::isnan(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  FAIL("no scanner output named " << name);
  return "";
}

// Golden cells are shortest round-trip decimals: compare as doubles, bit for bit.
bool same_cell(const std::string& got, const std::string& want) {
  if (got.empty() || want.empty()) return got == want;
  return std::strtod(got.c_str(), nullptr) == std::strtod(want.c_str(), nullptr);
}

// A plausible other version of a bar, offered first and then revised to the true bar.
Bar perturbed(const Bar& b) {
  Bar p = b;
  p.high = b.high * 1.013 + 0.07;
  p.low = b.low * 0.987 - 0.05;
  p.close = b.close * 1.009;
  p.open = b.open * 0.995;
  p.volume = b.volume * 1.5 + 3;
  return p;
}

// Feeds the golden through one series (each bar first perturbed, then revised to its true
// value when `revise`) and compares every golden column present, renamed through `rename`.
// Returns the number of cells compared.
std::size_t check_parity(const Golden& g, const ScannerOptions& o, bool revise,
                         const std::map<std::string, std::string>& rename = {}) {
  SeriesScanner s(o);
  std::size_t compared = 0;
  for (std::size_t i = 0; i < g.bars.size(); ++i) {
    if (revise) {
      REQUIRE(s.update(perturbed(g.bars[i]), nullptr));
      Bar b = g.bars[i];
      b.revision = 1;
      REQUIRE(s.update(b, nullptr));
    } else {
      REQUIRE(s.update(g.bars[i], nullptr));
    }
    for (const auto& [name, want] : g.columns) {
      const auto it = rename.find(name);
      const std::string ours = it == rename.end() ? name : it->second;
      const std::string got = cell(s.last(), ours);
      INFO("bar " << i << " column " << name << ": got '" << got << "', TA-Lib '" << want[i]
                  << "'");
      REQUIRE(same_cell(got, want[i]));
      ++compared;
    }
  }
  return compared;
}

ScannerOptions with(std::initializer_list<const char*> sets) {
  ScannerOptions o;
  for (const char* a : sets) {
    auto r = o.set(a);
    INFO(a);
    REQUIRE(r);
  }
  REQUIRE(o.validate());
  return o;
}

ScannerOptions alt_options() {
  return with({"SMA.optInTimePeriod=5", "EMA.optInTimePeriod=10", "RSI.optInTimePeriod=7",
               "MACD.optInFastPeriod=5", "MACD.optInSlowPeriod=13", "MACD.optInSignalPeriod=4",
               "BBANDS.optInTimePeriod=10", "BBANDS.optInNbDevUp=1.5", "BBANDS.optInNbDevDn=2.5",
               "ATR.optInTimePeriod=5", "STOCH.optInFastK_Period=7", "STOCH.optInSlowK_Period=4",
               "STOCH.optInSlowD_Period=2", "ADX.optInTimePeriod=7", "WILLR.optInTimePeriod=9",
               "CCI.optInTimePeriod=9", "MFI.optInTimePeriod=7"});
}

ScannerOptions edge_options() {
  return with({"SMA.optInTimePeriod=2", "EMA.optInTimePeriod=2", "RSI.optInTimePeriod=2",
               "MACD.optInFastPeriod=13", "MACD.optInSlowPeriod=5", "MACD.optInSignalPeriod=2",
               "BBANDS.optInTimePeriod=2", "BBANDS.optInNbDevUp=1", "BBANDS.optInNbDevDn=1",
               "ATR.optInTimePeriod=1", "STOCH.optInFastK_Period=1", "STOCH.optInSlowK_Period=1",
               "STOCH.optInSlowD_Period=1", "ADX.optInTimePeriod=2", "WILLR.optInTimePeriod=2",
               "CCI.optInTimePeriod=2", "MFI.optInTimePeriod=2"});
}

// Records what a scanner reports.
struct Recorder final : ScanSink {
  std::vector<ScanResult> results;
  std::vector<PatternEvent> patterns;
  std::vector<AlertEvent> alerts;
  int flushes = 0;
  void on_scan(const ScanResult& r) override { results.push_back(r); }
  void on_pattern(const PatternEvent& e) override { patterns.push_back(e); }
  void on_alert(const AlertEvent& e) override { alerts.push_back(e); }
  void flush() override { ++flushes; }
};

}  // namespace

TEST_CASE("scanner equals TA-Lib on every column of the coverage and synthetic series",
          "[scanner][parity]") {
  SymbolTable symbols;
  const Symbol sym = symbols.intern("T");
  for (const auto& [bars, talib] : {std::pair{"coverage.csv", "coverage.talib.csv"},
                                    std::pair{"synthetic-300.csv", "synthetic-300.talib.csv"}}) {
    INFO(talib);
    const Golden g = load(bars, talib, sym);
    REQUIRE(g.columns.size() == 61 + 17);
    CHECK(check_parity(g, ScannerOptions{}, false) == g.bars.size() * 78);
    // The same through a revision of every bar: the revised bar replaces the first version.
    CHECK(check_parity(g, ScannerOptions{}, true) == g.bars.size() * 78);
  }
}

TEST_CASE("scanner equals TA-Lib with other parameters set like the oracle's --set",
          "[scanner][parity]") {
  SymbolTable symbols;
  const Symbol sym = symbols.intern("T");
  for (const char* s : {"coverage", "synthetic-300"}) {
    INFO(s);
    const Golden alt = load(std::string(s) + ".csv", std::string(s) + ".alt.talib.csv", sym);
    CHECK(check_parity(alt, alt_options(), true) > 0);
    const Golden edge = load(std::string(s) + ".csv", std::string(s) + ".edge.talib.csv", sym);
    CHECK(check_parity(edge, edge_options(), true) > 0);
    const Golden di = load(std::string(s) + ".csv", std::string(s) + ".di.talib.csv", sym);
    Golden di14;
    di14.bars = di.bars;
    di14.columns["PLUS_DI_14"] = di.columns.at("PLUS_DI_14");
    di14.columns["MINUS_DI_14"] = di.columns.at("MINUS_DI_14");
    CHECK(check_parity(di14, ScannerOptions{}, true,
                       {{"PLUS_DI_14", "PLUS_DI"}, {"MINUS_DI_14", "MINUS_DI"}}) ==
          2 * di.bars.size());
  }
}

TEST_CASE("penetration is per pattern and changes only that pattern", "[scanner][options]") {
  SymbolTable symbols;
  const Golden g = load("penetration.csv", "penetration.custom.talib.csv", symbols.intern("P"));
  // penetration.custom.talib.csv: the oracle with --set CDLMATHOLD.optInPenetration=0.25,
  // CDLMORNINGSTAR / CDLMORNINGDOJISTAR .optInPenetration=0.6 (see gen-penetration.py).
  ScannerOptions o =
      with({"CDLMATHOLD.optInPenetration=0.25", "CDLMORNINGSTAR.optInPenetration=0.6",
            "CDLMORNINGDOJISTAR.optInPenetration=0.6"});
  CHECK(o.penetration[static_cast<std::size_t>(PatternId::EveningStar)] == 0.3);
  // With the defaults the results differ on this series (so the setting is really used).
  const Golden def = load("penetration.csv", "penetration.talib.csv", symbols.intern("P"));
  CHECK(def.columns.at("CDLMATHOLD") != g.columns.at("CDLMATHOLD"));
  Golden cdl;
  cdl.bars = g.bars;
  for (const auto& [name, col] : g.columns)
    if (name.rfind("CDL", 0) == 0) cdl.columns[name] = col;
  REQUIRE(!cdl.columns.empty());
  CHECK(check_parity(cdl, o, true) > 0);
}

TEST_CASE("catalogue: 61 patterns with names, bars, directions, kinds and lookbacks",
          "[scanner][catalogue]") {
  const auto cat = pattern_catalogue();
  REQUIRE(cat.size() == 61);
  std::set<std::string_view> names;
  int penetration = 0;
  for (std::size_t i = 0; i < cat.size(); ++i) {
    const PatternInfo& p = cat[i];
    CHECK(static_cast<std::size_t>(p.id) == i);
    CHECK(p.talib_name.rfind("CDL", 0) == 0);
    CHECK(!p.display_name.empty());
    CHECK(!p.description.empty());
    CHECK(p.bars >= 1);
    CHECK(p.bars <= 5);
    names.insert(p.talib_name);
    CHECK(find_pattern(p.talib_name) == p.id);
    CHECK(&pattern_info(p.id) == &p);
    if (uses_penetration(p.id)) ++penetration;
  }
  CHECK(names.size() == 61);
  CHECK(penetration == 7);
  CHECK(!find_pattern("CDLNOPE"));
  CHECK(default_penetration(PatternId::MatHold) == 0.5);
  CHECK(default_penetration(PatternId::DarkCloudCover) == 0.5);
  CHECK(default_penetration(PatternId::MorningStar) == 0.3);
  CHECK(default_penetration(PatternId::Doji) == 0.0);
  CHECK(pattern_info(PatternId::Engulfing).display_name == "Engulfing Pattern");
  CHECK(pattern_info(PatternId::Doji).kind == PatternKind::Indecision);
  CHECK(pattern_info(PatternId::MatHold).kind == PatternKind::Continuation);
  CHECK(pattern_info(PatternId::MorningStar).direction == PatternDirection::Bullish);

  // Lookbacks equal the number of leading empty cells the oracle wrote for each pattern.
  SymbolTable symbols;
  const Golden g = load("coverage.csv", "coverage.talib.csv", symbols.intern("T"));
  for (const PatternInfo& p : cat) {
    const auto& col = g.columns.at(std::string(p.talib_name));
    int empty = 0;
    while (col[static_cast<std::size_t>(empty)].empty()) ++empty;
    INFO(p.talib_name);
    CHECK(pattern_lookback(p.id, CandleSettings{}) == empty);
  }
  CandleSettings longer;
  longer.body_doji.avg_period = 20;
  CHECK(pattern_lookback(PatternId::Doji, longer) == 20);
}

TEST_CASE("options: --set names, values and errors", "[scanner][options]") {
  ScannerOptions o;
  CHECK(o.set("SMA.optInTimePeriod=20"));
  CHECK(o.params.sma_period == 20);
  CHECK(o.set("BBANDS.optInNbDevUp=1.5"));
  CHECK(o.params.bbands_dev_up == 1.5);
  CHECK(o.set("STOCH.optInSlowD_MAType=0"));
  CHECK(o.set("CANDLE.BodyDoji.factor=0.05"));
  CHECK(o.candles.body_doji.factor == 0.05);
  CHECK(o.set("CANDLE.Near.range=RealBody"));
  CHECK(o.candles.near.range == CandleRange::RealBody);
  CHECK(o.set("ALERT.rsi_overbought=80"));
  CHECK(o.set("ALERT.macd_cross=off"));
  CHECK(!o.alerts.macd_cross);
  CHECK(o.validate());

  auto err = [](const char* a) {
    ScannerOptions x;
    auto r = x.set(a);
    REQUIRE(!r);
    return r.error().message;
  };
  CHECK_THAT(err("SMA.optInTimePeriod=abc"),
             Catch::Contains("SMA.optInTimePeriod") && Catch::Contains("'abc' is not an integer"));
  CHECK_THAT(err("SMA.optInTimePeriod=1"), Catch::Contains("outside 2..100000"));
  CHECK_THAT(err("FOO.optInTimePeriod=3"), Catch::Contains("unknown function 'FOO'"));
  CHECK_THAT(err("SMA.optInPeriod=3"), Catch::Contains("no parameter 'optInPeriod'"));
  CHECK_THAT(err("BBANDS.optInMAType=1"), Catch::Contains("only MA type 0"));
  CHECK_THAT(err("CDLDOJI.optInPenetration=0.2"), Catch::Contains("has no parameters"));
  CHECK_THAT(err("CDLMATHOLD.optInPenetration=-1"), Catch::Contains("negative"));
  CHECK_THAT(err("CANDLE.BodyHuge.factor=1"), Catch::Contains("unknown candle setting"));
  CHECK_THAT(err("CANDLE.BodyDoji.avg_period=30"), Catch::Contains("outside 0..24"));
  CHECK_THAT(err("SMA"), Catch::Contains("expected NAME.param=value"));

  ScannerOptions bad;
  bad.alerts.rsi_oversold = 80;
  CHECK_THAT(bad.validate().error().message, Catch::Contains("rsi_oversold"));
  ScannerOptions badp;
  badp.params.macd_signal = 1;
  CHECK(!badp.validate());
}

TEST_CASE("pattern events: one per output, direction by sign, confidence varies in [0, 1]",
          "[scanner][events]") {
  SymbolTable symbols;
  const Golden g = load("coverage.csv", "coverage.talib.csv", symbols.intern("T"));
  Recorder rec;
  Scanner scanner(ScannerOptions{}, rec);
  for (const Bar& b : g.bars) scanner.on_bar(b);
  scanner.flush();
  CHECK(rec.flushes == 1);
  REQUIRE(rec.results.size() == g.bars.size());
  std::size_t nonzero = 0;
  for (const ScanResult& r : rec.results)
    for (int i = 0; i < kPatternCount; ++i) nonzero += r.cdl[static_cast<std::size_t>(i)] != 0;
  REQUIRE(rec.patterns.size() == nonzero);
  std::set<double> confidences;
  std::map<std::string, int> by_pattern;
  for (const PatternEvent& e : rec.patterns) {
    const ScanResult& r = rec.results[static_cast<std::size_t>(
        std::find_if(rec.results.begin(), rec.results.end(),
                     [&](const ScanResult& x) { return x.bar.start == e.bar_start; }) -
        rec.results.begin())];
    CHECK(r.cdl[static_cast<std::size_t>(e.pattern)] == e.output);
    CHECK(!e.retracted);
    CHECK(e.confidence >= 0.0);
    CHECK(e.confidence <= 1.0);
    const PatternDirection want = pattern_info(e.pattern).direction == PatternDirection::Neutral
                                      ? PatternDirection::Neutral
                                  : e.output > 0 ? PatternDirection::Bullish
                                                 : PatternDirection::Bearish;
    CHECK(e.direction == want);
    confidences.insert(e.confidence);
    ++by_pattern[std::string(pattern_info(e.pattern).talib_name)];
  }
  CHECK(by_pattern.size() == 61);  // the coverage series makes every pattern fire
  CHECK(confidences.size() > 100);
  CHECK(*confidences.begin() < 0.5);
  CHECK(*confidences.rbegin() > 0.75);
  const ScannerStats st = scanner.stats();
  CHECK(st.bars == g.bars.size());
  CHECK(st.patterns == rec.patterns.size());
  CHECK(st.series == 1);
}

TEST_CASE("confidence follows its formula's evidence", "[scanner][confidence]") {
  // 1 pattern candle + 10 window bars + 5 more for the trend (newest first).
  std::vector<ConfidenceBar> h(16, ConfidenceBar{101, 99, 100, 1000});
  for (int i = 1; i < 16; ++i)
    h[static_cast<std::size_t>(i)].close = 100 + i * 0.5;  // falling into the bar
  const double base = pattern_confidence(PatternId::Hammer, 100, h.data(), 16);
  // Bigger candle, more volume: more confidence.
  auto big = h;
  big[0].high = 103, big[0].low = 97;
  CHECK(pattern_confidence(PatternId::Hammer, 100, big.data(), 16) > base);
  auto loud = h;
  loud[0].volume = 5000;
  CHECK(pattern_confidence(PatternId::Hammer, 100, loud.data(), 16) > base);
  // A bullish reversal after a fall beats the same after a rise.
  auto rising = h;
  for (int i = 1; i < 16; ++i) rising[static_cast<std::size_t>(i)].close = 100 - i * 0.5;
  CHECK(pattern_confidence(PatternId::Hammer, 100, rising.data(), 16) < base);
  // TA-Lib strength: 80 < 100 < 200.
  CHECK(pattern_confidence(PatternId::Engulfing, 80, h.data(), 16) <
        pattern_confidence(PatternId::Engulfing, 100, h.data(), 16));
  CHECK(pattern_confidence(PatternId::Hikkake, 100, h.data(), 16) <
        pattern_confidence(PatternId::Hikkake, 200, h.data(), 16));
  // No history: the unknown terms count 0.5 each.
  CHECK(pattern_confidence(PatternId::Doji, 100, h.data(), 1) == Approx(0.4 * 0.8 + 0.3));
}

TEST_CASE("a revision replaces the bar's events: new patterns reported, vanished ones retracted",
          "[scanner][events]") {
  SymbolTable symbols;
  const Symbol sym = symbols.intern("R");
  Recorder rec;
  ScannerOptions o;
  o.patterns.reset();
  o.patterns.set(static_cast<std::size_t>(PatternId::Engulfing));
  Scanner scanner(o, rec);
  Bar a;
  a.symbol = sym;
  a.start = 0;
  a.open = 10, a.high = 10.5, a.low = 9.5, a.close = 10, a.volume = 100;  // (lookback 2)
  scanner.on_bar(a);
  a.start = 60 * kNanosPerSecond;
  a.open = 10, a.high = 10.5, a.low = 8.5, a.close = 9;  // black
  scanner.on_bar(a);
  Bar b = a;
  b.start += 60 * kNanosPerSecond;
  b.open = 8.8, b.high = 10.6, b.low = 8.7, b.close = 10.4;  // white, engulfs: +100
  scanner.on_bar(b);
  REQUIRE(rec.patterns.size() == 1);
  CHECK(rec.patterns[0].output == 100);
  CHECK(rec.patterns[0].revision == 0);
  b.revision = 1;
  b.close = 9.5;  // no longer engulfs
  scanner.on_bar(b);
  REQUIRE(rec.patterns.size() == 2);
  CHECK(rec.patterns[1].retracted);
  CHECK(rec.patterns[1].output == 0);
  CHECK(rec.patterns[1].revision == 1);
  CHECK(rec.patterns[1].pattern == PatternId::Engulfing);
  b.revision = 2;
  b.close = 10.0;  // touches the open: +80
  scanner.on_bar(b);
  REQUIRE(rec.patterns.size() == 3);
  CHECK(rec.patterns[2].output == 80);
  CHECK(!rec.patterns[2].retracted);
  b.revision = 3;  // unchanged: nothing new to say
  scanner.on_bar(b);
  CHECK(rec.patterns.size() == 3);
  // A revision of an older bar cannot be undone in O(1): refused and counted.
  a.revision = 1;
  a.close = 9.9;
  scanner.on_bar(a);
  const ScannerStats st = scanner.stats();
  CHECK(st.bars == 3);
  CHECK(st.revisions == 3);
  CHECK(st.stale_revisions == 1);
  CHECK(st.retractions == 1);
  // A new bar that is not newer (a replay of what the series holds) is no revision.
  Bar replayed = a;
  replayed.revision = 0;
  scanner.on_bar(replayed);
  CHECK(scanner.stats().replayed_bars == 1);
  CHECK(scanner.stats().stale_revisions == 1);
  CHECK(scanner.last(sym, Timeframe::M1)->bar.close == 10.0);
  // A bar without a symbol is counted, not scanned.
  scanner.on_bar(Bar{});
  CHECK(scanner.stats().no_symbol == 1);
}

TEST_CASE("alerts fire on crossings of RSI levels, MACD signal and Bollinger bands",
          "[scanner][alerts]") {
  SymbolTable symbols;
  const Golden g = load("synthetic-300.csv", "synthetic-300.talib.csv", symbols.intern("T"));
  Recorder rec;
  Scanner scanner(ScannerOptions{}, rec);
  for (const Bar& b : g.bars) scanner.on_bar(b);
  // Recompute every crossing from the golden columns and compare with the alerts.
  auto num = [&](const char* c, std::size_t i) {
    const std::string& v = g.columns.at(c)[i];
    return v.empty() ? NAN : std::strtod(v.c_str(), nullptr);
  };
  std::multiset<std::pair<Timestamp, AlertKind>> want;
  for (std::size_t i = 1; i < g.bars.size(); ++i) {
    const Timestamp t = g.bars[i].start;
    const double r0 = num("RSI", i - 1), r1 = num("RSI", i);
    if (r0 <= 70 && r1 > 70) want.insert({t, AlertKind::RsiOverbought});
    if (r0 > 70 && r1 <= 70) want.insert({t, AlertKind::RsiOverboughtExit});
    if (r0 >= 30 && r1 < 30) want.insert({t, AlertKind::RsiOversold});
    if (r0 < 30 && r1 >= 30) want.insert({t, AlertKind::RsiOversoldExit});
    const double d0 = num("MACD", i - 1) - num("MACD_SIGNAL", i - 1);
    const double d1 = num("MACD", i) - num("MACD_SIGNAL", i);
    if (d0 <= 0 && d1 > 0) want.insert({t, AlertKind::MacdBullishCross});
    if (d0 >= 0 && d1 < 0) want.insert({t, AlertKind::MacdBearishCross});
    if (g.bars[i - 1].close <= num("BBANDS_UPPER", i - 1) &&
        g.bars[i].close > num("BBANDS_UPPER", i))
      want.insert({t, AlertKind::BollingerUpperBreak});
    if (g.bars[i - 1].close >= num("BBANDS_LOWER", i - 1) &&
        g.bars[i].close < num("BBANDS_LOWER", i))
      want.insert({t, AlertKind::BollingerLowerBreak});
  }
  std::multiset<std::pair<Timestamp, AlertKind>> got;
  for (const AlertEvent& e : rec.alerts) got.insert({e.bar_start, e.kind});
  CHECK(got == want);
  std::set<AlertKind> kinds;
  for (const auto& w : want) kinds.insert(w.second);
  CHECK(kinds.size() >= 6);  // the series crosses most levels
}

TEST_CASE("series are independent: interleaved symbols equal each symbol alone",
          "[scanner][series]") {
  SymbolTable symbols;
  const Symbol a = symbols.intern("A"), b = symbols.intern("B");
  const Golden ga = load("coverage.csv", "coverage.talib.csv", a);
  Golden gb = load("synthetic-300.csv", "synthetic-300.talib.csv", b);
  Recorder rec;
  Scanner both(ScannerOptions{}, rec);
  SeriesScanner alone_a{ScannerOptions{}}, alone_b{ScannerOptions{}};
  for (std::size_t i = 0; i < ga.bars.size(); ++i) {
    both.on_bar(ga.bars[i]);
    alone_a.update(ga.bars[i], nullptr);
    REQUIRE(both.last(a, Timeframe::M1)->cdl == alone_a.last().cdl);
    if (i < gb.bars.size()) {
      Bar x = gb.bars[i];
      x.timeframe = Timeframe::M5;  // another timeframe of the same symbol is another series
      both.on_bar(x);
      alone_b.update(x, nullptr);
      REQUIRE(both.last(b, Timeframe::M5)->cdl == alone_b.last().cdl);
      const std::optional<ScanResult> r1 = both.last(b, Timeframe::M5);
      REQUIRE(r1.has_value());
      const auto& v1 = r1->values;
      const auto& v2 = alone_b.last().values;
      for (std::size_t f = 0; f < v1.size(); ++f)
        REQUIRE(((std::isnan(v1[f]) && std::isnan(v2[f])) || v1[f] == v2[f]));
    }
  }
  CHECK(both.stats().series == 2);
  CHECK_FALSE(both.last(b, Timeframe::M1).has_value());
}

TEST_CASE("scanner: no allocation per bar, revisions included", "[scanner][alloc]") {
  if (!test::counting_allocations()) {
    WARN("skipped under a sanitizer: it replaces operator new itself");
    return;
  }
  SymbolTable symbols;
  const Golden g = load("synthetic-300.csv", "synthetic-300.talib.csv", symbols.intern("T"));
  Recorder rec;
  rec.results.reserve(4 * g.bars.size());
  rec.patterns.reserve(100 * g.bars.size());
  rec.alerts.reserve(8 * g.bars.size());
  Scanner scanner(ScannerOptions{}, rec);
  scanner.on_bar(g.bars[0]);
  const std::size_t before = test::allocations();
  for (std::size_t i = 1; i < g.bars.size(); ++i) {
    scanner.on_bar(perturbed(g.bars[i]));
    Bar b = g.bars[i];
    b.revision = 1;
    scanner.on_bar(b);
  }
  CHECK(test::allocations() == before);
  CHECK(!rec.patterns.empty());
}

TEST_CASE("scanner: a default series holds at most 4 KiB", "[scanner][alloc]") {
  // The figure itself is tickstock-bench's scan_state_bytes_per_series; this keeps it in bounds.
  if (!test::counting_allocations()) {
    WARN("skipped under a sanitizer: it replaces operator new itself");
    return;
  }
  SymbolTable symbols;
  Recorder rec;
  Scanner scanner(ScannerOptions{}, rec);
  Bar b;
  b.open = b.high = b.low = b.close = 10;
  b.volume = 100;
  b.symbol = symbols.intern("FIRST");
  scanner.on_bar(b);
  constexpr int kSeries = 1000;  // as the benchmark: the index slack spreads as it will
  std::vector<Symbol> syms;
  for (int i = 0; i < kSeries; ++i) syms.push_back(symbols.intern("S" + std::to_string(i)));
  rec.results.reserve(kSeries + 1);
  const std::size_t before = test::live_heap_bytes();
  for (const Symbol s : syms) {
    b.symbol = s;
    scanner.on_bar(b);
  }
  const double per_series = static_cast<double>(test::live_heap_bytes() - before) / kSeries;
  INFO("bytes per series: " << per_series);
  CHECK(per_series <= 4096);
  CHECK(per_series > 1024);  // the state is really counted (rings, totals, indicators)
  CHECK(scanner.stats().series == kSeries + 1);
}
