// Clocks: the only way anything in TickStock learns "now". Inject one; tests and backtests
// use ManualClock so that every run is deterministic.
#ifndef TICKSTOCK_CLOCK_H_
#define TICKSTOCK_CLOCK_H_

#include <atomic>

#include "tickstock/types.h"

namespace tickstock {

// Source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Current time, ns UTC.
  virtual Timestamp now() const = 0;
};

// Wall-clock time (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// Time that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = 0) : now_(start) {}
  Timestamp now() const override { return now_.load(std::memory_order_acquire); }
  // Sets the time. Time may be set backwards; consumers treat "now" as a lower bound.
  void set(Timestamp t) { now_.store(t, std::memory_order_release); }
  // Moves time forward by `d` ns.
  void advance(Timestamp d) { now_.fetch_add(d, std::memory_order_acq_rel); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace tickstock

#endif  // TICKSTOCK_CLOCK_H_
