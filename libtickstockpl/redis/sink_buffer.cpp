// SinkBuffer: the producers' side and the I/O thread's side of the buffer, under one mutex.
#include "redis/sink_buffer.h"

#include <algorithm>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace tickstock::detail {

SinkBuffer::SinkBuffer(std::size_t capacity)
    : ring_(std::max<std::size_t>(capacity, 1)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

// The eventfd belongs to the I/O thread's stream_descriptor once it is assigned there.
SinkBuffer::~SinkBuffer() = default;

template <class Push>
void SinkBuffer::accept(Push&& push) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (push(++next_seq_)) {
      ++stats_.dropped;
      done_cv_.notify_all();
    }
    ++stats_.accepted;
    stats_.buffer_high_water =
        std::max<std::uint64_t>(stats_.buffer_high_water, ring_.size() + reports_.size());
    wake = idle_;
    idle_ = false;
  }
  if (wake) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);  // cannot block
  }
}

void SinkBuffer::push_event(const EngineItem& item, Timestamp at) {
  accept([&](std::uint64_t seq) {
    const bool full = ring_.push(QueuedEvent{seq, at, item});
    if (full) ++stats_.dropped_buffer_full;
    return full;
  });
}

void SinkBuffer::push_report(Report report, Timestamp at) {
  accept([&](std::uint64_t seq) {
    const bool full = reports_.size() >= kReportCapacity;
    if (full) {
      reports_.pop_front();
      ++stats_.dropped_reports_full;
    }
    reports_.push_back(QueuedReport{seq, at, std::move(report)});
    return full;
  });
}

bool SinkBuffer::flush_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return done_cv_.wait_for(lock, timeout, [&] {
    return stats_.accepted == stats_.published + stats_.failed + stats_.dropped;
  });
}

RedisSinkStats SinkBuffer::snapshot() const {
  std::lock_guard lock(mu_);
  RedisSinkStats s = stats_;
  s.backlog = s.accepted - s.published - s.failed - s.dropped;
  return s;
}

bool SinkBuffer::take(std::size_t batch, std::vector<QueuedReport>& reports,
                      std::vector<QueuedEvent>& events) {
  std::lock_guard lock(mu_);
  while (!reports_.empty() && reports.size() < batch) {
    reports.push_back(std::move(reports_.front()));
    reports_.pop_front();
  }
  while (!ring_.empty() && events.size() < batch) {
    events.emplace_back();
    ring_.pop(events.back());
  }
  if (reports.empty() && events.empty()) {
    idle_ = true;
    return false;
  }
  return true;
}

void SinkBuffer::commit(IoCounts& counts) {
  if (!counts.any()) return;
  std::lock_guard lock(mu_);
  stats_.published += counts.published;
  stats_.failed += counts.failed;
  stats_.messages += counts.messages;
  stats_.deliveries += counts.deliveries;
  stats_.stream_entries += counts.stream_entries;
  counts = IoCounts{};
  done_cv_.notify_all();
}

NewDrops SinkBuffer::drops_to_notice(bool due) {
  std::lock_guard lock(mu_);
  NewDrops d{stats_.dropped_buffer_full - noticed_events_,
             stats_.dropped_reports_full - noticed_reports_, ring_.capacity()};
  if (d.events + d.reports == 0 || !due) return {};
  noticed_events_ = stats_.dropped_buffer_full;
  noticed_reports_ = stats_.dropped_reports_full;
  return d;
}

void SinkBuffer::on_ready() {
  std::lock_guard lock(mu_);
  stats_.connected = true;
  if (ever_connected_) ++stats_.reconnects;
  ever_connected_ = true;
}

void SinkBuffer::on_lost(const std::string& why) {
  std::lock_guard lock(mu_);
  ++stats_.connection_errors;
  stats_.connected = false;
  stats_.last_error = why;
  idle_ = false;  // nothing to wake us for until we are back
}

void SinkBuffer::on_resent(std::size_t n) {
  std::lock_guard lock(mu_);
  stats_.resent += n;
}

void SinkBuffer::set_last_error(std::string error) {
  std::lock_guard lock(mu_);
  stats_.last_error = std::move(error);
}

void SinkBuffer::on_stopped(std::string why) {
  std::lock_guard lock(mu_);
  stats_.connected = false;
  stats_.last_error = std::move(why);
}

}  // namespace tickstock::detail
