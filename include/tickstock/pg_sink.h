// PgSink: stores bars and pattern detections in PostgreSQL (the schema of `tickstockapp
// migrate`) from its own thread and connection, so the engine never waits on the database.
#ifndef TICKSTOCK_PG_SINK_H_
#define TICKSTOCK_PG_SINK_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tickstock/scanner.h"
#include "tickstock/sink.h"

namespace tickstock {

// How a PgSink connects, batches and backs off.
struct PgSinkOptions {
  std::string url;                                 // libpq URL or conninfo
  std::size_t queue_capacity = 1 << 20;            // events held while the database is behind
  std::size_t batch_size = 2000;                   // events per transaction
  std::chrono::milliseconds min_backoff{100};      // first reconnect delay (then doubled, jittered)
  std::chrono::milliseconds max_backoff{5000};     // longest reconnect delay
  std::chrono::milliseconds flush_timeout{30000};  // how long flush() waits for the backlog
};

// What a PgSink did so far.
struct PgSinkStats {
  std::uint64_t bars = 0;            // bar rows written (revisions included)
  std::uint64_t detections = 0;      // detection rows written or retracted
  std::uint64_t batches = 0;         // transactions committed
  std::uint64_t failed_batches = 0;  // batches the database refused (dropped, see last_error)
  std::uint64_t dropped = 0;         // events in those batches
  std::uint64_t refused = 0;         // events not accepted because the queue was full
  std::uint64_t reconnects = 0;      // connections made after the first
  std::uint64_t backlog = 0;         // accepted, not yet written
  bool connected = false;            // a connection is open now
  std::string last_error;            // the latest database error ("" if none)
};

// A BarSink and ScanSink that queues what it is given and writes it in batches from its own
// thread: bars (a revision replaces the stored bar), detections (a retraction deletes the row),
// unknown symbols registered. While the database is down it keeps accepting up to
// queue_capacity events and reconnects with exponential backoff and jitter, then writes them
// in order; beyond that it refuses and counts. REQUIRES: the SymbolTable of the bars outlives it.
class PgSink final : public BarSink, public ScanSink {
 public:
  explicit PgSink(PgSinkOptions options);
  // Writes what is queued (for up to flush_timeout) and stops the thread.
  ~PgSink() override;
  PgSink(const PgSink&) = delete;
  PgSink& operator=(const PgSink&) = delete;

  // Queues a bar.
  void on_bar(const Bar& bar) override;
  // Remembers the bar a following on_pattern refers to (its close and volume are stored).
  void on_scan(const ScanResult& result) override;
  // Queues a detection (or its retraction).
  void on_pattern(const PatternEvent& event) override;
  // Alerts are not stored.
  void on_alert(const AlertEvent& /*event*/) override {}
  // Waits until everything queued before the call is written or flush_timeout passes.
  void flush() override;
  // The same with its own timeout; false if the backlog was not written in time.
  bool flush_for(std::chrono::milliseconds timeout);
  // Counters so far.
  PgSinkStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tickstock

#endif  // TICKSTOCK_PG_SINK_H_
