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
  back_off(lock);
  return false;
}

void WriteLane::back_off(std::unique_lock<std::mutex>& lock) {
  // Exponential backoff with jitter, cut short when the part is abandoned.
  const auto now = std::chrono::steady_clock::now();
  thread_local std::minstd_rand jitter(static_cast<unsigned>(now.time_since_epoch().count()));
  const auto half = backoff_ / 2;
  const auto wait =
      half + std::chrono::milliseconds(jitter() % static_cast<unsigned>(half.count() + 1));
  backoff_ = std::min(backoff_ * 2, settings_.max_backoff);
  cv_.wait_for(lock, wait, [&] { return abandon_; });
}

bool WriteLane::abandoning() const {
  std::lock_guard lock(mu_);
  return abandon_;
}

namespace {

// The rows [lo, hi) of `part` (bars, then detections, then indicator values) into `out`.
void slice(const WriteBatch& part, std::size_t lo, std::size_t hi, WriteBatch& out) {
  out.clear();
  auto take = [&](const auto& rows, auto& into, std::size_t first) {
    const std::size_t from = std::max(lo, first), to = std::min(hi, first + rows.size());
    for (std::size_t i = from; i < to; ++i) into.push_back(rows[i - first]);
  };
  take(part.bars, out.bars, 0);
  take(part.detections, out.detections, part.bars.size());
  take(part.indicators, out.indicators, part.bars.size() + part.detections.size());
}

}  // namespace

WriteLane::Outcome WriteLane::write_part(const WriteBatch& part,
                                         std::unique_ptr<PgWriter>& writer) {
  Outcome out;
  // Ranges of rows still to write, the next one last; a refused range is split in two.
  std::vector<std::pair<std::size_t, std::size_t>> todo{{0, part.size()}};
  WriteBatch sub;
  while (!todo.empty()) {
    if (abandoning()) {
      out.abandoned = true;
      return out;
    }
    if (!ensure_connected(writer)) continue;
    const auto [lo, hi] = todo.back();
    const bool whole = lo == 0 && hi == part.size();
    if (!whole) slice(part, lo, hi, sub);
    const auto r = writer->write(whole ? part : sub);
    ++out.transactions;
    if (r) {
      todo.pop_back();
      std::unique_lock lock(mu_);
      backoff_ = settings_.min_backoff;
      if (failing_since_ != std::chrono::steady_clock::time_point{}) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - failing_since_)
                .count();
        failing_since_ = {};
        lock.unlock();
        say_(false, settings_.name + ": writing again after " + std::to_string(secs) + " s");
      }
      continue;
    }
    if (!writer->healthy()) {
      // The connection broke: write the range again once reconnected.
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
    if (!writer->refused_rows()) {
      // The database's own trouble (a deadlock, no space, a missing table...): the rows are
      // not at fault, so they wait and are written again.
      std::unique_lock lock(mu_);
      last_error_ = r.error().message;
      if (failing_since_ == std::chrono::steady_clock::time_point{}) {
        failing_since_ = std::chrono::steady_clock::now();
        lock.unlock();
        say_(true, settings_.name + ": the database failed a write (" + r.error().message +
                       "); writing it again with backoff");
        lock.lock();
      }
      back_off(lock);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      last_error_ = r.error().message;
    }
    todo.pop_back();
    if (hi - lo == 1) {
      out.refused.push_back({lo, r.error().message});
      continue;
    }
    const std::size_t mid = lo + (hi - lo) / 2;
    todo.emplace_back(mid, hi);
    todo.emplace_back(lo, mid);
  }
  out.stored = true;
  return out;
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
    Outcome out = write_part(*part, writer);
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
