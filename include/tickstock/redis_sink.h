// RedisSink: publishes the engine's events (and other reports) to Redis from its own thread and
// connection, so that the engine never waits on the network. Payloads and channels:
// tickstock/redis_events.h and docs/redis-events.md.
#ifndef TICKSTOCK_REDIS_SINK_H_
#define TICKSTOCK_REDIS_SINK_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tickstock/clock.h"
#include "tickstock/redis_events.h"
#include "tickstock/scanner.h"
#include "tickstock/sink.h"

namespace tickstock {

// Where a RedisSink connects, what it publishes and how it buffers and backs off.
struct RedisSinkOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;                 // AUTH username password (Redis 6+) when both are set
  std::string password;                 // AUTH password when set
  int db = 0;                           // SELECT db when not 0
  std::string prefix = "tickstock";     // channel prefix, see RedisChannels
  std::string source = "tickstockpl";   // the payloads' "source"
  bool publish_bars = false;            // bars on <prefix>.market.ohlcv
  bool publish_indicators = true;       // indicator values of each scanned bar
  double high_confidence = 0.8;         // patterns at least this confident also go to
                                        // :patterns:streaming and :patterns:detected
  double critical_rsi_overbought = 80;  // an RSI alert at or above: also :alerts:critical
  double critical_rsi_oversold = 20;    // an RSI alert at or below: also :alerts:critical
  std::size_t stream_maxlen =
      0;  // > 0: every engine event is also XADDed to <prefix>.events.stream
          // with MAXLEN ~ stream_maxlen (0: no stream)
  std::size_t buffer_capacity = 1 << 16;  // events held while Redis is slow or down; when full
                                          // the oldest is dropped and counted
  std::size_t max_in_flight = 8192;       // commands sent and not yet answered (pipelining)
  std::chrono::milliseconds min_backoff{1000};      // first reconnect delay, doubled each time
  std::chrono::milliseconds max_backoff{30000};     // longest reconnect delay (then ±25 % jitter)
  std::chrono::milliseconds connect_timeout{2000};  // per connection attempt
  std::chrono::milliseconds reply_timeout{5000};    // no answer this long: the link is dead
  std::chrono::milliseconds heartbeat{5000};        // PING after this long without traffic
  std::chrono::milliseconds flush_timeout{10000};   // how long flush() and the destructor wait
  // Told why events are dropped (buffer full, and whether Redis is down or slow), from the
  // sink's thread: at the first drop, then at most once per drop_notice_interval while drops
  // go on. May publish to this sink (no lock is held).
  std::function<void(const std::string& why)> on_drop;
  std::chrono::milliseconds drop_notice_interval{60000};
};

// A report of the program's own (its health, metrics, job answers...): one payload on `channel`,
// the common envelope (schema_version, event_type, source, timestamp, seq) then `members`.
struct RedisReport {
  std::string channel;     // e.g. RedisChannels::health
  std::string event_type;  // the payload's "event_type"
  std::string members;     // JSON members after the envelope's, without braces (written with
                           // tickstock/json.h's JsonWriter); "" for none
};

// What a RedisSink did so far. accepted = published + dropped + failed + backlog.
struct RedisSinkStats {
  std::uint64_t accepted = 0;              // events and reports given to the sink
  std::uint64_t published = 0;             // of those, all of whose commands Redis acknowledged
  std::uint64_t dropped = 0;               // dropped because the buffer was full (oldest first)
  std::uint64_t dropped_buffer_full = 0;   // of which engine events: buffer_capacity reached
  std::uint64_t dropped_reports_full = 0;  // of which reports: their queue (4096) was full
  std::uint64_t failed = 0;                // answered by Redis with an error (see last_error)
  std::uint64_t backlog = 0;               // accepted and not yet published, dropped or failed
  std::uint64_t messages = 0;              // PUBLISH commands acknowledged
  std::uint64_t deliveries = 0;            // subscribers those messages reached, summed
  std::uint64_t stream_entries = 0;        // XADD commands acknowledged (or found already stored)
  std::uint64_t resent = 0;                // commands sent again after a broken connection
  std::uint64_t reconnects = 0;            // connections made after the first
  std::uint64_t connection_errors = 0;     // failed connection attempts and broken connections
  std::uint64_t buffer_high_water = 0;     // most events buffered at once
  bool connected = false;                  // ready to publish now
  std::string last_error;                  // the latest connection or Redis error ("" if none)
};

// A BarSink and ScanSink that publishes pattern detections, indicator alerts, indicator values
// and (optionally) bars as versioned JSON, pipelined on one connection from its own thread.
// While Redis is down it keeps up to buffer_capacity events (dropping the oldest beyond that,
// counted), reconnects with exponential backoff and jitter without ever giving up, and sends
// what it holds once the connection is back; commands that were unanswered when a connection
// broke are sent again (stream entries carry explicit ids, so the stream holds each event
// once). The on_* calls come from one thread (the engine's) and never block on the network;
// publish(), stats() and flush_for() may be called from any thread.
// REQUIRES: the SymbolTable of the events and `clock` outlive the sink.
class RedisSink final : public BarSink, public ScanSink {
 public:
  // Starts the sink's thread, which connects in the background. `clock` stamps the payloads.
  RedisSink(RedisSinkOptions options, const Clock& clock);
  // Publishes what is buffered (for up to flush_timeout) and stops the thread.
  ~RedisSink() override;
  RedisSink(const RedisSink&) = delete;
  RedisSink& operator=(const RedisSink&) = delete;

  // A bar on <prefix>.market.ohlcv when publish_bars.
  void on_bar(const Bar& bar) override;
  // Remembers the bar for the events that follow (their price and volume); its indicator values
  // on <prefix>:indicators:streaming when publish_indicators.
  void on_scan(const ScanResult& result) override;
  // A detection (or retraction) on <prefix>.events.patterns, and with high confidence also on
  // <prefix>:patterns:streaming and <prefix>:patterns:detected (their retractions too).
  void on_pattern(const PatternEvent& event) override;
  // An alert on <prefix>:alerts:indicators, also on <prefix>:alerts:critical when critical.
  void on_alert(const AlertEvent& event) override;
  // Waits until the backlog is empty or flush_timeout passes.
  void flush() override;
  // The same with its own timeout; false if a backlog remains.
  bool flush_for(std::chrono::milliseconds timeout);

  // Reports, from any thread; each is one event in the counters.
  void publish(const ErrorReport& report);  // <prefix>:errors (+ :alerts:critical)
  void publish(RedisReport report);         // report.channel

  // Counters so far.
  RedisSinkStats stats() const;
  // The channel names in use.
  const RedisChannels& channels() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tickstock

#endif  // TICKSTOCK_REDIS_SINK_H_
