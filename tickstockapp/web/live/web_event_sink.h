// The engine's hand-off to the dashboard: a BarSink and ScanSink for serve's fan-outs that only
// copies each event into a bounded buffer, which the web layer's own thread takes whole. The
// engine never waits on the web layer: when the buffer is full, bars and indicator updates are
// dropped (counted); pattern events and alerts get twice the room before they are dropped too.
#ifndef TICKSTOCKAPP_WEB_LIVE_WEB_EVENT_SINK_H_
#define TICKSTOCKAPP_WEB_LIVE_WEB_EVENT_SINK_H_

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "tickstock/scanner.h"
#include "tickstock/sink.h"

namespace tickstock::app {

struct WebEvent {
  enum class Kind : std::uint8_t { kBar, kScan, kPattern, kAlert };
  Kind kind = Kind::kBar;
  Bar bar;               // kBar, kScan: the bar (for kPattern/kAlert: symbol and timeframe)
  PatternEvent pattern;  // kPattern
  AlertEvent alert;      // kAlert
  std::array<double, kFieldCount> values{};  // kScan: the indicator values (NaN: none)
  std::int64_t emitted_us = 0;               // wall clock when the engine handed it over
};

// on_* run on the engine thread, take() on the web layer's. Thread-safe.
class WebEventSink final : public BarSink, public ScanSink {
 public:
  // REQUIRES: capacity > 0.
  explicit WebEventSink(std::size_t capacity = 100000) : capacity_(capacity) { buf_.reserve(1024); }
  void on_bar(const Bar& bar) override;
  void on_scan(const ScanResult& r) override;
  void on_pattern(const PatternEvent& e) override;
  void on_alert(const AlertEvent& e) override;
  void flush() override {}

  // With `deferred`, take() is woken only by publish() (or close()), so that the events of one
  // engine batch (a bar close across many symbols) are taken together: the engine calls
  // publish() after each batch. Without it, take() wakes at the first event.
  void set_deferred(bool deferred) { deferred_ = deferred; }
  // Wakes take() when events are waiting (engine thread).
  void publish();
  // Swaps the buffered events into `out` (cleared first; its capacity is reused), waiting up
  // to `wait` for the first one. Returns false once close() was called and nothing is left.
  bool take(std::vector<WebEvent>& out, std::chrono::milliseconds wait);
  // Wakes take() for good.
  void close();
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }
  std::size_t depth();

 private:
  void push(const WebEvent& e, bool important);
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::vector<WebEvent> buf_;
  bool waiting_ = false;
  bool closed_ = false;
  bool deferred_ = false;
  bool signalled_ = false;  // events are ready for take()
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> accepted_{0};
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_LIVE_WEB_EVENT_SINK_H_
