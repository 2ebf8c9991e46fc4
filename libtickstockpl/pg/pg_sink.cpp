// PgSink: a bounded queue in front of a PgWriter on a thread of its own.
#include "tickstock/pg_sink.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <variant>
#include <vector>

#include "pg/pg_writer.h"

namespace tickstock {

struct PgSink::Impl {
  using Item = std::variant<Bar, detail::DetectionRow>;

  explicit Impl(PgSinkOptions o) : options(std::move(o)), thread([this] { run(); }) {}

  void push(Item item) {
    std::lock_guard lock(mu);
    if (queue.size() >= options.queue_capacity) {
      ++stats.refused;
      return;
    }
    queue.push_back(std::move(item));
    ++accepted;
    wake.notify_all();
  }

  bool flush_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu);
    const std::uint64_t target = accepted;
    return done_cv.wait_for(lock, timeout, [&] { return finished >= target; });
  }

  // The writer thread: take a batch, write it (reconnecting as needed), repeat.
  void run() {
    std::minstd_rand jitter(
        static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::unique_ptr<detail::PgWriter> writer;
    std::vector<Item> batch;
    std::chrono::milliseconds backoff = options.min_backoff;
    bool ever_connected = false;
    for (;;) {
      {
        std::unique_lock lock(mu);
        if (batch.empty()) {
          wake.wait(lock, [&] { return stop || !queue.empty(); });
          if (queue.empty()) return;  // stop requested and nothing left
          const std::size_t n = std::min(queue.size(), options.batch_size);
          for (std::size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(queue.front()));
            queue.pop_front();
          }
        }
      }
      if (!writer) {
        auto w = detail::PgWriter::connect(options.url);
        if (!w) {
          {
            std::lock_guard lock(mu);
            stats.connected = false;
            stats.last_error = w.error().message;
            if (stop && stop_deadline_passed()) return;
          }
          // Exponential backoff with jitter, cut short by a stop request.
          const auto wait =
              backoff / 2 +
              std::chrono::milliseconds(jitter() % static_cast<unsigned>(backoff.count() / 2 + 1));
          backoff = std::min(backoff * 2, options.max_backoff);
          std::unique_lock lock(mu);
          wake.wait_for(lock, wait, [&] { return stop; });
          continue;
        }
        writer = std::move(*w);
        backoff = options.min_backoff;
        std::lock_guard lock(mu);
        if (ever_connected) ++stats.reconnects;
        ever_connected = true;
        stats.connected = true;
      }
      std::vector<Bar> bars;
      std::vector<detail::DetectionRow> detections;
      for (const Item& it : batch) {
        if (const Bar* b = std::get_if<Bar>(&it)) {
          bars.push_back(*b);
        } else {
          detections.push_back(std::get<detail::DetectionRow>(it));
        }
      }
      const auto r = writer->write(bars, detections);
      std::lock_guard lock(mu);
      if (r) {
        stats.bars += bars.size();
        stats.detections += detections.size();
        ++stats.batches;
      } else if (!writer->healthy()) {
        // The connection broke: keep the batch and write it again once reconnected.
        stats.last_error = r.error().message;
        stats.connected = false;
        writer.reset();
        continue;
      } else {
        // The database refused a row: retrying cannot help. Counted and reported.
        ++stats.failed_batches;
        stats.dropped += batch.size();
        stats.last_error = r.error().message;
      }
      finished += batch.size();
      batch.clear();
      done_cv.notify_all();
    }
  }

  bool stop_deadline_passed() const { return std::chrono::steady_clock::now() >= stop_deadline; }

  PgSinkOptions options;
  mutable std::mutex mu;
  std::condition_variable wake, done_cv;
  std::deque<Item> queue;
  std::uint64_t accepted = 0;  // events queued since the start
  std::uint64_t finished = 0;  // events written or dropped
  bool stop = false;
  std::chrono::steady_clock::time_point stop_deadline{};
  PgSinkStats stats;
  Bar last_scanned;    // engine thread only: the bar on_pattern events refer to
  std::thread thread;  // last: starts after everything above exists
};

PgSink::PgSink(PgSinkOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

PgSink::~PgSink() {
  flush_for(impl_->options.flush_timeout);
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
    impl_->stop_deadline = std::chrono::steady_clock::now();
    impl_->queue.clear();  // what could not be written in flush_timeout
    impl_->wake.notify_all();
  }
  impl_->thread.join();
}

void PgSink::on_bar(const Bar& bar) { impl_->push(bar); }

void PgSink::on_scan(const ScanResult& result) { impl_->last_scanned = result.bar; }

void PgSink::on_pattern(const PatternEvent& event) {
  detail::DetectionRow row;
  row.event = event;
  const Bar& b = impl_->last_scanned;
  if (b.symbol == event.symbol && b.start == event.bar_start) {
    row.price = b.close;
    row.volume = b.volume;
  }
  impl_->push(row);
}

void PgSink::flush() { flush_for(impl_->options.flush_timeout); }

bool PgSink::flush_for(std::chrono::milliseconds timeout) { return impl_->flush_for(timeout); }

PgSinkStats PgSink::stats() const {
  std::lock_guard lock(impl_->mu);
  PgSinkStats s = impl_->stats;
  s.backlog = impl_->accepted - impl_->finished;
  return s;
}

}  // namespace tickstock
