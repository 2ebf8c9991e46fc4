// What `--help` says is checked against the binary: every setting of every command names its
// environment variable or says it is a flag only, says its default once, and what `--set`
// lists is taken by the scanner.
#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/scanner.h"

#include "app/app_support.h"
#include "support/test_support.h"

using tickstock::test::data_dir;
using tickstock::test::run_app;

namespace {

// The commands `tickstockapp --help` lists (so a new command is checked without editing here).
std::vector<std::string> commands() {
  const auto top = run_app("--help");
  std::vector<std::string> out;
  std::istringstream in(top.out + top.err);
  static const std::regex line(R"(^  ([a-z]+) {2,}\S.*$)");
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) out.push_back(m[1]);
  }
  return out;
}

// True when a fresh ScannerOptions takes `assignment` ("NAME.param=value").
bool takes(const std::string& assignment) {
  tickstock::ScannerOptions o;
  return static_cast<bool>(o.set(assignment));
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("every command's --help: each setting's env variable or 'flag only', one default",
          "[app][help]") {
  const auto all = commands();
  for (const char* c :
       {"serve", "aggregate", "scan", "migrate", "import", "rollup", "symbols", "user", "backfill"})
    CHECK(std::find(all.begin(), all.end(), c) != all.end());
  for (const std::string& c : all) {
    const auto h = run_app(c + " --help");
    INFO(c);
    REQUIRE(h.exit_code == 0);
    std::istringstream in(h.out);
    int settings = 0;
    for (std::string l; std::getline(in, l);) {
      INFO(l);
      CHECK(count(l, "default:") <= 1);
      if (l.rfind("  --", 0) != 0) continue;
      ++settings;
      const bool env = std::regex_search(l, std::regex(R"( \[env [A-Z][A-Z0-9_]*\])"));
      const bool flag_only = l.find(" [flag only]") != std::string::npos;
      CHECK(env != flag_only);
      CHECK(count(l, "(default: ") == 1);
    }
    CHECK(settings > 0);
  }
}

TEST_CASE("scan and serve --help list what --set takes, and the scanner takes all of it",
          "[app][help][scan]") {
  const auto scan = run_app("scan --help");
  const auto serve = run_app("serve --help");
  REQUIRE(scan.exit_code == 0);
  REQUIRE(serve.exit_code == 0);
  for (const std::string* h : {&scan.out, &serve.out}) {
    CHECK(h->find("--set NAME.param=value (repeatable, flag only)") != std::string::npos);
    // The values of CANDLE.*.range, each candle setting, and the on/off alerts.
    CHECK(h->find("range is RealBody, HighLow or Shadows") != std::string::npos);
    CHECK(h->find("ALERT.macd_cross, ALERT.bollinger_break = true|false") != std::string::npos);
  }
  for (const char* range : {"RealBody", "HighLow", "Shadows"}) {
    CHECK(takes(std::string("CANDLE.BodyDoji.range=") + range));
  }
  for (const char* name :
       {"BodyLong", "BodyVeryLong", "BodyShort", "BodyDoji", "ShadowLong", "ShadowVeryLong",
        "ShadowShort", "ShadowVeryShort", "Near", "Far", "Equal"}) {
    INFO(name);
    CHECK(std::regex_search(scan.out, std::regex(std::string(R"([\s<])") + name + R"([\s;,])")));
    CHECK(takes(std::string("CANDLE.") + name + ".avg_period=7"));
  }
  for (const char* alert : {"ALERT.macd_cross", "ALERT.bollinger_break"}) {
    for (const char* v : {"true", "false", "on", "off", "1", "0"}) {
      CHECK(takes(std::string(alert) + "=" + v));
    }
  }
  // Every NAME.param=value example in the text is a valid assignment.
  static const std::regex example(R"([A-Z]+\.[A-Za-z_]+(\.[a-z_]+)?=[0-9A-Za-z.]+)");
  int examples = 0;
  for (std::sregex_iterator it(scan.out.begin(), scan.out.end(), example), end; it != end; ++it) {
    std::string a = it->str();
    if (a.back() == '.') a.pop_back();
    if (a.rfind("NAME.", 0) == 0) continue;  // the placeholder of the usage line
    INFO(a);
    CHECK(takes(a));
    ++examples;
  }
  CHECK(examples >= 8);
}

TEST_CASE("serve's --symbols, --symbols-file, --universe: Polygon-only, said and warned",
          "[app][help][serve]") {
  const auto h = run_app("serve --help");
  std::istringstream in(h.out);
  int marked = 0;
  for (std::string l; std::getline(in, l);) {
    if (std::regex_search(l, std::regex(R"(^  --(symbols|symbols-file|universe) )"))) {
      INFO(l);
      CHECK(l.find("Polygon feed and backfill only") != std::string::npos);
      ++marked;
    }
  }
  CHECK(marked == 3);
  const std::string replay =
      "serve --no-bar-events --speed max --exit-on-eof --feed replay:" + data_dir() +
      "/ticks_small.csv";
  const std::string env =
      "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST -u TICKSTOCK_SYMBOLS "
      "-u TICKSTOCK_SYMBOLS_FILE -u TICKSTOCK_UNIVERSE";
  const auto given = run_app(replay + " --symbols SPY", env + " TICKSTOCK_UNIVERSE=etfs");
  INFO(given.err);
  CHECK(given.exit_code == 0);
  CHECK(given.err.find("warning: --symbols is read by --feed polygon and backfill only") !=
        std::string::npos);
  CHECK(given.err.find("warning: --universe is read by --feed polygon and backfill only") !=
        std::string::npos);
  CHECK(given.err.find("--symbols-file is read") == std::string::npos);
  const auto plain = run_app(replay, env);
  CHECK(plain.exit_code == 0);
  CHECK(plain.err.find("backfill only") == std::string::npos);
}
