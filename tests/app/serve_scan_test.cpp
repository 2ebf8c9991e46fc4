// serve with the scanner behind the aggregator: pattern, alert and indicator events.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/patterns.h"
#include "tickstock/scanner.h"

#include "app/app_support.h"

using namespace tickstock;
using namespace tickstock::test;

namespace {

// In memory, and no scanner settings leaking in from the developer's environment.
const std::string kEnv =
    "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST -u TICKSTOCK_PATTERNS "
    "-u TICKSTOCK_INDICATOR_EVENTS -u TICKSTOCK_NO_BAR_EVENTS";
const std::string kSynthetic =
    "serve --feed synthetic --speed max --synthetic-minutes 60 --synthetic-symbols 3 --seed 9 "
    "--exit-on-eof";

std::vector<std::string> field_values(const std::vector<std::string>& lines,
                                      const std::string& key) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(json_field(l, key));
  return out;
}

// The bar an event is about: symbol, timeframe and start.
std::string bar_key(const std::string& line) {
  return json_field(line, "symbol") + "|" + json_field(line, "timeframe") + "|" +
         json_field(line, "start");
}

}  // namespace

TEST_CASE("serve scans the synthetic feed into pattern events with graded confidences",
          "[app][serve][scan]") {
  const auto r = run_app(kSynthetic, kEnv);
  REQUIRE(r.exit_code == 0);
  const auto bars = json_lines(r.out, "bar");
  const auto patterns = json_lines(r.out, "pattern");
  const auto alerts = json_lines(r.out, "alert");
  REQUIRE(!bars.empty());
  REQUIRE(!patterns.empty());
  REQUIRE(!alerts.empty());
  std::set<double> confidences;
  for (const auto& l : patterns) {
    INFO(l);
    const auto id = find_pattern(json_field(l, "pattern"));
    REQUIRE(id.has_value());
    CHECK(json_field(l, "name") == pattern_info(*id).display_name);
    const double c = std::stod(json_field(l, "confidence"));
    CHECK(c > 0);
    CHECK(c < 1);
    confidences.insert(c);
    const int output = std::stoi(json_field(l, "output"));
    CHECK((std::abs(output) == 80 || std::abs(output) == 100 || std::abs(output) == 200));
    const std::string dir = json_field(l, "direction");
    CHECK((dir == "bullish" || dir == "bearish" || dir == "neutral"));
    if (dir == "bullish") CHECK(output > 0);
    if (dir == "bearish") CHECK(output < 0);
  }
  CHECK(confidences.size() > 1);
  std::set<std::string> kinds;
  for (int k = 0; k < kAlertKindCount; ++k)
    kinds.insert(std::string(alert_name(static_cast<AlertKind>(k))));
  for (const auto& a : field_values(alerts, "alert")) CHECK(kinds.count(a) == 1);
  // The shutdown summary counts what was printed (no revisions on the synthetic feed).
  CHECK(r.err.find("scanner: " + std::to_string(bars.size()) + " bars scanned, 0 revisions, " +
                   "0 stale revisions, 0 bars not newer than their series' newest (replayed, not "
                   "scanned), " +
                   std::to_string(patterns.size()) + " patterns, " + std::to_string(alerts.size()) +
                   " alerts, 0 retractions") != std::string::npos);
}

TEST_CASE("serve --patterns runs only the named patterns, finding the same ones",
          "[app][serve][scan]") {
  const auto all = run_app(kSynthetic, kEnv);
  const auto doji = run_app(kSynthetic + " --patterns CDLDOJI", kEnv);
  REQUIRE(all.exit_code == 0);
  REQUIRE(doji.exit_code == 0);
  std::vector<std::string> expected;
  for (const auto& l : json_lines(all.out, "pattern"))
    if (json_field(l, "pattern") == "CDLDOJI") expected.push_back(l);
  REQUIRE(!expected.empty());
  CHECK(json_lines(doji.out, "pattern") == expected);
  CHECK(json_lines(doji.out, "bar") == json_lines(all.out, "bar"));

  const auto two = run_app(kSynthetic + " --patterns 'CDLDOJI, CDLENGULFING'", kEnv);
  REQUIRE(two.exit_code == 0);
  const auto names = field_values(json_lines(two.out, "pattern"), "pattern");
  CHECK(std::set<std::string>(names.begin(), names.end()) ==
        std::set<std::string>{"CDLDOJI", "CDLENGULFING"});
}

TEST_CASE("serve --no-bar-events prints only the scanner's events", "[app][serve][scan]") {
  const auto all = run_app(kSynthetic, kEnv);
  const auto quiet = run_app(kSynthetic + " --no-bar-events", kEnv);
  REQUIRE(quiet.exit_code == 0);
  CHECK(json_lines(quiet.out, "bar").empty());
  REQUIRE(!json_lines(quiet.out, "pattern").empty());
  CHECK(json_lines(quiet.out, "pattern") == json_lines(all.out, "pattern"));
  CHECK(json_lines(quiet.out, "alert") == json_lines(all.out, "alert"));
  const auto env = run_app(kSynthetic, kEnv + " TICKSTOCK_NO_BAR_EVENTS=1");
  CHECK(env.out == quiet.out);
}

TEST_CASE("serve refuses unknown patterns and bad --set values with exit 2",
          "[app][serve][scan][errors]") {
  const auto a = run_app(kSynthetic + " --patterns CDLNOPE", kEnv);
  CHECK(a.exit_code == 2);
  CHECK(a.err.find("unknown pattern 'CDLNOPE'") != std::string::npos);
  CHECK(a.out.empty());
  const auto b = run_app(kSynthetic, kEnv + " TICKSTOCK_PATTERNS=CDLDOJI,CDLNOPE2");
  CHECK(b.exit_code == 2);
  CHECK(b.err.find("'CDLNOPE2'") != std::string::npos);
  const auto c = run_app(kSynthetic + " --set RSI.optInTimePeriod=1", kEnv);
  CHECK(c.exit_code == 2);
  CHECK(c.err.find("--set RSI.optInTimePeriod: 1 is outside") != std::string::npos);
  CHECK(c.out.empty());
  const auto d = run_app(kSynthetic + " --set", kEnv);
  CHECK(d.exit_code == 2);
  CHECK(d.err.find("--set needs a value") != std::string::npos);
  const auto h = run_app("serve --help");
  CHECK(h.exit_code == 0);
  for (const char* s :
       {"--patterns VALUE", "[env TICKSTOCK_PATTERNS] (default: all)", "--indicator-events",
        "[env TICKSTOCK_INDICATOR_EVENTS] (default: off)", "--no-bar-events",
        "[env TICKSTOCK_NO_BAR_EVENTS] (default: off)", "--set VALUE"})
    CHECK(h.out.find(s) != std::string::npos);
}

TEST_CASE("serve --indicator-events prints the indicators of every scanned bar",
          "[app][serve][scan]") {
  const auto plain = run_app(kSynthetic, kEnv);
  CHECK(json_lines(plain.out, "indicators").empty());
  const auto r = run_app(kSynthetic + " --indicator-events", kEnv);
  REQUIRE(r.exit_code == 0);
  const auto bars = json_lines(r.out, "bar");
  const auto ind = json_lines(r.out, "indicators");
  REQUIRE(ind.size() == bars.size());
  std::size_t with_rsi = 0;
  for (const auto& l : ind) {
    const std::string rsi = json_field(l, "RSI");
    if (rsi.empty()) continue;
    ++with_rsi;
    CHECK(std::stod(rsi) >= 0);
    CHECK(std::stod(rsi) <= 100);
  }
  CHECK(with_rsi > 0);
  // --set reaches serve's scanner: a 5-bar RSI has a value on more bars than the 14-bar default.
  const auto fast = run_app(kSynthetic + " --indicator-events --set RSI.optInTimePeriod=5", kEnv);
  REQUIRE(fast.exit_code == 0);
  std::size_t fast_rsi = 0;
  for (const auto& l : json_lines(fast.out, "indicators"))
    fast_rsi += !json_field(l, "RSI").empty();
  CHECK(fast_rsi > with_rsi);
}

TEST_CASE("serve on a replay file reports patterns and alerts on the bars it printed",
          "[app][serve][scan]") {
  char dir[] = "/tmp/tickstock-serve-scan-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/ticks.csv";
  // One symbol, 60 minutes from 2013-10-07 09:30 New York; each minute's ticks are its open,
  // high, low and close. Every 7th minute is a doji (close == open, long shadows); the others
  // alternate up and down.
  const long long t0 = 1381152600;  // 2013-10-07T13:30:00Z
  std::set<std::string> doji_starts;
  {
    std::ofstream f(path);
    f << "ts_ns,symbol,price,size\n";
    for (int m = 0; m < 60; ++m) {
      const double o = 100 + 0.2 * ((m * 7) % 11);
      double c = o, h = o + 0.5, l = o - 0.5;
      if (m % 7 == 3) {
        if (m >= pattern_lookback(*find_pattern("CDLDOJI"), CandleSettings{}))
          doji_starts.insert(format_iso8601((t0 + m * 60) * 1'000'000'000LL));
      } else if (m % 2 == 0) {
        c = o + 0.3;
        h = c + 0.1;
        l = o - 0.1;
      } else {
        c = o - 0.3;
        h = o + 0.1;
        l = c - 0.1;
      }
      const double prices[] = {o, h, l, c};
      for (int j = 0; j < 4; ++j) {
        char row[96];
        std::snprintf(row, sizeof row, "%lld,ZZZ,%.2f,%d\n",
                      (t0 + m * 60 + 5 + j * 15) * 1'000'000'000LL, prices[j], 100 * (j + 1));
        f << row;
      }
    }
  }
  const auto r = run_app("serve --feed replay:" + path + " --speed max --exit-on-eof", kEnv);
  std::remove(path.c_str());
  rmdir(dir);
  REQUIRE(r.exit_code == 0);
  REQUIRE(!doji_starts.empty());
  // Walk the stream in order: every event names a bar printed before it.
  std::set<std::string> printed, doji_found;
  std::size_t patterns = 0, alerts = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    const std::string type = json_field(line, "type");
    if (type == "bar") {
      printed.insert(bar_key(line));
      continue;
    }
    REQUIRE((type == "pattern" || type == "alert"));
    ++(type == "pattern" ? patterns : alerts);
    CHECK(printed.count(bar_key(line)) == 1);
    if (json_field(line, "pattern") == "CDLDOJI" && json_field(line, "timeframe") == "1m")
      doji_found.insert(json_field(line, "start"));
  }
  CHECK(printed.size() >= 60);
  CHECK(patterns > 0);
  CHECK(alerts > 0);
  for (const auto& s : doji_starts) CHECK(doji_found.count(s) == 1);
}
