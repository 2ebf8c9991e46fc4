// The universe (list, file, database group) and changing it at run time without reconnecting.
#include "polygon/universe.h"

#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "polygon/polygon_harness.h"
#include "support/pg_test_db.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;
using app::load_symbol_group;
using app::parse_symbol_list;
using app::read_symbols_file;

TEST_CASE("Universe: lists are trimmed, upper-cased, de-duplicated, * means all",
          "[polygon][universe]") {
  CHECK(*parse_symbol_list(" spy, AAPL ,,spy,brk.a ") ==
        std::vector<std::string>{"SPY", "AAPL", "BRK.A"});
  CHECK(*parse_symbol_list("SPY,*") == std::vector<std::string>{"*"});
  CHECK(parse_symbol_list("").value().empty());
  auto bad = parse_symbol_list("SPY,A B");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message ==
        "--symbols: field 'symbol': 'A B' is not a symbol (byte 2 is ' '; allowed: letters, "
        "digits and . - : / ^ _)");
}

TEST_CASE("Universe: lists and files follow the symbol grammar, control characters are escaped",
          "[polygon][universe][symbol]") {
  CHECK(*parse_symbol_list("x:btcusd,I:SPX,o:spy251219c00650000,brk_b,^vix,c:eur/usd") ==
        std::vector<std::string>{"X:BTCUSD", "I:SPX", "O:SPY251219C00650000", "BRK_B", "^VIX",
                                 "C:EUR/USD"});
  auto bell = parse_symbol_list(std::string("SPY,A") + '\x07' + "B");
  REQUIRE_FALSE(bell.has_value());
  CHECK(bell.error().message ==
        "--symbols: field 'symbol': 'A\\x07B' is not a symbol (byte 2 is '\\x07'; allowed: "
        "letters, digits and . - : / ^ _)");
  CHECK_FALSE(parse_symbol_list(std::string(33, 'A')).has_value());
  const auto file = write_temp("universe-ctl.txt", "SPY\nQQ\x1bQ\n");
  auto r = read_symbols_file(file);
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message,
             Catch::StartsWith(file + ":2: field 'symbol': 'QQ\\x1bQ' is not a symbol"));
}

TEST_CASE("Universe: a file of symbols, with comments, errors name file:line",
          "[polygon][universe]") {
  const auto good = write_temp("universe.txt", "# core\nSPY, QQQ\n\niwm  # small caps\nSPY\n");
  CHECK(*read_symbols_file(good) == std::vector<std::string>{"SPY", "QQQ", "IWM"});
  const auto bad = write_temp("universe-bad.txt", "SPY\nQQQ\nnot$valid\n");
  auto r = read_symbols_file(bad);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == bad +
                                 ":3: field 'symbol': 'NOT$VALID' is not a symbol (byte 4 is '$'; "
                                 "allowed: letters, digits and . - : / ^ _)");
  CHECK_FALSE(read_symbols_file("/nonexistent/x").has_value());
  CHECK_FALSE(read_symbols_file(write_temp("universe-empty.txt", "# nothing\n")).has_value());
}

TEST_CASE("Universe: a symbol group from the database", "[polygon][universe][pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  db.query(
      "INSERT INTO symbols (symbol) VALUES ('SPY'), ('QQQ'), ('IWM');"
      "INSERT INTO symbol_groups (name, kind) VALUES ('core', 'UNIVERSE'), ('empty', 'THEME');"
      "INSERT INTO symbol_group_members (group_name, symbol) VALUES ('core', 'SPY'), "
      "('core', 'QQQ')");
  CHECK(*load_symbol_group(db.url(), "core") == std::vector<std::string>{"QQQ", "SPY"});
  auto missing = load_symbol_group(db.url(), "nope");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("no such symbol group") != std::string::npos);
  CHECK(load_symbol_group(db.url(), "empty").error().message ==
        "--universe 'empty': the group has no members");
}

TEST_CASE("Universe: set_symbols changes the subscriptions on the open connection",
          "[polygon][universe][feed]") {
  const auto trades = synthetic_trades(3, 3000);
  FakePolygonOptions so;
  so.trades = trades;
  so.hold_at = 1500;
  FakePolygonServer server(so);
  FeedPipeline p(FeedPipeline::options_for(server, {"S0"}));
  std::size_t first_s0 = 0, later_s1_s2 = 0;
  for (std::size_t i = 0; i < trades.size(); ++i) {
    if (i < 1500 && trades[i].sym == "S0") ++first_s0;
    if (i >= 1500 && trades[i].sym != "S0") ++later_s1_s2;
  }
  p.start();
  REQUIRE(p.wait_items(first_s0));
  CHECK(server.subscriptions() == std::set<std::string>{"AM.S0", "T.S0"});
  p.feed.set_symbols({"S1", "S2"});
  REQUIRE(FakePolygonServer::wait_for(
      [&] {
        return server.subscriptions() == std::set<std::string>{"AM.S1", "AM.S2", "T.S1", "T.S2"};
      },
      10s));
  server.release();
  REQUIRE(p.wait_items(first_s0 + later_s1_s2));
  CHECK(p.feed.subscribed() == std::vector<std::string>{"S1", "S2"});
  p.finish();
  CHECK(server.connections() == 1);
  CHECK(p.feed.polygon_stats().subscription_changes == 1);
  bool unsubscribed = false;
  for (const auto& m : server.received())
    unsubscribed |= m == R"(1: {"action":"unsubscribe","params":"T.S0,AM.S0"})";
  CHECK(unsubscribed);
  // Bars of S1 and S2 come from the trades after the change only.
  std::vector<FakeTrade> expected;
  for (std::size_t i = 0; i < trades.size(); ++i)
    if ((i < 1500 && trades[i].sym == "S0") || (i >= 1500 && trades[i].sym != "S0"))
      expected.push_back(trades[i]);
  CHECK(bar_differences(final_bars(p.sink.bars), direct_bars(expected)).empty());
}

TEST_CASE("serve --feed polygon: --symbols-file and --universe are read, one at a time",
          "[polygon][serve][universe]") {
  const std::string env =
      "env -u DATABASE_URL -u TICKSTOCK_SYMBOLS -u TICKSTOCK_UNIVERSE -u TICKSTOCK_SYMBOLS_FILE "
      "POLYGON_API_KEY=k";
  auto r = run_app("serve --feed polygon --symbols SPY --universe core", env);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("give one of --symbols, --symbols-file and --universe") != std::string::npos);
  r = run_app(
      "serve --feed polygon --symbols-file " + write_temp("universe-cli.txt", "SPY\nbad symbol\n"),
      env);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("universe-cli.txt:2: field 'symbol': 'BAD SYMBOL' is not a symbol") !=
        std::string::npos);
  r = run_app("serve --feed polygon --universe core", env);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--universe 'core': needs the database") != std::string::npos);
}
