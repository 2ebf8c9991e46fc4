#include "feeds/redis_feed.h"

#include <algorithm>

#include "feeds/tick_message.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kBatch = 4096;
constexpr Timestamp kClockEvery = 100'000'000;  // ns of quiet between clock items
constexpr std::size_t kShownBytes = 200;        // of a bad message, in its error report

// Batches decoded messages for the engine; a batch goes as soon as the socket has no more.
class FeedHandler final : public SubscriptionHandler {
 public:
  FeedHandler(FeedQueue& out, SymbolTable& symbols, const Clock& wall, Timestamp max_future,
              ErrorReporter& errors, FeedStats& stats)
      : out_(out),
        parser_(symbols),
        wall_(wall),
        max_future_(max_future),
        errors_(errors),
        stats_(stats) {}

  void on_message(const RedisMessage& m) override {
    auto item = parser_.parse(m.payload, wall_.now(), max_future_);
    if (!item) {
      stats_.bad_records.fetch_add(1, std::memory_order_relaxed);
      // Symbols beyond the limit are reported (and thinned) on their own, so that a flood of
      // new tickers hides no other problem.
      const bool limit = parser_.last_refusal() == TickMessageParser::Refusal::SymbolLimit;
      errors_.report(limit ? Severity::Error : Severity::Warning,
                     limit ? "symbol_limit" : "redis_feed", m.channel + ": " + item.error().message,
                     {{"channel", m.channel}, {"message", m.payload.substr(0, kShownBytes)}});
      return;
    }
    // The engine clock never goes back: an older message counts at the newest time seen.
    newest_ = std::max(newest_, item->now);
    item->now = newest_;
    newest_at_ = wall_.now();
    batch_.push_back(*item);
    stats_.items.fetch_add(1, std::memory_order_relaxed);
    if (batch_.size() >= kBatch) send();
  }

  void on_idle() override {
    send();
    const Timestamp now = wall_.now();
    if (newest_ == 0 || now - clock_at_ < kClockEvery) return;
    // Quiet: event time moves on with the wall clock, so that bars still close.
    FeedItem tick;
    tick.kind = FeedItem::Kind::Clock;
    tick.now = newest_ + (now - newest_at_);
    clock_at_ = now;
    batch_.push_back(tick);
    send();
  }

  // No wait while a batch is waiting: it goes when the socket has nothing more right now.
  std::chrono::milliseconds max_wait() const override {
    return batch_.empty() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(0);
  }

  void send() {
    if (batch_.empty()) return;
    // A live feed never waits for the engine: when the queue is full it counts the drop.
    // Not reserved ahead: at a low rate a batch holds one message.
    (void)out_.try_push(std::move(batch_));
    batch_ = FeedBatch();
  }

 private:
  FeedQueue& out_;
  TickMessageParser parser_;
  const Clock& wall_;
  Timestamp max_future_;
  ErrorReporter& errors_;
  FeedStats& stats_;
  FeedBatch batch_;
  Timestamp newest_ = 0;     // newest event time seen
  Timestamp newest_at_ = 0;  // wall time when it was seen
  Timestamp clock_at_ = 0;   // wall time of the last clock item
};

}  // namespace

std::string RedisFeed::describe() const {
  std::string channels;
  for (const auto& c : options_.subscriber.channels) channels += (channels.empty() ? "" : ",") + c;
  return "redis:" + channels + " on " + options_.subscriber.host + ":" +
         std::to_string(options_.subscriber.port);
}

Result<void> RedisFeed::run(FeedQueue& out, const std::atomic<bool>& stop) {
  FeedHandler handler(out, symbols_, wall_, max_future_, errors_, stats_);
  run_subscription(options_, handler, stop, log_, connection_errors_);
  handler.send();
  return {};
}

}  // namespace tickstock::app
