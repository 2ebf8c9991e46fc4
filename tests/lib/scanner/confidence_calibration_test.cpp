// ConfidenceCalibration: a calibrated (pattern, timeframe, direction) reports its hit rate as
// the event's confidence, every other event the formula; the file reader refuses bad lines
// naming file:line, column and value.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/scanner.h"

#include "support/split_mix64.h"

using namespace tickstock;

namespace {

struct Events final : ScanSink {
  std::vector<PatternEvent> patterns;
  void on_pattern(const PatternEvent& e) override { patterns.push_back(e); }
};

// Minute bars of a random walk with candles of every shape.
std::vector<Bar> random_minutes(Symbol symbol, int n) {
  test::SplitMix64 rng{11};
  std::vector<Bar> bars;
  double close = 50;
  for (int i = 0; i < n; ++i) {
    Bar b;
    b.symbol = symbol;
    b.timeframe = Timeframe::M1;
    b.start = 1'700'000'000LL * 1'000'000'000LL + i * kNanosPerMinute;
    b.open = close * (1 + (rng.uniform() - 0.5) * 0.004);
    b.close = b.open * (1 + (rng.uniform() - 0.5) * 0.008);
    b.high = std::max(b.open, b.close) * (1 + rng.uniform() * 0.003);
    b.low = std::min(b.open, b.close) * (1 - rng.uniform() * 0.003);
    b.volume = 100 + static_cast<Volume>(rng.uniform() * 900);
    close = b.close;
    bars.push_back(b);
  }
  return bars;
}

std::vector<PatternEvent> scan(const ScannerOptions& o, const std::vector<Bar>& bars) {
  Events sink;
  Scanner scanner(o, sink);
  for (const Bar& b : bars) scanner.on_bar(b);
  scanner.flush();
  return sink.patterns;
}

std::string temp_file(const std::string& text) {
  char path[] = "/tmp/tickstock-calibration-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("calibrated confidence: the calibrated kinds report their hit rate, the rest the formula",
          "[scanner][confidence]") {
  SymbolTable symbols;
  const auto bars = random_minutes(symbols.intern("CAL"), 3000);
  auto table = std::make_shared<ConfidenceCalibration>();
  table->set(PatternId::Engulfing, Timeframe::M1, PatternDirection::Bullish, 0.37);
  table->set(PatternId::Doji, Timeframe::M1, PatternDirection::Neutral, 0.91);
  table->set(PatternId::Doji, Timeframe::D1, PatternDirection::Neutral, 0.05);  // other timeframe
  CHECK(table->size() == 3);
  CHECK(std::isnan(table->get(PatternId::Engulfing, Timeframe::M1, PatternDirection::Bearish)));
  ScannerOptions calibrated;
  calibrated.calibration = table;
  const auto plain = scan(ScannerOptions{}, bars);
  const auto with = scan(calibrated, bars);
  REQUIRE(plain.size() == with.size());
  std::size_t engulfing_up = 0, engulfing_down = 0, doji = 0, others = 0;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const PatternEvent& a = plain[i];
    const PatternEvent& b = with[i];
    REQUIRE(a.pattern == b.pattern);
    REQUIRE(a.bar_start == b.bar_start);
    REQUIRE(a.output == b.output);
    if (a.pattern == PatternId::Engulfing && a.direction == PatternDirection::Bullish) {
      CHECK(b.confidence == 0.37);
      ++engulfing_up;
    } else if (a.pattern == PatternId::Doji) {
      CHECK(b.confidence == 0.91);
      ++doji;
    } else {
      CHECK(b.confidence == a.confidence);
      engulfing_down += a.pattern == PatternId::Engulfing ? 1 : 0;
      ++others;
    }
  }
  CHECK(engulfing_up > 0);
  CHECK(engulfing_down > 0);
  CHECK(doji > 0);
  CHECK(others > 100);
}

TEST_CASE("calibration file: read as calibrate writes it, bad lines named",
          "[scanner][confidence]") {
  const std::string good = temp_file(
      "pattern,timeframe,direction,horizon,n,hit_rate\n"
      "CDLENGULFING,1d,bullish,5,140,0.5642857142857143\n"
      "CDLENGULFING,1d,bearish,5,90,0.4\n"
      "CDLDOJI,1m,neutral,5,3000,0.51\n");
  auto table = read_confidence_calibration(good);
  REQUIRE(table);
  CHECK(table->size() == 3);
  CHECK(table->get(PatternId::Engulfing, Timeframe::D1, PatternDirection::Bullish) ==
        0.5642857142857143);
  CHECK(table->get(PatternId::Doji, Timeframe::M1, PatternDirection::Neutral) == 0.51);
  std::remove(good.c_str());

  const std::string header = "pattern,timeframe,direction,horizon,n,hit_rate\n";
  const struct {
    std::string text, says;
  } bad[] = {
      {"", ":1: empty"},
      {"pattern,timeframe,n\n", "no column 'direction'"},
      {header + "CDLNOPE,1d,bullish,5,30,0.5\n", ":2: pattern 'CDLNOPE'"},
      {header + "CDLDOJI,2d,neutral,5,30,0.5\n", ":2: timeframe '2d'"},
      {header + "CDLDOJI,1d,up,5,30,0.5\n", ":2: direction 'up'"},
      {header + "CDLDOJI,1d,neutral,5,30,1.5\n", ":2: hit_rate '1.5'"},
      {header + "CDLDOJI,1d,neutral,5,30,nan\n", ":2: hit_rate 'nan'"},
      {header + "CDLDOJI,1d,neutral,5,30\n", ":2: 5 fields"},
      {header + "CDLDOJI,1d,neutral,5,30,0.5\nCDLDOJI,1d,neutral,5,31,0.6\n",
       ":3: the entry of line 2 again"},
  };
  for (const auto& b : bad) {
    const std::string path = temp_file(b.text);
    INFO(b.text);
    auto r = read_confidence_calibration(path);
    REQUIRE(!r);
    CHECK_THAT(r.error().message, Catch::StartsWith(path));
    CHECK_THAT(r.error().message, Catch::Contains(b.says));
    std::remove(path.c_str());
  }
  CHECK(!read_confidence_calibration("/nonexistent/calibration.csv"));
}
