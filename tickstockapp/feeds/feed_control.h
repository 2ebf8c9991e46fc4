// The run-time controls of a live feed: what the dashboard's admin API and serve's runtime may
// change while the feed runs. A named interface instead of callbacks and references captured
// into lambdas, so that who changes what on a running feed can be found and tested.
#ifndef TICKSTOCKAPP_FEEDS_FEED_CONTROL_H_
#define TICKSTOCKAPP_FEEDS_FEED_CONTROL_H_

#include <string>
#include <vector>

namespace tickstock::app {

// Implemented by feeds whose subscriptions can change at run time (Polygon's). All members
// are thread-safe: they are called from the web workers and the runtime, not the feed thread.
class FeedControl {
 public:
  virtual ~FeedControl() = default;
  // Replaces the universe ({"*"}: all symbols) without restarting the feed.
  virtual void set_symbols(std::vector<std::string> symbols) = 0;
  // The symbols subscribed now; empty while the feed has no session.
  virtual std::vector<std::string> subscribed() const = 0;
  // Whether to fetch the minutes missed since the newest stored one before going live. Read
  // once, when the feed starts: serve knows whether it stores only after the feed is made.
  virtual void set_gap_fill(bool on) = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_FEED_CONTROL_H_
