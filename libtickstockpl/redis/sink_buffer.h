// SinkBuffer: what a RedisSink holds between its producers and its I/O thread. The engine's
// events wait in a ring (the oldest dropped when it is full), reports in a queue of their own;
// both and the sink's counters are under one mutex. A producer wakes the I/O thread through an
// eventfd only when that thread had found nothing to take.
#ifndef TICKSTOCK_REDIS_SINK_BUFFER_H_
#define TICKSTOCK_REDIS_SINK_BUFFER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <variant>
#include <vector>

#include "tickstock/redis_sink.h"

#include "redis/event_payload.h"
#include "redis/event_ring.h"

namespace tickstock::detail {

using EngineItem = std::variant<PatternItem, AlertItem, IndicatorsItem, Bar>;
struct QueuedEvent {
  std::uint64_t seq;
  Timestamp at;
  EngineItem item;
};
using Report = std::variant<ErrorReport, RedisReport>;
struct QueuedReport {
  std::uint64_t seq;
  Timestamp at;
  Report report;
};

// What the I/O thread counted since it last added to the shared counters.
struct IoCounts {
  std::uint64_t published = 0, failed = 0, messages = 0, deliveries = 0, stream_entries = 0;
  bool any() const { return published + failed + messages + stream_entries > 0; }
};

// Drops not yet told to RedisSinkOptions::on_drop.
struct NewDrops {
  std::uint64_t events = 0;   // engine events, the ring being full
  std::uint64_t reports = 0;  // reports, their queue being full
  std::size_t capacity = 0;   // of the ring
};

class SinkBuffer {
 public:
  // Reports held at most: they are few, and a longer backlog is stale.
  static constexpr std::size_t kReportCapacity = 4096;
  explicit SinkBuffer(std::size_t capacity);
  ~SinkBuffer();
  SinkBuffer(const SinkBuffer&) = delete;
  SinkBuffer& operator=(const SinkBuffer&) = delete;

  // The eventfd the I/O thread waits on (< 0 when it could not be made).
  int wake_fd() const { return wake_fd_; }

  // ---- producers (any thread) ----
  // Each takes one event or report stamped `at`; the oldest is dropped when full (counted).
  void push_event(const EngineItem& item, Timestamp at);
  void push_report(Report report, Timestamp at);
  // Waits until everything accepted is published, failed or dropped, or `timeout` passes.
  bool flush_for(std::chrono::milliseconds timeout);
  // The counters, with the backlog.
  RedisSinkStats snapshot() const;

  // ---- the I/O thread ----
  // Moves up to `batch` reports and `batch` events out; false (and the buffer is marked idle,
  // so that the next producer wakes the thread) when there was nothing.
  bool take(std::size_t batch, std::vector<QueuedReport>& reports,
            std::vector<QueuedEvent>& events);
  // Adds the I/O thread's counts to the shared ones (and wakes flush_for).
  void commit(IoCounts& counts);
  // The drops since the last notice when `due`; none otherwise (they keep adding up).
  NewDrops drops_to_notice(bool due);
  // Connection state changes.
  void on_ready();
  void on_lost(const std::string& why);
  void on_resent(std::size_t n);
  void set_last_error(std::string error);
  // The I/O thread ended for `why` (it publishes nothing more).
  void on_stopped(std::string why);

 private:
  template <class Push>
  void accept(Push&& push);

  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  EventRing<QueuedEvent> ring_;
  std::deque<QueuedReport> reports_;
  std::uint64_t next_seq_ = 0;
  bool idle_ = false;  // the I/O thread is connected and has drained the buffers: wake it
  bool ever_connected_ = false;
  RedisSinkStats stats_;
  std::uint64_t noticed_events_ = 0, noticed_reports_ = 0;  // drops told to on_drop
  int wake_fd_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_SINK_BUFFER_H_
