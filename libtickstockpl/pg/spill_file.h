// SpillFile: the append-only file where PgSink keeps what does not fit in memory while the
// database is away, and what it could not write before it stopped. Blocks of records are
// appended at the end and read from the front; the header remembers how far the writer got, so
// a restarted sink resumes there. Native byte order: the file belongs to this machine.
//
// Crash safety: every block carries a magic, its length and a CRC, so that a damaged block is
// skipped and the blocks after it are found again; the header carries a CRC, and a damaged one
// means reading again from the first block (writes are idempotent). The file is only ever
// replaced whole (written beside it, synced, renamed over it, the directory synced), never cut
// in place, except for a torn tail found when opening.
#ifndef TICKSTOCK_PG_SPILL_FILE_H_
#define TICKSTOCK_PG_SPILL_FILE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tickstock/result.h"

#include "pg/event_record.h"

namespace tickstock::detail {

class SpillFile {
 public:
  // Opens `path`, creating it (and its directory) when missing. An existing file keeps its
  // unread blocks, a damaged block among them is skipped (counted when read), a torn block at
  // its end (a crash while appending) is cut off and counted, and a file left half-replaced by
  // a crash is taken as it was before or after, whichever the rename left.
  static Result<std::unique_ptr<SpillFile>> open(const std::string& path);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends a block after everything else (not yet synced: see sync()).
  Result<void> append(const RecordBlock& block);
  // Flushes the appended blocks to disk.
  Result<void> sync();
  // Reads the next unread block into `out`; false when there is none. A damaged block is
  // skipped and counted (damaged_bytes(), lost_records()); the blocks after it are read.
  // Reading does not consume: commit_read() does, once its records are stored.
  Result<bool> read_next(RecordBlock& out);
  // Marks everything read so far as consumed; the file is emptied when nothing is left.
  Result<void> commit_read();
  // Forgets what was read but not committed: the next read_next() starts again there.
  void rewind_uncommitted();
  // At stop: replaces the file by `front` (what was taken from memory but not stored), its
  // unread blocks, then `tail` (what was bound for it), all on disk when this returns.
  Result<void> keep(const std::vector<const RecordBlock*>& front,
                    const std::vector<const RecordBlock*>& tail);

  // Unread (uncommitted) bytes and records.
  std::uint64_t unread_bytes() const { return end_ - committed_; }
  std::uint64_t unread_records() const { return records_; }
  // Bytes of torn blocks cut off when opening.
  std::uint64_t torn_bytes() const { return torn_; }
  // Bytes of damaged blocks skipped so far, and the records lost with them.
  std::uint64_t damaged_bytes() const { return damaged_; }
  std::uint64_t lost_records() const { return lost_; }
  // True when the header was damaged and the file is read again from its first block.
  bool header_damaged() const { return header_damaged_; }
  const std::string& path() const { return path_; }

  // Tests: called before each step of a write ("append", "sync", "header", "write new",
  // "sync new", "rename", "sync dir"); returning true makes the operation stop there with an
  // error, leaving the files as a crash at that point would.
  void set_crash_hook(std::function<bool(std::string_view step)> hook) { crash_ = std::move(hook); }

 private:
  SpillFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Result<void> load();
  Result<void> write_header();
  // Replaces the file by header + `front` + the unread bytes from `from` + `tail`.
  Result<void> rewrite(const std::vector<const RecordBlock*>& front, std::uint64_t from,
                       const std::vector<const RecordBlock*>& tail);
  // The offset of the first whole, intact block in [from, to), or `to`.
  std::uint64_t find_block(std::uint64_t from, std::uint64_t to) const;
  // Whether a whole, intact block starts at `at` (before `to`); its size and records if so.
  // The block's bytes go to `bytes` when not null.
  bool block_at(std::uint64_t at, std::uint64_t to, std::uint64_t& size, std::uint32_t& records,
                std::string* bytes) const;
  // Records in the intact blocks of [from, to).
  std::uint64_t records_in(std::uint64_t from, std::uint64_t to) const;
  bool crash(std::string_view step) const { return crash_ && crash_(step); }

  std::string path_;
  int fd_;
  std::uint64_t committed_ = 0;     // offset of the first unconsumed block
  std::uint64_t read_ = 0;          // offset of the next block read_next() returns
  std::uint64_t end_ = 0;           // end of the last whole block
  std::uint64_t records_ = 0;       // records in [committed_, end_)
  std::uint64_t read_records_ = 0;  // records in [committed_, read_)
  std::uint64_t torn_ = 0;
  std::uint64_t damaged_ = 0;
  std::uint64_t damaged_to_ = 0;  // damage before this offset is counted
  std::uint64_t lost_ = 0;
  bool header_damaged_ = false;
  std::function<bool(std::string_view)> crash_;
};

// Holds a spill file (and the refused file beside it) for this process: flock on
// PATH.lock, which names the holder's pid. Two processes on one file would write over each
// other's events; processes storing into other databases have other files, and may share the
// directory.
class SpillLock {
 public:
  // Takes the lock of the spill file `path` (its directory made if missing); the error names
  // the directory, the file and the pid of the process that holds it.
  static Result<std::unique_ptr<SpillLock>> acquire(const std::string& path);
  ~SpillLock();
  SpillLock(const SpillLock&) = delete;
  SpillLock& operator=(const SpillLock&) = delete;

 private:
  explicit SpillLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_SPILL_FILE_H_
