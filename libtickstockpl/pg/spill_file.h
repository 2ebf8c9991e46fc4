// SpillFile: the append-only file where PgSink keeps what does not fit in memory while the
// database is away, and what it could not write before it stopped. Blocks of records are
// appended at the end and read from the front; the header remembers how far the writer got, so
// a restarted sink resumes there. Native byte order: the file belongs to this machine.
#ifndef TICKSTOCK_PG_SPILL_FILE_H_
#define TICKSTOCK_PG_SPILL_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tickstock/result.h"

#include "pg/event_record.h"

namespace tickstock::detail {

class SpillFile {
 public:
  // Opens `path`, creating it (and its directory) when missing. An existing file keeps its
  // unread blocks; a torn block at its end (a crash while appending) is cut off and counted.
  static Result<std::unique_ptr<SpillFile>> open(const std::string& path);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends a block after everything else.
  Result<void> append(const RecordBlock& block);
  // Reads the next unread block into `out`; false when there is none. Reading does not
  // consume: commit_read() does, once its records are stored.
  Result<bool> read_next(RecordBlock& out);
  // Marks everything read so far as consumed (and empties the file when nothing is left).
  Result<void> commit_read();
  // Drops every unread block (after a damaged one: what follows cannot be trusted).
  Result<void> discard_unread();
  // Forgets what was read but not committed: the next read_next() starts again there.
  void rewind_uncommitted();
  // Writes `front` before the unread blocks (replacing the file atomically), for what was
  // taken from memory but not stored when the sink stops; flushed to disk.
  Result<void> prepend(const std::vector<const RecordBlock*>& front);

  // Unread (uncommitted) bytes and records.
  std::uint64_t unread_bytes() const { return end_ - committed_; }
  std::uint64_t unread_records() const { return records_; }
  // Bytes of torn blocks cut off when opening.
  std::uint64_t torn_bytes() const { return torn_; }
  const std::string& path() const { return path_; }

 private:
  SpillFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Result<void> load();
  Result<void> write_header();

  std::string path_;
  int fd_;
  std::uint64_t committed_ = 0;     // offset of the first unconsumed block
  std::uint64_t read_ = 0;          // offset of the next block read_next() returns
  std::uint64_t end_ = 0;           // end of the last whole block
  std::uint64_t records_ = 0;       // records in [committed_, end_)
  std::uint64_t read_records_ = 0;  // records in [committed_, read_)
  std::uint64_t torn_ = 0;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_SPILL_FILE_H_
