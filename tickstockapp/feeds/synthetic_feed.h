// Deterministic synthetic market: N symbols, a scenario, and optional injected candlestick
// shapes, all derived from one seed. At speed "max" it runs on simulated time from a fixed
// start, so two runs with the same seed produce the same ticks; at N x real time the price
// path is the same and timestamps follow the wall clock.
#ifndef TICKSTOCKAPP_FEEDS_SYNTHETIC_FEED_H_
#define TICKSTOCKAPP_FEEDS_SYNTHETIC_FEED_H_

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tickstock/clock.h"
#include "tickstock/types.h"

#include "feeds/feed.h"

namespace tickstock::app {

enum class Scenario : std::uint8_t { Normal, Volatile, Crash, Rally, OpeningBell };
std::optional<Scenario> parse_scenario(std::string_view s);
std::string_view scenario_name(Scenario s);

struct SyntheticOptions {
  std::uint64_t seed = 42;  // everything derives from it
  int symbols = 10;         // SYN00, SYN01, ...
  Scenario scenario = Scenario::Normal;
  bool inject_patterns = true;  // doji, hammer, engulfing, harami, stars now and then
  int ticks_per_minute = 30;    // per symbol
  double speed = 1;             // 0 = max (simulated time), else N x real time
  Timestamp start = 0;          // simulated start (speed 0); default 2024-01-02 09:30 NY
  std::int64_t minutes = 0;     // stop after this many simulated minutes (0 = never)
};

class SyntheticFeed final : public Feed {
 public:
  // REQUIRES: symbols and clock outlive the feed; clock is the wall clock for real-time mode.
  SyntheticFeed(SyntheticOptions options, SymbolTable& symbols, const Clock& clock);
  Result<void> run(FeedQueue& out, const std::atomic<bool>& stop) override;
  std::string describe() const override;
  bool event_time_clock() const override { return true; }

  // One minute of one symbol: the OHLC the generator aims for.
  struct MinutePlan {
    double open, high, low, close;
    double volume;
  };

 private:
  struct SymbolPath {
    Symbol symbol;
    double last = 100;
    std::vector<MinutePlan> queued;  // injected shapes still to play, in order
  };
  MinutePlan plan_minute(SymbolPath& p, std::int64_t minute);
  void emit_minute(const SymbolPath& p, const MinutePlan& m, Timestamp start, FeedBatch& out);
  double normal();
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  SyntheticOptions opt_;
  const Clock& clock_;
  std::mt19937_64 rng_;
  std::vector<SymbolPath> paths_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_SYNTHETIC_FEED_H_
