// PolygonFeed against producers that misbehave: a trade stamped far in the future, a flood of
// random tickers beyond the symbol table's capacity, and tickers with control characters. Each
// is refused, counted and reported, and every good trade still makes its bars.
#include <string>

#include <catch2/catch.hpp>

#include "polygon/polygon_harness.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;

namespace {

std::string trade_frame(const std::string& sym, std::int64_t t_ms) {
  return R"([{"ev":"T","sym":")" + sym + R"(","p":1.5,"s":100,"t":)" + std::to_string(t_ms) + "}]";
}

}  // namespace

TEST_CASE("Polygon feed: a trade stamped in 2261 is refused and every later minute still made",
          "[polygon][feed][time]") {
  const auto trades = synthetic_trades(4, 3000);
  const auto want = direct_bars(trades);
  REQUIRE(want.size() > 20);
  FakePolygonOptions so;
  so.trades = trades;
  so.per_frame = 50;
  so.inject[1000] = {trade_frame("S1", 9'183'110'400'000)};  // 2261-01-01
  FakePolygonServer server(so);
  FeedPipeline p(FeedPipeline::options_for(server, {"*"}));
  p.start();
  REQUIRE(p.wait_items(trades.size()));
  p.finish();
  REQUIRE(p.result.has_value());
  CHECK(bar_differences(final_bars(p.sink.bars), want).empty());
  CHECK(p.agg.stats().rejected[static_cast<int>(TickReject::TooLate)] == 0);
  CHECK(p.feed.stats().bad_records.load() == 1);
  CHECK(p.errors.count("polygon_feed") == 1);
}

TEST_CASE("Polygon feed: random tickers beyond --max-symbols are refused, known symbols flow",
          "[polygon][feed][symbol]") {
  const auto trades = synthetic_trades(4, 3000);
  const auto want = direct_bars(trades);
  FakePolygonOptions so;
  so.trades = trades;
  so.per_frame = 50;
  std::vector<std::string> flood;
  for (int i = 0; i < 300; ++i) {
    std::string frame = "[";
    for (int k = 0; k < 10; ++k) {
      const std::string sym = "Z" + std::to_string(i * 10 + k) + (k % 2 == 0 ? "" : "_LONGER_NAME");
      frame += std::string(k == 0 ? "" : ",") + R"({"ev":"T","sym":")" + sym +
               R"(","p":1.5,"s":100,"t":1704205800000})";
    }
    flood.push_back(frame + "]");
  }
  flood.push_back(trade_frame("BAD\\u0000SYM", 1'704'205'800'000));
  so.inject[1000] = flood;
  FakePolygonServer server(so);
  FeedPipeline p(FeedPipeline::options_for(server, {"*"}), 4096, 4);
  p.start();
  REQUIRE(p.wait_items(trades.size()));
  p.finish();
  REQUIRE(p.result.has_value());
  CHECK(bar_differences(final_bars(p.sink.bars), want).empty());
  CHECK(p.symbols.size() == 4);
  CHECK(p.symbols.refused() == 3000);
  CHECK(p.feed.stats().bad_records.load() == 3001);
  CHECK(p.errors.count("symbol_limit") == 3000);
  CHECK(p.errors.count("polygon_feed") == 1);  // the ticker with a NUL
}
