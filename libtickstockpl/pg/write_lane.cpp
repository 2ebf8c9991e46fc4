#include "pg/write_lane.h"

#include <algorithm>
#include <random>

namespace tickstock::detail {

WriteLane::WriteLane(LaneSettings settings, std::function<void()> done,
                     std::function<void(bool, std::string)> say)
    : settings_(std::move(settings)),
      done_(std::move(done)),
      say_(std::move(say)),
      backoff_(settings_.min_backoff),
      thread_([this] { run(); }) {}

WriteLane::~WriteLane() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
    abandon_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WriteLane::submit(const WriteBatch& part) {
  {
    std::lock_guard lock(mu_);
    part_ = &part;
    busy_ = true;
    abandon_ = false;
    outcome_ = Outcome{};
  }
  cv_.notify_all();
}

bool WriteLane::busy() const {
  std::lock_guard lock(mu_);
  return busy_;
}

WriteLane::Outcome WriteLane::outcome() const {
  std::lock_guard lock(mu_);
  return outcome_;
}

void WriteLane::abandon() {
  {
    std::lock_guard lock(mu_);
    abandon_ = true;
  }
  cv_.notify_all();
}

bool WriteLane::connected() const {
  std::lock_guard lock(mu_);
  return connected_;
}

std::uint64_t WriteLane::reconnects() const {
  std::lock_guard lock(mu_);
  return reconnects_;
}

std::string WriteLane::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

// Messages go to say_ outside mu_: the sink takes its own lock there, and holds it while it
// asks whether a lane is busy.
bool WriteLane::ensure_connected(std::unique_ptr<PgWriter>& writer) {
  if (writer) return true;
  auto w = PgWriter::connect(settings_.url);
  std::unique_lock lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (w) {
    writer = std::move(*w);
    connected_ = true;
    backoff_ = settings_.min_backoff;
    if (ever_connected_) ++reconnects_;
    std::string message;
    if (down_since_ != std::chrono::steady_clock::time_point{}) {
      const double s = std::chrono::duration<double>(now - down_since_).count();
      message = settings_.name + ": " + (ever_connected_ ? "reconnected" : "connected") +
                " after " + std::to_string(s) + " s";
    }
    ever_connected_ = true;
    down_since_ = {};
    lock.unlock();
    if (!message.empty()) say_(false, message);
    return true;
  }
  connected_ = false;
  last_error_ = w.error().message;
  if (down_since_ == std::chrono::steady_clock::time_point{}) {
    down_since_ = now;
    lock.unlock();
    say_(true, settings_.name + ": " + w.error().message + "; retrying with backoff");
    lock.lock();
  }
  // Exponential backoff with jitter, cut short when the part is abandoned.
  thread_local std::minstd_rand jitter(static_cast<unsigned>(now.time_since_epoch().count()));
  const auto half = backoff_ / 2;
  const auto wait =
      half + std::chrono::milliseconds(jitter() % static_cast<unsigned>(half.count() + 1));
  backoff_ = std::min(backoff_ * 2, settings_.max_backoff);
  cv_.wait_for(lock, wait, [&] { return abandon_; });
  return false;
}

void WriteLane::run() {
  std::unique_ptr<PgWriter> writer;
  ensure_connected(writer);  // at once, so that a database that is down is reported
  for (;;) {
    const WriteBatch* part = nullptr;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return quit_ || (busy_ && part_ != nullptr); });
      if (quit_) return;
      part = part_;
    }
    Outcome out;
    for (;;) {
      {
        std::lock_guard lock(mu_);
        if (abandon_) {
          out.abandoned = true;
          break;
        }
      }
      if (!ensure_connected(writer)) continue;
      const auto r = writer->write(*part);
      if (!r && !writer->healthy()) {
        // The connection broke: write the part again once reconnected.
        writer.reset();
        {
          std::lock_guard lock(mu_);
          connected_ = false;
          last_error_ = r.error().message;
          down_since_ = std::chrono::steady_clock::now();
        }
        say_(true, settings_.name + ": connection lost (" + r.error().message + ")");
        continue;
      }
      out.stored = r.has_value();
      if (!r) {
        out.error = r.error().message;
        std::lock_guard lock(mu_);
        last_error_ = r.error().message;
      }
      break;
    }
    {
      std::lock_guard lock(mu_);
      outcome_ = std::move(out);
      part_ = nullptr;
      busy_ = false;
    }
    done_();
  }
}

}  // namespace tickstock::detail
