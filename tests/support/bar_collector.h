// BarSink that records everything it receives, for assertions.
#ifndef TICKSTOCK_TESTS_SUPPORT_BAR_COLLECTOR_H_
#define TICKSTOCK_TESTS_SUPPORT_BAR_COLLECTOR_H_

#include <vector>

#include "tickstock/sink.h"

namespace tickstock::test {

class BarCollector final : public BarSink, public TickRejectSink {
 public:
  void on_bar(const Bar& bar) override { bars.push_back(bar); }
  void flush() override { ++flushes; }
  void on_reject(const Tick& tick, TickReject reason) override {
    rejected.push_back({tick, reason});
  }
  // Bars of one timeframe, in emission order.
  std::vector<Bar> of(Timeframe tf) const {
    std::vector<Bar> out;
    for (const Bar& b : bars)
      if (b.timeframe == tf) out.push_back(b);
    return out;
  }

  struct Rejected {
    Tick tick;
    TickReject reason;
  };
  std::vector<Bar> bars;
  std::vector<Rejected> rejected;
  int flushes = 0;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_BAR_COLLECTOR_H_
