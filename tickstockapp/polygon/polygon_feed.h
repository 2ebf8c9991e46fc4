// The Polygon (Massive) WebSocket feed: trades (and per-minute aggregates) into the engine.
//
// One connection at a time to POLYGON_WS_URL (wss:// with TLS, or ws:// for tests): `connected`
// -> {"action":"auth"} -> `auth_success` -> subscribe to the universe. Every element of every
// frame is used. The reading thread only parses (simdjson) and hands each frame's items to the
// engine queue without ever waiting: when the queue is full, the frame's items are dropped,
// counted and reported as an error (an alarm, never a silent loss). Any disconnect (the server
// closing, a network error, a frame beyond the size limit, no message or ping answer within the
// idle timeout) reconnects with exponential backoff and jitter, then authenticates and
// subscribes again to everything; `auth_failed` stops the feed with an error, and
// `max_connections` (another client uses the key) waits long before the next attempt.
#ifndef TICKSTOCKAPP_POLYGON_POLYGON_FEED_H_
#define TICKSTOCKAPP_POLYGON_POLYGON_FEED_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tickstock/clock.h"
#include "tickstock/types.h"

#include "base/error_reporter.h"
#include "base/log.h"
#include "feeds/feed.h"
#include "feeds/feed_control.h"
#include "polygon/conditions.h"

namespace tickstock::app {

struct PolygonFeedOptions {
  std::string ws_url = "wss://socket.polygon.io/stocks";  // or wss://delayed.polygon.io/stocks
  std::string api_key;                                    // never logged
  std::vector<std::string> channels = {"T", "AM"};        // T, Q, A, AM
  std::vector<std::string> symbols;                       // the universe; {"*"} = all tickers
  std::string ca_file;  // PEM certificates to trust besides the system's (tests)
  std::chrono::milliseconds reconnect_min{250};     // first backoff; doubles per failed attempt
  std::chrono::milliseconds reconnect_max{30'000};  // backoff cap
  std::chrono::milliseconds max_connections_wait{60'000};  // after `max_connections`
  std::chrono::milliseconds stable_after{10'000};  // an authenticated session this long resets it
  std::chrono::milliseconds idle_timeout{20'000};  // no frame or pong this long: reconnect
  std::chrono::milliseconds connect_timeout{10'000};  // TCP + TLS + WebSocket handshake
  std::chrono::milliseconds clock_interval{1'000};    // idle clock items (bars close when quiet)
  std::size_t max_frame_bytes = 16u << 20;            // larger frames: reconnect, counted
  // Trades and aggregates stamped more than this after their frame arrived are refused (they
  // would move the engine clock forward for good); negative: no check.
  Timestamp max_future = 5 * kNanosPerSecond;
  // Runs on the feed's thread before the first connection when gap fill is on (serve: the gap
  // backfill; see set_gap_fill()).
  std::function<void(FeedQueue&, const std::atomic<bool>&)> before_live;
};

// Counters of the feed, readable from any thread.
struct PolygonFeedStats {
  std::atomic<std::uint64_t> connects{0};              // TCP connections opened
  std::atomic<std::uint64_t> sessions{0};              // authenticated sessions
  std::atomic<std::uint64_t> disconnects{0};           // sessions ended other than by stop()
  std::atomic<std::uint64_t> frames{0};                // frames read
  std::atomic<std::uint64_t> bad_frames{0};            // frames refused (not JSON, not an array)
  std::atomic<std::uint64_t> bad_messages{0};          // elements refused
  std::atomic<std::uint64_t> trades{0};                // T messages
  std::atomic<std::uint64_t> minute_aggregates{0};     // AM messages
  std::atomic<std::uint64_t> other_messages{0};        // Q, A
  std::atomic<std::uint64_t> unknown_events{0};        // unknown ev, counted and ignored
  std::atomic<std::uint64_t> unknown_conditions{0};    // condition codes not in the table
  std::atomic<std::uint64_t> condition_ignored{0};     // trades no bar may use (e.g. 15, 16)
  std::atomic<std::uint64_t> dropped_items{0};         // lost to a full engine queue
  std::atomic<std::uint64_t> subscription_changes{0};  // set_symbols() applied on a session
};

class PolygonFeed final : public Feed, public FeedControl {
 public:
  // REQUIRES: symbols, conditions, wall, errors and log outlive the feed. `wall` stamps frame
  // arrival (Tick::ts_recv) and drives the idle clock. Bad input is counted and reported to
  // `errors` (component "polygon_feed"; new symbols beyond the table's capacity as
  // "symbol_limit").
  PolygonFeed(PolygonFeedOptions options, SymbolTable& symbols, const ConditionTable& conditions,
              const Clock& wall, ErrorReporter& errors, Log& log);
  ~PolygonFeed() override;
  // Connects and streams until `stop`; an error only for what retrying cannot fix
  // (authentication failed, a bad URL or CA file).
  Result<void> run(FeedQueue& out, const std::atomic<bool>& stop) override;
  std::string describe() const override;
  bool event_time_clock() const override { return true; }
  // Replaces the universe at run time without reconnecting: unsubscribes what left, subscribes
  // what is new on the open session (or subscribes the new set on the next one). Thread-safe.
  void set_symbols(std::vector<std::string> symbols) override;
  // The symbols subscribed now ({"*"} for all); empty while not authenticated. Thread-safe.
  std::vector<std::string> subscribed() const override;
  // Whether run() calls options.before_live first (off until set). Thread-safe.
  void set_gap_fill(bool on) override { gap_fill_ = on; }
  const PolygonFeedStats& polygon_stats() const { return pstats_; }
  // Why the last session ended ("" while none has). Thread-safe.
  std::string last_disconnect() const;

 private:
  class Session;
  PolygonFeedOptions opt_;
  SymbolTable& symbols_;
  const ConditionTable& conditions_;
  const Clock& wall_;
  ErrorReporter& errors_;
  Log& log_;
  PolygonFeedStats pstats_;
  std::atomic<bool> gap_fill_{false};
  struct Shared;  // state shared with the I/O thread, under its mutex
  std::unique_ptr<Shared> shared_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_POLYGON_FEED_H_
