// The spill file across crashes and damage: a crash at every step of every write (simulated by
// the file's crash hook, which stops the write there, or by writing the damaged state
// directly), damaged blocks among good ones, a torn header, what is synced when, and the lock
// that keeps a second process off the file.
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/pg_sink.h"

#include "pg/event_record.h"
#include "pg/spill_file.h"
#include "support/test_bars.h"

using tickstock::Bar;
using tickstock::SymbolTable;
using tickstock::detail::RecordBlock;
using tickstock::detail::SpillFile;
using tickstock::detail::SpillLock;
using tickstock::detail::WriteBatch;
using tickstock::test::minute_bar;

namespace {

struct TempDir {
  TempDir() {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() /
          ("tickstock-crash-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir);
    path = (dir / "pg.spill").string();
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
  std::string path;
};

// A block of `n` bars of AAA closing at first, first + 1, ...
RecordBlock block_of(SymbolTable& symbols, int first, int n) {
  RecordBlock b;
  const auto s = symbols.intern("AAA");
  for (int i = 0; i < n; ++i) {
    tickstock::detail::encode_bar(minute_bar(s, first + i, first + i), b.bytes);
    ++b.records;
  }
  return b;
}

// The closes of every bar the file at `path` gives, in order (after opening it afresh).
std::vector<double> closes_in(const std::string& path) {
  auto f = SpillFile::open(path);
  if (!f) FAIL(f.error().message);
  std::vector<double> out;
  RecordBlock b;
  for (;;) {
    auto r = (*f)->read_next(b);
    REQUIRE(r);
    if (!*r) break;
    WriteBatch w;
    REQUIRE(tickstock::detail::decode_records(b.bytes, w));
    for (const auto& bar : w.bars) out.push_back(bar.close);
  }
  return out;
}

std::vector<double> range(int from, int to) {
  std::vector<double> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Offsets of the blocks of a file written as 32-byte header + blocks of `sizes` bars each.
std::vector<std::size_t> block_offsets(SymbolTable& symbols, const std::vector<int>& sizes) {
  std::vector<std::size_t> at{32};
  for (const int n : sizes) at.push_back(at.back() + 16 + block_of(symbols, 0, n).bytes.size());
  return at;
}

// A crash hook that records every step and stops at `stop_at` ("" : never).
struct Steps {
  std::vector<std::string> seen;
  std::string stop_at;
  auto hook() {
    return [this](std::string_view step) {
      seen.emplace_back(step);
      return step == stop_at;
    };
  }
};

}  // namespace

TEST_CASE("SpillFile keeps the blocks after a damaged one and counts what it skipped",
          "[pg][spill][crash]") {
  TempDir tmp;
  SymbolTable symbols;
  {
    auto f = SpillFile::open(tmp.path);
    REQUIRE(f);
    for (int i = 0; i < 4; ++i) REQUIRE((*f)->append(block_of(symbols, i * 10, i + 1)));
  }
  const auto at = block_offsets(symbols, {1, 2, 3, 4});
  std::string bytes = read_all(tmp.path);
  bytes[at[1] + 20] ^= 0x5a;  // a byte of the second block's records: its CRC fails
  bytes[at[2]] ^= 0x5a;       // the third block's magic: it cannot even be told a block
  write_all(tmp.path, bytes);
  auto f = SpillFile::open(tmp.path);
  REQUIRE(f);
  CHECK((*f)->torn_bytes() == 0);  // not cut: nothing after them is lost
  CHECK((*f)->unread_records() == 1 + 4);
  std::vector<double> closes;
  RecordBlock b;
  while (*(*f)->read_next(b)) {
    WriteBatch w;
    REQUIRE(tickstock::detail::decode_records(b.bytes, w));
    for (const auto& bar : w.bars) closes.push_back(bar.close);
  }
  CHECK(closes == std::vector<double>{0, 30, 31, 32, 33});
  CHECK((*f)->damaged_bytes() == at[3] - at[1]);
  CHECK((*f)->lost_records() == 0);  // known when it was opened: never counted as unread

  // Damaged after it was opened (the records it held are then known to be lost).
  (*f)->rewind_uncommitted();
  bytes = read_all(tmp.path);
  bytes[at[3] + 20] ^= 0x5a;
  write_all(tmp.path, bytes);
  REQUIRE(*(*f)->read_next(b));  // the first block
  CHECK_FALSE(*(*f)->read_next(b));
  CHECK((*f)->lost_records() == 4);
  CHECK((*f)->unread_records() == 1);
  CHECK((*f)->damaged_bytes() == at[4] - at[1]);  // each damaged byte counted once
}

TEST_CASE("SpillFile survives a crash at every step of emptying and of keeping at stop",
          "[pg][spill][crash]") {
  SymbolTable symbols;
  {
    // A block of two read and stored, and the crash comes as the header is to say so.
    TempDir tmp;
    {
      auto f = SpillFile::open(tmp.path);
      REQUIRE(f);
      REQUIRE((*f)->append(block_of(symbols, 0, 2)));
      REQUIRE((*f)->append(block_of(symbols, 2, 2)));
      RecordBlock b;
      REQUIRE(*(*f)->read_next(b));
      Steps steps;
      steps.stop_at = "header";
      (*f)->set_crash_hook(steps.hook());
      CHECK_FALSE((*f)->commit_read());
    }
    CHECK(closes_in(tmp.path) == range(0, 4));
  }
  for (const char* step : {"write new", "sync new", "rename", "sync dir"}) {
    INFO(step);
    TempDir tmp;
    {
      auto f = SpillFile::open(tmp.path);
      REQUIRE(f);
      REQUIRE((*f)->append(block_of(symbols, 0, 2)));
      REQUIRE((*f)->append(block_of(symbols, 2, 2)));
      REQUIRE((*f)->sync());
      // Everything read and stored: the file is emptied, and the crash comes in the middle.
      RecordBlock b;
      while (*(*f)->read_next(b)) {
      }
      Steps steps;
      steps.stop_at = step;
      (*f)->set_crash_hook(steps.hook());
      CHECK_FALSE((*f)->commit_read());
    }
    // The next start opens it (stored rows may come again; storing them twice changes nothing),
    // and leaves no half-written replacement behind.
    const auto closes = closes_in(tmp.path);
    const bool before = closes == range(0, 4), after = closes.empty();
    CHECK((before || after));
    CHECK_FALSE(std::filesystem::exists(tmp.path + ".tmp"));
  }
  for (const char* step : {"append", "sync", "write new", "sync new", "rename", "sync dir"}) {
    INFO(step);
    TempDir tmp;
    {
      auto f = SpillFile::open(tmp.path);
      REQUIRE(f);
      REQUIRE((*f)->append(block_of(symbols, 10, 2)));
      REQUIRE((*f)->sync());
      // At stop: what memory held goes in front, what was bound for the file behind.
      const RecordBlock front = block_of(symbols, 0, 3), tail = block_of(symbols, 20, 1);
      Steps steps;
      steps.stop_at = step;
      (*f)->set_crash_hook(steps.hook());
      const bool front_too = std::string_view(step) != "append" && std::string_view(step) != "sync";
      CHECK_FALSE(
          (*f)->keep(front_too ? std::vector{&front} : std::vector<const RecordBlock*>{}, {&tail}));
    }
    // What the file held is never lost; the rest is there whole or not at all.
    const auto closes = closes_in(tmp.path);
    const std::vector<double> old{10, 11};
    std::vector<double> all = {0, 1, 2, 10, 11, 20};
    if (std::string_view(step) == "append" || std::string_view(step) == "sync") all = {10, 11, 20};
    CHECK((closes == old || closes == all));
  }
}

TEST_CASE("SpillFile opens what a crash left: a header past the end, a torn header",
          "[pg][spill][crash]") {
  TempDir tmp;
  SymbolTable symbols;
  {
    auto f = SpillFile::open(tmp.path);
    REQUIRE(f);
    REQUIRE((*f)->append(block_of(symbols, 0, 2)));
    REQUIRE((*f)->append(block_of(symbols, 2, 2)));
    RecordBlock b;
    REQUIRE(*(*f)->read_next(b));
    REQUIRE((*f)->commit_read());  // the header now points past the first block
  }
  CHECK(closes_in(tmp.path) == range(2, 4));
  const std::string whole = read_all(tmp.path);
  // Cut to its header after everything was read, with the header not rewritten yet (how a
  // crash left it when emptying cut the file first).
  write_all(tmp.path, whole.substr(0, 32));
  {
    auto f = SpillFile::open(tmp.path);
    REQUIRE(f);  // was: "bad header (read offset ...)", and the sink ran without a spill file
    CHECK((*f)->unread_records() == 0);
    REQUIRE((*f)->append(block_of(symbols, 5, 1)));
  }
  CHECK(closes_in(tmp.path) == std::vector<double>{5});  // appended after it is read
  // A torn header (its check fails): everything in the file is read again.
  std::string torn = whole;
  torn[24] ^= 0x01;
  write_all(tmp.path, torn);
  auto f = SpillFile::open(tmp.path);
  REQUIRE(f);
  CHECK((*f)->header_damaged());
  CHECK(closes_in(tmp.path) == range(0, 4));
}

TEST_CASE("SpillFile syncs what it appends, the files it replaces and their directory",
          "[pg][spill][crash]") {
  TempDir tmp;
  SymbolTable symbols;
  auto f = SpillFile::open(tmp.path);
  REQUIRE(f);
  Steps steps;
  (*f)->set_crash_hook(steps.hook());
  const RecordBlock a = block_of(symbols, 0, 1), b = block_of(symbols, 1, 1);
  REQUIRE((*f)->keep({}, {&a, &b}));  // at stop, with nothing from memory: appended, synced
  CHECK(steps.seen == std::vector<std::string>{"append", "append", "sync"});
  steps.seen.clear();
  REQUIRE((*f)->keep({&a}, {&b}));  // with something in front: a new file replaces it
  CHECK(steps.seen == std::vector<std::string>{"write new", "sync new", "rename", "sync dir"});
  steps.seen.clear();
  RecordBlock r;
  while (*(*f)->read_next(r)) {
  }
  REQUIRE((*f)->commit_read());  // emptied: replaced too, never cut in place
  CHECK(steps.seen == std::vector<std::string>{"write new", "sync new", "rename", "sync dir"});
  CHECK(std::filesystem::file_size(tmp.path) == 32);
}

TEST_CASE("A spill file is one process's: the second is told which process holds it",
          "[pg][spill][crash]") {
  TempDir tmp;
  int ready[2], release[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(release) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the first process: holds the directory until told to let go (or the
                     // test is gone: its end of the pipe closes)
    ::close(ready[0]);
    ::close(release[1]);
    auto held = SpillLock::acquire(tmp.path);
    char c = held ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    std::_Exit(held ? 0 : 1);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  REQUIRE(c == 'y');
  const auto second = SpillLock::acquire(tmp.path);
  REQUIRE_FALSE(second);
  CHECK(second.error().message ==
        "spill dir " + tmp.dir.string() + " is in use by process " + std::to_string(child) +
            ", which holds " + tmp.path +
            ".lock (it stores into the same database): two processes must not share a spill "
            "file; give each its own spill directory");
  // Another database's file in the same directory is another process's to take.
  CHECK(SpillLock::acquire((tmp.dir / "pg-other.spill").string()));
  // A sink on a file in that directory does not start (PgSink::open), or runs without it.
  tickstock::PgSinkOptions o;
  o.url = "postgresql://tickstock@127.0.0.1:1/none";
  o.spill_path = tmp.path;
  o.flush_timeout = std::chrono::milliseconds(10);
  const auto sink = tickstock::PgSink::open(o);
  REQUIRE_FALSE(sink);
  CHECK(sink.error().message.find("is in use by process " + std::to_string(child)) !=
        std::string::npos);
  {
    tickstock::PgSink memory_only(o);
    CHECK(memory_only.stats().spill_error.find("in use by process") != std::string::npos);
  }
  (void)!::write(release[1], &c, 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WEXITSTATUS(status) == 0);
  // Let go of: the next process takes it.
  CHECK(SpillLock::acquire(tmp.path));
  for (int fd : {ready[0], release[1]}) ::close(fd);
}
