// Replays a ticks CSV (ts_ns,symbol,price,size) or a bars CSV (ts,symbol,open,high,low,close,
// volume), plain or .gz, at full speed or at N x real time.
#ifndef TICKSTOCKAPP_FEEDS_REPLAY_FEED_H_
#define TICKSTOCKAPP_FEEDS_REPLAY_FEED_H_

#include "tickstock/types.h"

#include "base/log.h"
#include "feeds/feed.h"

namespace tickstock::app {

struct ReplayOptions {
  std::string path;                          // file to replay, "-" for stdin
  double speed = 0;                          // 0 = as fast as possible, else N x real time
  Timestamp lateness = 5 * kNanosPerMinute;  // records older than max seen - lateness are errors
};

class ReplayFeed final : public Feed {
 public:
  // REQUIRES: symbols and log outlive the feed.
  ReplayFeed(ReplayOptions options, SymbolTable& symbols, Log& log)
      : opt_(std::move(options)), symbols_(symbols), log_(log) {}
  Result<void> run(FeedQueue& out, const std::atomic<bool>& stop) override;
  std::string describe() const override;
  bool event_time_clock() const override { return true; }

 private:
  ReplayOptions opt_;
  SymbolTable& symbols_;
  Log& log_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_REPLAY_FEED_H_
