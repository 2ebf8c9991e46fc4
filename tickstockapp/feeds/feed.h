// A market-data feed: produces ticks (or minute bars) and clock readings on its own thread.
#ifndef TICKSTOCKAPP_FEEDS_FEED_H_
#define TICKSTOCKAPP_FEEDS_FEED_H_

#include <algorithm>
#include <atomic>
#include <string>

#include "tickstock/result.h"

#include "engine/feed_queue.h"

namespace tickstock::app {

// Counters a feed keeps; read from other threads.
struct FeedStats {
  std::atomic<std::uint64_t> items{0};        // ticks or bars produced
  std::atomic<std::uint64_t> bad_records{0};  // input records refused with an error message
};

// `ns` as whole nanoseconds, saturated to what a Timestamp holds (NaN: 0): times scaled by a
// speed (replay, synthetic) are cast through it, so that no speed or span can overflow.
inline Timestamp saturated_ns(double ns) {
  constexpr double kLimit = 9.2e18;  // just below 2^63
  if (!(ns == ns)) return 0;
  return static_cast<Timestamp>(std::clamp(ns, -kLimit, kLimit));
}

class Feed {
 public:
  virtual ~Feed() = default;
  // Produces into `out` until the input ends (returns ok) or `stop` becomes true. The error
  // result is a fatal problem (e.g. the file cannot be opened); bad records are only counted.
  virtual Result<void> run(FeedQueue& out, const std::atomic<bool>& stop) = 0;
  // Human-readable description, e.g. "replay:ticks.csv.gz at max speed".
  virtual std::string describe() const = 0;
  // True when the feed's items carry event time that should drive the engine clock.
  virtual bool event_time_clock() const = 0;
  FeedStats& stats() { return stats_; }

 protected:
  FeedStats stats_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_FEED_H_
