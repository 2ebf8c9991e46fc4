// serve replaying one symbol into a database that holds others: the warm start resumes every
// stored symbol, but nothing of the others is printed, stored (again) or published at exit, no
// alert or pattern reaches Redis twice, and the counters say what happened (replayed bars are
// not "stale revisions").
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/redis_events.h"

#include "app/app_support.h"
#include "support/pg_test_db.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"

using namespace tickstock::test;

namespace {

// 1-minute bars of `symbols` through one regular session (2024-03-05, 09:30-15:59 New York),
// interleaved by time, from a seeded walk with jumps (so that patterns and alerts come), plus
// one pre-market minute of the first symbol (08:00 New York).
std::string session_of(const std::vector<std::string>& symbols) {
  std::string csv = "ts,symbol,open,high,low,close,volume\n";
  const tickstock::Timestamp open = *tickstock::parse_timestamp("2024-03-05T14:30:00Z");
  std::uint64_t seed = 12345;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(seed >> 33) / static_cast<double>(1ull << 31);
  };
  std::map<std::string, double> price;
  for (const auto& s : symbols) price[s] = 100;
  auto row = [&](tickstock::Timestamp t, const std::string& s) {
    double& p = price[s];
    const double o = p;
    p = std::max(1.0, p + (next() - 0.5) * (next() < 0.05 ? 6 : 1));
    const double hi = std::max(o, p) + next() * 0.4, lo = std::min(o, p) - next() * 0.4;
    csv += tickstock::format_iso8601(t) + "," + s + "," + std::to_string(o) + "," +
           std::to_string(hi) + "," + std::to_string(lo) + "," + std::to_string(p) + "," +
           std::to_string(100 + static_cast<int>(next() * 1000)) + "\n";
  };
  row(open - 90 * tickstock::kNanosPerMinute, symbols[0]);
  for (int i = 0; i < 390; ++i)
    for (const auto& s : symbols) row(open + i * tickstock::kNanosPerMinute, s);
  return csv;
}

// Every stored row of `symbol`, with when and at which revision it was written.
std::string stored_rows(const TestDatabase& db, const std::string& symbol) {
  std::string all;
  for (const char* t : {"ohlcv_1min", "ohlcv_5min", "ohlcv_15min", "ohlcv_30min", "ohlcv_hourly",
                        "ohlcv_4hour", "ohlcv_daily", "pattern_detections", "indicator_values"})
    all += std::string(t) + ": " +
           db.query(std::string("SELECT count(*) || ' ' || coalesce(md5(string_agg(to_jsonb(t)"
                                "::text, ',' ORDER BY to_jsonb(t)::text)), '') FROM ") +
                    t + " t WHERE symbol = '" + symbol + "'") +
           "\n";
  return all;
}

struct Run {
  RunResult result;
  std::vector<tickstock::app::RedisMessage> published;
};

}  // namespace

TEST_CASE("serve replaying one symbol leaves the others' resumed bars alone and never repeats",
          "[app][serve][db][redis][resume]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string both = write_temp("spy-aig.csv", session_of({"SPY", "AIG"}));
  const std::string aig = write_temp("aig.csv", session_of({"AIG"}));
  const std::string prefix = unique_prefix("resume");
  const tickstock::RedisChannels ch(prefix);
  const std::string env =
      db.env() + " REDIS_URL=redis://" + redis_host() + ":" + std::to_string(redis_port()) + "/0";
  auto serve = [&](const std::string& file) {
    Run run;
    RedisCollector collector(redis_host(), redis_port(), published_channels(ch));
    run.result = run_app("serve --feed replay:" + file +
                             " --speed max --exit-on-eof --redis-bars --redis-no-jobs "
                             "--spill-dir '' --redis-prefix " +
                             prefix,
                         env);
    run.published = collector.finish();
    return run;
  };
  // Both symbols stored as docs/database.md does it: their minutes imported, the day rolled up.
  // (Their 5-minute to 4-hour bars are not stored: the warm start rebuilds the open ones.)
  REQUIRE(run_app("import --bars " + both, env).exit_code == 0);
  REQUIRE(run_app("rollup --daily --all-sessions --from 2024-03-05", env).exit_code == 0);
  const std::string spy_before = stored_rows(db, "SPY");

  // AIG replayed, twice.
  const Run second = serve(aig), third = serve(aig);
  for (const Run* r : {&second, &third}) {
    INFO(r->result.err);
    REQUIRE(r->result.exit_code == 0);
    CHECK(r->result.out.find("AIG") != std::string::npos);
    CHECK(r->result.out.find("SPY") == std::string::npos);  // nothing of SPY printed
    for (const auto& m : r->published) {
      INFO(m.channel << " " << m.payload);
      CHECK(m.payload.find("\"symbol\":\"SPY\"") == std::string::npos);  // nor published
    }
    // SPY's open bars were resumed, not emitted: said, and counted.
    CHECK(r->result.err.find("open bars carried over by the warm start took nothing in this run "
                             "and were left open (not emitted)") != std::string::npos);
  }
  CHECK(stored_rows(db, "SPY") == spy_before);  // nor stored again
  // The replayed AIG bars are counted as such, not as stale revisions.
  CHECK(third.result.err.find(" 0 stale revisions, ") != std::string::npos);
  CHECK(
      third.result.err.find(" bars not newer than their series' newest (replayed, not scanned)") !=
      std::string::npos);
  CHECK(third.result.err.find(" 0 bars not newer") == std::string::npos);

  // No pattern or alert reached a subscriber twice, over both runs.
  std::map<std::string, int> seen;
  std::size_t events = 0;
  for (const Run* r : {&second, &third}) {
    for (const auto& m : r->published) {
      if (m.channel != ch.patterns && m.channel != ch.alerts) continue;
      ++events;
      std::string key = m.channel;
      for (const char* f :
           {"symbol", "timeframe", "bar_start", "revision", "pattern", "alert", "retracted"})
        key += " " + json_field(m.payload, f);
      ++seen[key];
    }
  }
  CHECK(events > 0);
  for (const auto& [key, n] : seen) {
    INFO(key);
    CHECK(n == 1);
  }
  std::remove(both.c_str());
  std::remove(aig.c_str());
}
