// PgSink: the engine encodes each event into a block of records (in memory; once memory is
// full, into blocks bound for the spill file). The sink's thread appends those to the file,
// takes batches from memory, then from the file, splits each batch by symbol across its write
// lanes (one connection each) and waits until every part is stored before the next batch.
// Order is kept: while anything is spilled, everything new is spilled too, and a symbol's rows
// always take the same lane.
#include "tickstock/pg_sink.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "pg/event_record.h"
#include "pg/refused_rows.h"
#include "pg/spill_file.h"
#include "pg/write_lane.h"

namespace tickstock {

namespace {

constexpr std::size_t kBlockBytes = 64 << 10;
// Blocks bound for the spill file that the sink's thread has not written yet: beyond this the
// disk is not keeping up and events are refused.
constexpr std::size_t kMaxUnwrittenSpill = 16 << 20;
constexpr std::chrono::seconds kAnnounceEvery{60};

using detail::RecordBlock;
using detail::WriteBatch;

std::uint64_t records_in(const std::vector<RecordBlock>& blocks) {
  std::uint64_t n = 0;
  for (const RecordBlock& b : blocks) n += b.records;
  return n;
}

// Splits `rows` by symbol into `parts` (cleared first).
void split(const WriteBatch& rows, std::vector<WriteBatch>& parts) {
  for (WriteBatch& p : parts) p.clear();
  const std::size_t n = parts.size();
  auto lane = [n](std::string_view symbol) { return std::hash<std::string_view>{}(symbol) % n; };
  for (const auto& b : rows.bars) parts[lane(b.symbol)].bars.push_back(b);
  for (const auto& d : rows.detections) parts[lane(d.symbol)].detections.push_back(d);
  for (const auto& v : rows.indicators) parts[lane(v.symbol)].indicators.push_back(v);
}

// The refused file of `o`: its own setting, or beside the spill file.
std::string refused_path_of(const PgSinkOptions& o) {
  if (!o.refused_path.empty() || o.spill_path.empty()) return o.refused_path;
  std::filesystem::path p(o.spill_path);
  p.replace_extension(".refused");
  return p.string();
}

}  // namespace

struct PgSink::Impl {
  explicit Impl(PgSinkOptions o)
      : options(std::move(o)), refused(refused_path_of(options), options.refused_limit) {
    options.connections = std::clamp(options.connections, 1, 16);
    // The spill file is made when first needed; one left by an earlier run is replayed first.
    // The file is this process's alone.
    if (!options.spill_path.empty()) {
      auto held = detail::SpillLock::acquire(options.spill_path);
      if (held) {
        spill_lock = std::move(*held);
        std::error_code ec;
        if (std::filesystem::exists(options.spill_path, ec)) open_spill_file();
      } else {
        lock_error = held.error().message;
        stats.spill_error = lock_error;
        spill_broken = true;
        say(true, lock_error + "; events beyond memory are refused");
      }
    }
    for (int i = 0; i < options.connections; ++i) {
      detail::LaneSettings s;
      s.url = options.url;
      s.min_backoff = options.min_backoff;
      s.max_backoff = options.max_backoff;
      s.name = options.connections == 1 ? std::string("PostgreSQL sink")
                                        : "PostgreSQL sink connection " + std::to_string(i + 1);
      lanes.push_back(std::make_unique<detail::WriteLane>(
          s,
          [this] {
            std::lock_guard lock(mu);
            wake.notify_all();
          },
          [this](bool error, std::string m) {
            std::lock_guard lock(mu);
            say(error, std::move(m));
            wake.notify_all();
          }));
    }
    thread = std::thread([this] { run(); });
  }

  // Opens the spill file; false (said and counted) when it cannot be. REQUIRES: mu held, or
  // the thread not started.
  bool open_spill_file() {
    auto f = detail::SpillFile::open(options.spill_path);
    if (!f) {
      stats.spill_error = f.error().message;
      spill_broken = true;
      say(true, f.error().message + "; events beyond memory are refused");
      return false;
    }
    file = std::move(*f);
    if (file->torn_bytes() > 0)
      say(true, "spill file " + file->path() + ": cut off a torn block of " +
                    std::to_string(file->torn_bytes()) + " bytes at its end");
    if (file->header_damaged())
      say(true, "spill file " + file->path() +
                    ": its header was damaged; every block in it is written again");
    if (file->unread_records() > 0) {
      spilling = true;
      spill_bytes = file->unread_bytes();
      accepted = file->unread_records();
      say(false, "spill file " + file->path() + ": " + std::to_string(file->unread_records()) +
                     " events from an earlier run are written first");
    }
    return true;
  }

  // Queues a message for options.log. REQUIRES: mu held, or the thread not started. The sink's
  // thread passes them on outside the lock, so a slow log never holds up the engine.
  void say(bool error, std::string message) { messages.emplace_back(error, std::move(message)); }
  void pass_messages() {
    std::vector<std::pair<bool, std::string>> out;
    {
      std::lock_guard lock(mu);
      out.swap(messages);
    }
    if (options.log)
      for (const auto& [error, text] : out) options.log(error, text);
  }

  // Engine thread: queues the record in `scratch`.
  void push() {
    const std::size_t n = scratch.size();
    std::lock_guard lock(mu);
    if (stop) {
      ++stats.refused;
      return;
    }
    if (!spilling && memory_bytes + n <= options.memory_limit) {
      append(memory, n);
      memory_bytes += n;
    } else if (!options.spill_path.empty() && !spill_broken &&
               spill_bytes + unwritten_spill + n <= options.spill_limit &&
               unwritten_spill + n <= kMaxUnwrittenSpill) {
      spilling = true;
      append(to_spill, n);
      unwritten_spill += n;
    } else {
      ++stats.refused;
      refusing = true;  // the sink's thread says so
      wake.notify_one();
      return;
    }
    ++accepted;
    wake.notify_one();
  }

  void append(std::deque<RecordBlock>& q, std::size_t n) {
    if (q.empty() || q.back().bytes.size() + n > kBlockBytes ||
        q.back().records >= options.batch_size) {
      if (spare.empty()) {
        q.emplace_back().bytes.reserve(kBlockBytes);
      } else {
        q.push_back(std::move(spare.back()));
        spare.pop_back();
      }
    }
    q.back().bytes.append(scratch);
    ++q.back().records;
  }

  void recycle(std::vector<RecordBlock>& blocks) {
    std::lock_guard lock(mu);
    for (RecordBlock& b : blocks) {
      b.clear();
      if (spare.size() < 64) spare.push_back(std::move(b));
    }
    blocks.clear();
  }

  bool flush_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu);
    const std::uint64_t target = accepted;
    return done_cv.wait_for(lock, timeout, [&] { return finished >= target; });
  }

  // Under mu: moves the blocks bound for the spill file to `out` and says what needs saying.
  void collect_spill(std::vector<RecordBlock>& out) {
    // Said at most once a minute: with little memory, spilling starts and ends often.
    const auto now = std::chrono::steady_clock::now();
    if (!to_spill.empty() && !spill_announced &&
        (last_spill_announcement == std::chrono::steady_clock::time_point{} ||
         now - last_spill_announcement > kAnnounceEvery)) {
      spill_announced = true;
      last_spill_announcement = now;
      say(false, "PostgreSQL sink: " + std::to_string(memory_bytes >> 20) +
                     " MiB queued in memory; spilling new events to " + options.spill_path);
    }
    for (RecordBlock& b : to_spill) out.push_back(std::move(b));
    to_spill.clear();
    if (refusing) {
      refusing = false;
      if (!refusal_reported) {
        refusal_reported = true;
        say(true, "PostgreSQL sink: memory" +
                      std::string(options.spill_path.empty() ? "" : " and spill file") +
                      " full, refusing events (" + std::to_string(stats.refused) +
                      " so far); they will not be stored");
      }
    }
  }

  // Appends the blocks bound for the spill file to it (not holding mu).
  void write_spill(std::vector<RecordBlock>& out) {
    if (!file && !out.empty()) {
      std::lock_guard lock(mu);
      open_spill_file();
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const RecordBlock& b = out[i];
      auto r = file ? file->append(b) : Result<void>(fail("no spill file"));
      if (r && i + 1 == out.size()) r = file->sync();  // on disk before it counts as kept
      std::lock_guard lock(mu);
      unwritten_spill -= b.bytes.size();
      if (r) {
        spill_bytes += b.bytes.size();
        stats.spilled += b.records;
      } else {
        stats.dropped += b.records;
        finished += b.records;
        stats.spill_error = r.error().message;
        if (!spill_broken) say(true, r.error().message + "; events beyond memory are refused");
        spill_broken = true;
      }
    }
    if (!out.empty()) done_cv.notify_all();
    recycle(out);
  }

  // At stop: what is not stored goes to the front of the spill file (oldest first: the batch in
  // hand, then memory; the file's unread blocks and the blocks bound for it follow), or is
  // counted as lost.
  void keep_backlog(std::vector<RecordBlock>& batch, bool batch_from_file) {
    std::vector<RecordBlock> front, tail;
    {
      std::lock_guard lock(mu);
      if (!batch_from_file)
        for (RecordBlock& b : batch) front.push_back(std::move(b));
      for (RecordBlock& b : memory) front.push_back(std::move(b));
      for (RecordBlock& b : to_spill) tail.push_back(std::move(b));
      memory.clear();
      to_spill.clear();
      memory_bytes = 0;
    }
    batch.clear();
    const std::uint64_t n = records_in(front) + records_in(tail);
    if (!file && n > 0 && !options.spill_path.empty()) {
      std::lock_guard lock(mu);
      open_spill_file();
    }
    if (file) file->rewind_uncommitted();
    if (n + (file ? file->unread_records() : 0) == 0) return;
    std::string error;
    if (!file) {
      error = spill_broken && !stats.spill_error.empty() ? stats.spill_error : "no spill file";
    } else {
      std::vector<const RecordBlock*> first, last;
      for (const RecordBlock& b : front) first.push_back(&b);
      for (const RecordBlock& b : tail) last.push_back(&b);
      if (auto r = file->keep(first, last); !r) error = r.error().message;
    }
    std::lock_guard lock(mu);
    if (error.empty()) {
      stats.kept_at_exit = file->unread_records();
      say(false, std::to_string(stats.kept_at_exit) + " events not yet stored are kept in " +
                     file->path() + " and will be written first at the next start");
    } else {
      stats.lost_at_exit = n;
      say(true, std::to_string(n) + " events were not stored and are lost (" + error + ")");
    }
  }

  // Reads up to about batch_size events from the spill file into `batch`.
  void read_spill(std::vector<RecordBlock>& batch) {
    std::uint64_t n = 0;
    const std::uint64_t damaged = file->damaged_bytes(), lost = file->lost_records();
    while (n < options.batch_size) {  // whole blocks: the last may go past it
      RecordBlock b;
      auto r = file->read_next(b);
      if (!r || !*r) break;
      n += b.records;
      batch.push_back(std::move(b));
    }
    if (file->damaged_bytes() == damaged) return;
    // A damaged block was skipped; the blocks after it are read on.
    std::lock_guard lock(mu);
    const std::uint64_t gone = file->lost_records() - lost;
    stats.spill_damaged_bytes = file->damaged_bytes();
    stats.dropped += gone;
    finished += gone;
    stats.spill_error = "spill file " + file->path() + ": skipped " +
                        std::to_string(file->damaged_bytes() - damaged) + " damaged bytes (" +
                        std::to_string(gone) + " events lost); the blocks after them are kept";
    say(true, stats.spill_error);
    done_cv.notify_all();
  }

  // Marks what was read from the spill file as consumed.
  void consume_spill() {
    auto c = file->commit_read();
    std::lock_guard lock(mu);
    if (!c) stats.spill_error = c.error().message;
    spill_bytes = file->unread_bytes();
  }

  bool lanes_idle() const {
    return std::none_of(lanes.begin(), lanes.end(), [](const auto& l) { return l->busy(); });
  }

  void run() {
    std::vector<RecordBlock> batch, spill_out;
    WriteBatch rows;
    std::vector<WriteBatch> parts(lanes.size());
    for (;;) {
      // Wait for work: spill blocks to write, a batch from memory, or the spill file to read.
      bool from_file = false;
      {
        std::unique_lock lock(mu);
        for (;;) {
          collect_spill(spill_out);
          if (stop || !spill_out.empty() || !messages.empty()) break;
          if (!memory.empty()) {
            std::uint64_t n = 0;
            while (!memory.empty() &&
                   (n == 0 || n + memory.front().records <= options.batch_size)) {
              n += memory.front().records;
              memory_bytes -= memory.front().bytes.size();
              batch.push_back(std::move(memory.front()));
              memory.pop_front();
            }
            break;
          }
          if (file && file->unread_bytes() > 0) {
            from_file = true;
            break;
          }
          if (spilling) {
            spilling = false;
            refusal_reported = false;
            if (spill_announced) say(false, "PostgreSQL sink: spill file drained, back to memory");
            spill_announced = false;
            continue;
          }
          wake.wait(lock);
        }
      }
      pass_messages();
      if (!spill_out.empty()) write_spill(spill_out);
      if (stop_requested()) {
        keep_backlog(batch, false);
        pass_messages();
        return;
      }
      if (from_file) read_spill(batch);
      if (batch.empty()) {
        if (from_file) consume_spill();  // nothing intact was left: done with it
        continue;
      }

      rows.clear();
      for (const RecordBlock& b : batch) {
        if (auto r = detail::decode_records(b.bytes, rows); !r) {
          std::lock_guard lock(mu);
          stats.spill_error = r.error().message;
          say(true, "PostgreSQL sink: " + r.error().message);
        }
      }
      split(rows, parts);
      for (std::size_t i = 0; i < lanes.size(); ++i)
        if (parts[i].size() > 0) lanes[i]->submit(parts[i]);
      // Wait for every part, writing spilled blocks and passing messages meanwhile.
      bool stopped = false;
      for (;;) {
        {
          std::unique_lock lock(mu);
          wake.wait(lock, [&] {
            return stop || !to_spill.empty() || refusing || !messages.empty() || lanes_idle();
          });
          collect_spill(spill_out);
          stopped = stop;
        }
        pass_messages();
        if (!spill_out.empty()) write_spill(spill_out);
        if (stopped) {
          for (auto& l : lanes) l->abandon();
          std::unique_lock lock(mu);
          wake.wait(lock, [&] { return lanes_idle(); });
          break;
        }
        std::lock_guard lock(mu);
        if (lanes_idle()) break;
      }
      if (stopped) {
        keep_backlog(batch, from_file);
        pass_messages();
        return;
      }
      if (from_file) consume_spill();
      const bool refusals = keep_refused(parts);
      pass_messages();  // a flush that waited for this batch finds what it said already logged
      {
        std::lock_guard lock(mu);
        if (refusals) {
          ++stats.failed_batches;
        } else {
          ++stats.batches;
        }
        if (from_file) {
          stats.replayed += records_in(batch);
          spill_bytes = file->unread_bytes();
        }
        finished += records_in(batch);
        done_cv.notify_all();
      }
      recycle(batch);
    }
  }

  // Counts what each lane stored, and keeps the rows the database refused in the refused
  // file (or counts them as dropped). True when a row was refused.
  bool keep_refused(const std::vector<WriteBatch>& parts) {
    std::string lines, first_reason;
    std::uint64_t n = 0;
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::array<std::uint64_t, 3> stored{};  // bars, detections, indicator rows
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      if (parts[i].size() == 0) continue;
      const auto out = lanes[i]->outcome();
      const WriteBatch& p = parts[i];
      stored[0] += p.bars.size();
      stored[1] += p.detections.size();
      stored[2] += p.indicators.size();
      for (const auto& r : out.refused) {
        const std::size_t kind = r.row < p.bars.size()                         ? 0
                                 : r.row < p.bars.size() + p.detections.size() ? 1
                                                                               : 2;
        --stored[kind];
        lines += detail::refused_row_line(p, r.row, r.reason, now);
        if (first_reason.empty()) first_reason = r.reason;
        ++n;
      }
    }
    std::string error;
    const std::uint64_t kept = n > 0 ? refused.keep(lines, error) : 0;
    std::lock_guard lock(mu);
    stats.bars += stored[0];
    stats.detections += stored[1];
    stats.indicator_rows += stored[2];
    if (n == 0) return false;
    stats.refused_rows += n;
    stats.refused_rows_kept += kept;
    stats.dropped += n - kept;
    stats.last_error = first_reason;
    say(true, "PostgreSQL sink: the database refused " + std::to_string(n) +
                  " rows; the rest of the batch is stored. " +
                  (kept == n ? "They are kept in " + refused.path()
                             : std::to_string(n - kept) + " of them are lost (" + error + ")") +
                  ". First reason: " + first_reason);
    return true;
  }

  bool stop_requested() {
    std::lock_guard lock(mu);
    return stop;
  }

  PgSinkOptions options;
  std::unique_ptr<detail::SpillLock> spill_lock;  // held while the sink lives
  std::string lock_error;                         // why the spill file is not ours
  std::unique_ptr<detail::SpillFile> file;        // the sink's thread only, once running
  detail::RefusedRows refused;                    // the sink's thread only

  mutable std::mutex mu;
  std::condition_variable wake, done_cv;
  std::deque<RecordBlock> memory;    // oldest events
  std::deque<RecordBlock> to_spill;  // newer than memory and the file: for the file
  std::vector<RecordBlock> spare;    // cleared blocks, reused
  std::size_t memory_bytes = 0;
  std::size_t unwritten_spill = 0;  // bytes in to_spill and not yet in the file
  std::uint64_t spill_bytes = 0;    // unread bytes in the file
  bool spilling = false;            // new events go to the file until it is drained
  bool spill_broken = false;        // a spill write failed: nothing more is spilled
  bool refusing = false;            // an event was refused since the thread last looked
  bool refusal_reported = false;
  bool spill_announced = false;  // the current spilling was said
  std::chrono::steady_clock::time_point last_spill_announcement{};
  std::vector<std::pair<bool, std::string>> messages;  // for options.log
  std::uint64_t accepted = 0;  // events queued since the start (and found in the file)
  std::uint64_t finished = 0;  // events stored or dropped
  bool stop = false;
  PgSinkStats stats;

  // Engine thread only.
  std::string scratch;  // the record being queued
  Bar last_scanned;     // the bar on_pattern events refer to

  std::vector<std::unique_ptr<detail::WriteLane>> lanes;
  std::thread thread;  // last: starts after everything above exists
};

PgSink::PgSink(PgSinkOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Result<std::unique_ptr<PgSink>> PgSink::open(PgSinkOptions options) {
  auto sink = std::make_unique<PgSink>(std::move(options));
  if (!sink->impl_->lock_error.empty()) return fail(sink->impl_->lock_error);
  return sink;
}

const std::string& PgSink::refused_path() const { return impl_->refused.path(); }

PgSink::~PgSink() { close(); }

void PgSink::close() {
  if (!impl_->thread.joinable()) return;
  flush_for(impl_->options.flush_timeout);
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
    impl_->wake.notify_all();
  }
  impl_->thread.join();
  // The lanes' threads take mu when they finish: join them without holding it.
  std::vector<std::unique_ptr<detail::WriteLane>> lanes;
  {
    std::lock_guard lock(impl_->mu);
    lanes.swap(impl_->lanes);
    for (const auto& l : lanes) {
      impl_->stats.reconnects += l->reconnects();
      if (impl_->stats.last_error.empty()) impl_->stats.last_error = l->last_error();
    }
  }
  lanes.clear();
}

void PgSink::on_bar(const Bar& bar) {
  impl_->scratch.clear();
  detail::encode_bar(bar, impl_->scratch);
  impl_->push();
}

void PgSink::on_scan(const ScanResult& result) {
  impl_->last_scanned = result.bar;
  if (!impl_->options.store_indicators) return;
  impl_->scratch.clear();
  if (!detail::encode_indicators(result, impl_->scratch)) return;  // no value yet
  impl_->push();
}

void PgSink::on_pattern(const PatternEvent& event) {
  const Bar& b = impl_->last_scanned;
  const bool same =
      b.symbol == event.symbol && b.start == event.bar_start && b.timeframe == event.timeframe;
  impl_->scratch.clear();
  detail::encode_detection(event, same ? b.close : 0, same ? b.volume : 0, impl_->scratch);
  impl_->push();
}

void PgSink::flush() { flush_for(impl_->options.flush_timeout); }

bool PgSink::flush_for(std::chrono::milliseconds timeout) { return impl_->flush_for(timeout); }

PgSinkStats PgSink::stats() const {
  std::lock_guard lock(impl_->mu);
  PgSinkStats s = impl_->stats;
  s.backlog = impl_->accepted - impl_->finished;
  s.memory_bytes = impl_->memory_bytes;
  s.spill_bytes = impl_->spill_bytes + impl_->unwritten_spill;
  s.connected = !impl_->lanes.empty();
  for (const auto& l : impl_->lanes) {
    s.connected = s.connected && l->connected();
    s.reconnects += l->reconnects();
    if (s.last_error.empty()) s.last_error = l->last_error();
  }
  return s;
}

}  // namespace tickstock
