// PgSink: stores bars, pattern detections and indicator values in PostgreSQL (the schema of
// tickstock/pg_schema.h) from its own thread and connection, so the engine never waits on the
// database.
#ifndef TICKSTOCK_PG_SINK_H_
#define TICKSTOCK_PG_SINK_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tickstock/pg_schema.h"  // IWYU pragma: export (bar_table)
#include "tickstock/result.h"
#include "tickstock/scanner.h"
#include "tickstock/sink.h"

namespace tickstock {

// How a PgSink connects, queues, spills and backs off.
struct PgSinkOptions {
  std::string url;                         // libpq URL or conninfo
  std::size_t memory_limit = 64u << 20;    // bytes of queued events held in memory
  std::string spill_path;                  // file for what memory cannot hold ("": none); this
                                           // sink's alone (locked: PATH.lock)
  std::uint64_t spill_limit = 1ull << 30;  // bytes in the spill file; beyond: refused
  // Where rows the database refuses are kept, one JSON line each with the reason ("": beside
  // the spill file, its name ending .refused instead of .spill; none without a spill file).
  std::string refused_path;
  std::uint64_t refused_limit = 64ull << 20;  // bytes of that file; beyond: counted, not kept
  std::size_t batch_size = 5000;              // events per transaction (at most, but
                                              // replayed from the spill file: about)
  bool store_indicators = true;               // indicator values of every scanned bar
  int connections = 2;  // writers in parallel, each with its connection; a symbol keeps to one
  std::chrono::milliseconds min_backoff{100};      // first reconnect delay (then doubled, jittered)
  std::chrono::milliseconds max_backoff{5000};     // longest reconnect delay
  std::chrono::milliseconds flush_timeout{30000};  // how long flush() and the destructor wait
  // Told of state changes (connection lost and back, spilling, refusals, what was kept at
  // exit), from the sink's own thread; `error` marks what lost or refused data.
  std::function<void(bool error, const std::string& message)> log;
};

// What a PgSink did so far.
struct PgSinkStats {
  std::uint64_t bars = 0;               // bar rows written (revisions included)
  std::uint64_t detections = 0;         // detection rows written or retracted
  std::uint64_t indicator_rows = 0;     // indicator value rows written
  std::uint64_t batches = 0;            // transactions committed
  std::uint64_t failed_batches = 0;     // batches with rows the database refused (see refused_rows)
  std::uint64_t refused_rows = 0;       // rows the database refused (isolated; the rest is stored)
  std::uint64_t refused_rows_kept = 0;  // of which kept in the refused file (see refused_path)
  std::uint64_t dropped = 0;  // events lost: refused rows not kept, a failed spill write, damaged
                              // spill blocks
  std::uint64_t refused = 0;  // events not accepted: memory and spill file full
  std::uint64_t reconnects = 0;           // connections made after the first
  std::uint64_t backlog = 0;              // accepted, not yet written (in memory or spilled)
  std::uint64_t memory_bytes = 0;         // queued in memory now
  std::uint64_t spilled = 0;              // events written to the spill file so far
  std::uint64_t spill_bytes = 0;          // in the spill file now, not yet stored
  std::uint64_t replayed = 0;             // events read back from the spill file and stored
  std::uint64_t spill_damaged_bytes = 0;  // damaged spill blocks skipped (the blocks after kept)
  std::uint64_t kept_at_exit = 0;         // events left in the spill file for the next start
  std::uint64_t lost_at_exit = 0;         // events neither stored nor kept when the sink stopped
  bool connected = false;                 // a connection is open now
  std::string last_error;                 // the latest database error ("" if none)
  std::string spill_error;                // the latest spill file error ("" if none)
};

// A BarSink and ScanSink that queues what it is given and writes it in batches from its own
// thread: bars (a revision replaces the stored bar), detections (a retraction deletes the row),
// indicator values, unknown symbols registered. While the database is down or behind, events
// wait in memory up to memory_limit, then in the spill file up to spill_limit (in order);
// beyond that they are refused and counted. It reconnects with exponential backoff and jitter
// and writes the backlog in order. What is not written when it stops stays in the spill file
// and is written first by the next PgSink on that file. A row the database refuses for what it
// holds (a NUL byte, a broken constraint) is isolated from its batch, which is stored without
// it, and kept with the reason in the refused file; counted either way.
// REQUIRES: the SymbolTable of the bars outlives it.
class PgSink final : public BarSink, public ScanSink {
 public:
  // Starts the sink. When another process holds the spill file, it runs without one (said
  // through options.log, and in stats().spill_error).
  explicit PgSink(PgSinkOptions options);
  // The same, but fails when another process holds the spill file (the error names its
  // directory and that process).
  static Result<std::unique_ptr<PgSink>> open(PgSinkOptions options);
  // close().
  ~PgSink() override;
  PgSink(const PgSink&) = delete;
  PgSink& operator=(const PgSink&) = delete;

  // Queues a bar.
  void on_bar(const Bar& bar) override;
  // Queues the bar's indicator values and remembers the bar for the detections that follow.
  void on_scan(const ScanResult& result) override;
  // Queues a detection (or its retraction).
  void on_pattern(const PatternEvent& event) override;
  // Alerts are not stored.
  void on_alert(const AlertEvent& /*event*/) override {}
  // Waits until everything queued before the call is written or flush_timeout passes.
  void flush() override;
  // The same with its own timeout; false if the backlog was not written in time. When it
  // returns true, what the sink said about those writes has reached options.log.
  bool flush_for(std::chrono::milliseconds timeout);
  // Writes what is queued (for up to flush_timeout), keeps the rest in the spill file and
  // stops; events given after it are refused. stats() then tells how it ended.
  void close();
  // Counters so far.
  PgSinkStats stats() const;
  // The file refused rows are kept in ("" : none).
  const std::string& refused_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tickstock

#endif  // TICKSTOCK_PG_SINK_H_
