// WebEventSink: the engine's hand-off to the dashboard wakes the web thread at the first event,
// or, deferred, only when the engine publishes the end of a batch; it never blocks the engine.
#include "web/live/web_event_sink.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/types.h"

namespace tickstock::app {
namespace {

Bar bar_at(SymbolTable& symbols, Timestamp start) {
  Bar b;
  b.symbol = symbols.intern("SPY");
  b.timeframe = Timeframe::M1;
  b.start = start;
  b.open = b.high = b.low = b.close = 100;
  b.volume = 10;
  return b;
}

}  // namespace

TEST_CASE("web event sink: take() wakes at the first event", "[app][web][threads]") {
  SymbolTable symbols;
  WebEventSink sink;
  std::vector<WebEvent> got;
  std::atomic<bool> done{false};
  const auto started = std::chrono::steady_clock::now();
  std::thread consumer([&] {
    REQUIRE(sink.take(got, std::chrono::seconds(30)));
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  sink.on_bar(bar_at(symbols, 60));
  consumer.join();
  CHECK(done);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
  REQUIRE(got.size() == 1);
  CHECK(got[0].kind == WebEvent::Kind::kBar);
  CHECK(got[0].emitted_us > 0);
  sink.close();
  CHECK_FALSE(sink.take(got, std::chrono::seconds(1)));
}

TEST_CASE("web event sink: deferred, a batch's events are taken together at publish()",
          "[app][web][threads]") {
  SymbolTable symbols;
  WebEventSink sink;
  sink.set_deferred(true);
  std::vector<WebEvent> got;
  std::atomic<bool> done{false};
  const auto started = std::chrono::steady_clock::now();
  std::thread consumer([&] {
    REQUIRE(sink.take(got, std::chrono::seconds(30)));
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  sink.on_bar(bar_at(symbols, 60));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(done);  // the engine has not finished its batch
  sink.on_bar(bar_at(symbols, 120));
  sink.publish();
  consumer.join();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
  REQUIRE(got.size() == 2);
  CHECK(got[0].bar.start == 60);
  CHECK(got[1].bar.start == 120);
  // Without a publish(), a timed-out take() still hands over what is buffered.
  sink.on_bar(bar_at(symbols, 180));
  REQUIRE(sink.take(got, std::chrono::milliseconds(100)));
  REQUIRE(got.size() == 1);
  CHECK(got[0].bar.start == 180);
  // A publish() with nothing buffered does not wake the consumer for nothing.
  sink.publish();
  REQUIRE(sink.take(got, std::chrono::milliseconds(100)));
  CHECK(got.empty());
}

TEST_CASE("web event sink: a full buffer drops bars before pattern events, counted", "[app][web]") {
  SymbolTable symbols;
  WebEventSink sink(2);
  for (int i = 0; i < 3; ++i) sink.on_bar(bar_at(symbols, 60 * (i + 1)));
  CHECK(sink.accepted() == 2);
  CHECK(sink.dropped() == 1);
  PatternEvent p;
  p.symbol = symbols.intern("SPY");
  p.timeframe = Timeframe::M1;
  p.bar_start = 60;
  sink.on_pattern(p);
  sink.on_pattern(p);
  sink.on_pattern(p);
  CHECK(sink.accepted() == 4);  // patterns get twice the room
  CHECK(sink.dropped() == 2);
  CHECK(sink.depth() == 4);
}

}  // namespace tickstock::app
