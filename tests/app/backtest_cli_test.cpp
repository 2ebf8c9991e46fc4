// `tickstockapp backtest run`: exit codes that name the flag or the missing data, the files it
// writes, and stats.csv recomputed here from its own events.csv.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/test_support.h"

using tickstock::test::parse_csv;
using tickstock::test::read_file;
using tickstock::test::run_app;
namespace fs = std::filesystem;

namespace {

using Table = std::vector<std::vector<std::string>>;

std::string temp_dir() {
  char tmpl[] = "/tmp/tickstock-backtest-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

// A random walk of daily bars, 2019-01-01 on, for `symbol` in DIR/SYMBOL.1d.csv.
void write_days(const std::string& dir, const std::string& symbol, unsigned seed, int days) {
  std::ofstream f(dir + "/" + symbol + ".1d.csv");
  f << "ts,open,high,low,close,volume\n";
  std::uint64_t s = seed;
  auto uniform = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) * 0x1.0p-53;
  };
  double close = 100;
  for (int i = 0; i < days; ++i) {
    const long day = 17897 + i;  // 2019-01-01
    const std::time_t t = static_cast<std::time_t>(day) * 86400;
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&t));
    const double open = close * (1 + (uniform() - 0.5) * 0.02);
    close = open * (1 + (uniform() - 0.5) * 0.04);
    const double high = std::max(open, close) * (1 + uniform() * 0.015);
    const double low = std::min(open, close) * (1 - uniform() * 0.015);
    f << date << ',' << open << ',' << high << ',' << low << ',' << close << ",1000\n";
  }
}

std::map<std::string, std::size_t> columns(const Table& t) {
  std::map<std::string, std::size_t> c;
  for (std::size_t i = 0; i < t[0].size(); ++i) c[t[0][i]] = i;
  return c;
}

}  // namespace

TEST_CASE("backtest run writes stats that its own events.csv recomputes", "[app][backtest]") {
  const std::string dir = temp_dir();
  fs::create_directories(dir + "/bars");
  write_days(dir + "/bars", "AAA", 1, 900);
  write_days(dir + "/bars", "BBB", 2, 900);
  const auto r = run_app(
      "backtest run --symbols AAA,BBB --from 2019-06-01 --to 2021-05-31 "
      "--timeframes 1d --source csv:" +
      dir + "/bars --out " + dir + "/out --events --horizons 1,5 --warmup-bars 100");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("backtest: ") != std::string::npos);
  const Table stats = parse_csv(read_file(dir + "/out/stats.csv"));
  const Table events = parse_csv(read_file(dir + "/out/events.csv"));
  const std::string json = read_file(dir + "/out/results.json");
  CHECK(json.rfind("{\"calibration\":{\"bins\":[{\"bin\":0,", 0) == 0);  // keys sorted
  CHECK(json.find("},\"data\":{\"bars\":") != std::string::npos);
  CHECK(json.find(",\"schema_version\":1,") != std::string::npos);
  REQUIRE(stats.size() > 50);
  REQUIRE(events.size() > 100);
  auto sc = columns(stats);
  auto ec = columns(events);
  for (const char* col : {"pattern", "symbol", "timeframe", "bar_start", "direction", "confidence",
                          "entry_price", "r_1", "valid_1", "censor_1", "r_5"}) {
    CHECK(ec.count(col) == 1);
  }
  // Every per-symbol and ALL cell: n, hits and mean from events.csv.
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, std::vector<double>> returns;
  for (std::size_t i = 1; i < events.size(); ++i) {
    const auto& e = events[i];
    for (const std::string h : {"1", "5"}) {
      if (e[ec["valid_" + h]] != "true") continue;
      const double v = std::stod(e[ec["r_" + h]]);
      returns[{e[ec["pattern"]], e[ec["symbol"]], e[ec["direction"]], h}].push_back(v);
      returns[{e[ec["pattern"]], "ALL", e[ec["direction"]], h}].push_back(v);
    }
  }
  std::size_t checked = 0;
  for (std::size_t i = 1; i < stats.size(); ++i) {
    const auto& c = stats[i];
    const Key key{c[sc["pattern"]], c[sc["symbol"]], c[sc["direction"]], c[sc["horizon"]]};
    const auto& v = returns[key];
    INFO(c[sc["pattern"]] << " " << c[sc["symbol"]] << " h=" << c[sc["horizon"]]);
    REQUIRE(std::stoul(c[sc["n"]]) == v.size());
    if (v.empty()) continue;
    double sum = 0;
    std::size_t hits = 0;
    for (const double x : v) {
      sum += x;
      hits += x > 0 ? 1 : 0;
    }
    CHECK(std::stoul(c[sc["hits"]]) == hits);
    CHECK(std::stod(c[sc["mean"]]) == Approx(sum / static_cast<double>(v.size())).epsilon(1e-12));
    ++checked;
  }
  CHECK(checked > 50);
  fs::remove_all(dir);
}

TEST_CASE("backtest run: bad arguments exit 2 naming the flag, missing data exits 3",
          "[app][backtest]") {
  const std::string dir = temp_dir();
  write_days(dir, "AAA", 1, 300);
  const std::string base = "backtest run --source csv:" + dir + " --out " + dir + "/out ";
  struct Case {
    std::string args, flag;
  };
  for (const Case& c : std::vector<Case>{
           {"--symbols AAA --from 2019-01-01", "--to"},
           {"--symbols AAA --from 2019-13-01 --to 2019-06-01", "--from"},
           {"--symbols AAA --from 2019-01-01 --to 2025-01-01", "--to"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --horizons 0", "--horizons"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --timeframes 2d", "--timeframes"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --patterns CDLNOPE", "--patterns"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --entry later", "--entry"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --set RSI.nope=1", "--set"},
           {"--from 2019-01-01 --to 2019-06-01", "--symbols"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --strategy --stop-loss 0",
            "--stop-loss"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --strategy --max-hold 0",
            "--max-hold"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --strategy --intrabar maybe",
            "--intrabar"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --timeframes 1d --strategy "
            "--strategy-timeframe 1h",
            "--strategy-timeframe"},
           {"--symbols AAA --from 2019-01-01 --to 2019-06-01 --strategy --capital 10", "--capital"},
       }) {
    const auto r = run_app(base + c.args);
    INFO(c.args << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.flag) != std::string::npos);
  }
  const auto r = run_app(base +
                         "--symbols AAA,ZZZ --from 2019-03-01 --to 2019-06-01 "
                         "--timeframes 1d");
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no bars for ZZZ from 2019-03-01 to 2019-06-01") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/out"));
  const auto bad_source = run_app(
      "backtest run --symbols AAA --from 2019-03-01 --to 2019-06-01 "
      "--source csv:" +
      dir + "/nope");
  CHECK(bad_source.exit_code == 1);
  CHECK(bad_source.err.find(dir + "/nope") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("backtest run --strategy trades the signals: trades.csv adds up to equity.csv",
          "[app][backtest]") {
  const std::string dir = temp_dir();
  fs::create_directories(dir + "/bars");
  write_days(dir + "/bars", "AAA", 3, 700);
  write_days(dir + "/bars", "BBB", 4, 700);
  const auto r = run_app("backtest run --source csv:" + dir +
                         "/bars --symbols AAA,BBB --from 2019-06-01 --to 2020-11-30 "
                         "--timeframes 1d --strategy --capital 50000 --out " +
                         dir + "/out");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("; strategy: ") != std::string::npos);
  const Table trades = parse_csv(read_file(dir + "/out/trades.csv"));
  const Table equity = parse_csv(read_file(dir + "/out/equity.csv"));
  REQUIRE(trades.size() > 2);
  REQUIRE(equity.size() > 300);
  auto tc = columns(trades);
  auto ec = columns(equity);
  // Closed trades are all the strategy made: the capital plus their P&L is the final equity.
  double pnl = 0;
  for (std::size_t i = 1; i < trades.size(); ++i) {
    pnl += std::stod(trades[i][tc["pnl"]]);
    const std::string reason = trades[i][tc["exit_reason"]];
    CHECK((reason == "gap" || reason == "stop" || reason == "target" || reason == "max_hold" ||
           reason == "end"));
    CHECK(trades[i][tc["direction"]] == "long");
  }
  CHECK(std::stod(equity.back()[ec["equity"]]) == Approx(50'000 + pnl).epsilon(1e-9));
  CHECK(equity.back()[ec["positions"]] == "0");
  const std::string json = read_file(dir + "/out/results.json");
  CHECK(json.find("\"initial_capital\":50000") != std::string::npos);
  CHECK(fs::exists(dir + "/out/equity_daily.csv"));
  fs::remove_all(dir);
}
