// roll_up_minutes(): one BarAggregator per call, fed the minutes on a ManualClock.
#include "backtest/minute_rollup.h"

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>

#include "tickstock/bar_aggregator.h"
#include "tickstock/clock.h"
#include "tickstock/sink.h"

namespace tickstock::backtest {
namespace {

// Collects one timeframe's bars as the aggregator emits them, in start order, a revision
// replacing the version emitted before it.
class FinalBars final : public BarSink {
 public:
  explicit FinalBars(Timeframe tf) : tf_(tf) {}
  void on_bar(const Bar& bar) override {
    if (bar.timeframe != tf_) return;
    auto it = bars.end();
    while (it != bars.begin() && std::prev(it)->start > bar.start) --it;
    if (it != bars.begin() && std::prev(it)->start == bar.start) {
      *std::prev(it) = bar;
    } else {
      bars.insert(it, bar);
    }
  }
  std::vector<Bar> bars;

 private:
  Timeframe tf_;
};

}  // namespace

Result<std::vector<Bar>> roll_up_minutes(std::span<const Bar> minutes, Timeframe tf,
                                         std::string_view symbol) {
  AggregatorOptions options;
  options.emit.fill(false);
  options.emit[static_cast<std::size_t>(tf)] = true;
  ManualClock clock;
  FinalBars out(tf);
  BarAggregator aggregator(options, clock, out);
  for (const Bar& m : minutes) {
    clock.set(m.start + kNanosPerMinute);
    aggregator.on_minute_bar(m);
  }
  aggregator.flush();
  // A refused minute would leave a hole in its bars: an error, not a quiet gap (the CSV source
  // checks its rows as the aggregator does, so there a refusal would be a rule added here).
  std::uint64_t refused = 0;
  for (const std::uint64_t n : aggregator.stats().rejected) refused += n;
  if (refused > 0)
    return fail(symbol, ": ", std::to_string(refused), " 1-minute bars refused by the roll-up to ",
                timeframe_name(tf));
  return std::move(out.bars);
}

}  // namespace tickstock::backtest
