// Ticks and minute bars that producers publish on Redis (tickstock.data.raw and the older
// tickstock_data), decoded by TickMessageParser. A bad message is counted, logged and reported
// on tickstock:errors, and the feed goes on; so is a message stamped too far ahead of the wall
// clock (it would move the engine clock forward for good) and one with a new symbol when the
// symbol table is full (reported as component "symbol_limit"). A lost connection is retried
// forever.
#ifndef TICKSTOCKAPP_FEEDS_REDIS_FEED_H_
#define TICKSTOCKAPP_FEEDS_REDIS_FEED_H_

#include <atomic>
#include <cstdint>

#include "tickstock/clock.h"
#include "tickstock/types.h"

#include "base/error_reporter.h"
#include "base/log.h"
#include "feeds/feed.h"
#include "feeds/subscription_loop.h"

namespace tickstock::app {

class RedisFeed final : public Feed {
 public:
  // `options` names the server and the channels. The engine clock follows the messages' event
  // time and, between messages, moves on with `wall` so that bars close on a quiet market.
  // Event times more than `max_future` ns ahead of `wall` are refused. REQUIRES: all references
  // outlive the feed.
  RedisFeed(SubscriptionOptions options, SymbolTable& symbols, const Clock& wall,
            Timestamp max_future, ErrorReporter& errors, Log& log,
            std::atomic<std::uint64_t>& connection_errors)
      : options_(std::move(options)),
        symbols_(symbols),
        wall_(wall),
        max_future_(max_future),
        errors_(errors),
        log_(log),
        connection_errors_(connection_errors) {}
  // Runs until `stop`; never ends by itself.
  Result<void> run(FeedQueue& out, const std::atomic<bool>& stop) override;
  std::string describe() const override;
  bool event_time_clock() const override { return true; }

 private:
  SubscriptionOptions options_;
  SymbolTable& symbols_;
  const Clock& wall_;
  Timestamp max_future_;
  ErrorReporter& errors_;
  Log& log_;
  std::atomic<std::uint64_t>& connection_errors_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_REDIS_FEED_H_
