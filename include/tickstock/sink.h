// Narrow interfaces through which each stage pushes its output downstream.
#ifndef TICKSTOCK_SINK_H_
#define TICKSTOCK_SINK_H_

#include <vector>

#include "tickstock/types.h"

namespace tickstock {

// Receives bars as they close (revision 0) and again when corrected (revision > 0).
// Called on the engine thread; implementations must not block it.
class BarSink {
 public:
  virtual ~BarSink() = default;
  // One closed or revised bar.
  virtual void on_bar(const Bar& bar) = 0;
  // End of input or shutdown: push out anything buffered. Default: nothing to do.
  virtual void flush() {}
};

// Receives ticks refused by a stage, with the reason. Called on the engine thread.
class TickRejectSink {
 public:
  virtual ~TickRejectSink() = default;
  // `tick` was not used because of `reason`.
  virtual void on_reject(const Tick& tick, TickReject reason) = 0;
};

// Forwards every bar to several sinks, in the order they were added. Not thread-safe.
class BarFanOut final : public BarSink {
 public:
  // Adds a sink. REQUIRES: `sink` outlives this object.
  void add(BarSink& sink) { sinks_.push_back(&sink); }
  void on_bar(const Bar& bar) override {
    for (BarSink* s : sinks_) s->on_bar(bar);
  }
  void flush() override {
    for (BarSink* s : sinks_) s->flush();
  }

 private:
  std::vector<BarSink*> sinks_;
};

}  // namespace tickstock

#endif  // TICKSTOCK_SINK_H_
