// Builds 1-minute bars from three trades with the engine alone: no database, no Redis.
#include <cstdio>

#include "tickstock/tickstock.h"

class PrintBars final : public tickstock::BarSink {
 public:
  void on_bar(const tickstock::Bar& b) override {
    std::printf("%s %.*s %s O=%g H=%g L=%g C=%g V=%g\n",
                std::string(tickstock::timeframe_name(b.timeframe)).c_str(),
                static_cast<int>(b.symbol.name().size()), b.symbol.name().data(),
                tickstock::format_iso8601(b.start).c_str(), b.open, b.high, b.low, b.close,
                b.volume);
  }
};

int main() {
  tickstock::SymbolTable symbols;
  tickstock::ManualClock clock;
  PrintBars sink;
  tickstock::BarAggregator agg(tickstock::AggregatorOptions{}, clock, sink);
  const tickstock::Symbol spy = symbols.intern("SPY");
  const tickstock::Timestamp t0 = *tickstock::parse_timestamp("2013-10-07T13:30:00Z");
  for (int i = 0; i < 3; ++i) {
    const tickstock::Timestamp t = t0 + i * 20 * tickstock::kNanosPerSecond;
    clock.set(t);
    agg.on_tick({spy, t, t, 169.0 + 0.1 * i, 100, tickstock::kTickNormal});
  }
  agg.flush();
  // Indicators are plain value types: feed values, read results.
  tickstock::Sma sma(2);
  sma.update(1.0);
  sma.update(3.0);
  std::printf("SMA(2)=%g\n", sma.value());
  return agg.stats().ticks_used == 3 && sma.ready() ? 0 : 1;
}
