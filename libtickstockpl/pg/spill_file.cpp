// File layout: a 32-byte header (magic, version, the pattern and field counts the records were
// made with, the offset of the first unconsumed block, a check of the rest), then blocks:
// u32 magic, u32 bytes, u32 records, u32 CRC-32 of the bytes, the bytes.
#include "pg/spill_file.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

namespace tickstock::detail {
namespace {

constexpr char kMagic[8] = {'T', 'S', 'S', 'P', 'I', 'L', 'L', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint64_t kHeaderSize = 32;
constexpr std::uint32_t kBlockMagic = 0x4b4c4253;  // "SBLK"
constexpr std::size_t kFrameSize = 16;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint16_t patterns;
  std::uint16_t fields;
  std::uint64_t committed;
  std::uint64_t check;  // header_check(); 0 in files of versions before it
};
static_assert(sizeof(Header) == kHeaderSize);

struct Frame {
  std::uint32_t magic;
  std::uint32_t bytes;
  std::uint32_t records;
  std::uint32_t crc;
};
static_assert(sizeof(Frame) == kFrameSize);

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string errno_text() { return std::strerror(errno); }

// pwrite/pread of the whole buffer.
bool write_all(int fd, const void* p, std::size_t n, std::uint64_t at) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, c, n, static_cast<off_t>(at));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= static_cast<std::size_t>(w);
    at += static_cast<std::uint64_t>(w);
  }
  return true;
}
bool read_all(int fd, void* p, std::size_t n, std::uint64_t at) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    const ssize_t r = ::pread(fd, c, n, static_cast<off_t>(at));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r;
    n -= static_cast<std::size_t>(r);
    at += static_cast<std::uint64_t>(r);
  }
  return true;
}

// The header's check: its first 24 bytes' CRC, with bit 32 set (0 marks a header written
// before the check existed, taken as it is).
std::uint64_t header_check(const Header& h) {
  const std::string_view head(reinterpret_cast<const char*>(&h), offsetof(Header, check));
  return crc_of(head) | (std::uint64_t{1} << 32);
}

Header make_header(std::uint64_t committed) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.patterns = kPatternCount;
  h.fields = kFieldCount;
  h.committed = committed;
  h.check = header_check(h);
  return h;
}

bool write_frame(int fd, const RecordBlock& b, std::uint64_t at) {
  const Frame f{kBlockMagic, static_cast<std::uint32_t>(b.bytes.size()), b.records,
                crc_of(b.bytes)};
  return write_all(fd, &f, sizeof f, at) &&
         write_all(fd, b.bytes.data(), b.bytes.size(), at + sizeof f);
}

// fsync of a directory, so that a file made or renamed in it stays there after a crash.
bool sync_dir(const std::string& file) {
  std::string dir = std::filesystem::path(file).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<SpillFile>> SpillFile::open(const std::string& path) {
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return fail("spill file ", path, ": cannot create its directory: ", ec.message());
  // A replacement that a crash left unfinished: the file itself is whole, before or after.
  ::unlink((path + ".tmp").c_str());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail("spill file ", path, ": ", errno_text());
  std::unique_ptr<SpillFile> f(new SpillFile(path, fd));
  if (auto r = f->load(); !r) return r.error();
  return f;
}

SpillFile::~SpillFile() { ::close(fd_); }

Result<void> SpillFile::load() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return fail("spill file ", path_, ": ", errno_text());
  const auto size = static_cast<std::uint64_t>(st.st_size);
  records_ = read_records_ = damaged_to_ = 0;
  if (size < kHeaderSize) {  // new (or cut before its header was whole)
    committed_ = read_ = end_ = kHeaderSize;
    if (::ftruncate(fd_, 0) != 0) return fail("spill file ", path_, ": ", errno_text());
    if (auto r = write_header(); !r) return r;
    if (::fsync(fd_) != 0 || !sync_dir(path_))
      return fail("spill file ", path_, ": syncing: ", errno_text());
    return {};
  }
  Header h{};
  if (!read_all(fd_, &h, sizeof h, 0)) return fail("spill file ", path_, ": ", errno_text());
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    return fail("spill file ", path_, ": not a TickStock spill file");
  if (h.version != kVersion || h.patterns != kPatternCount || h.fields != kFieldCount)
    return fail("spill file ", path_, ": written by another version of TickStock (format ",
                std::to_string(h.version), ", ", std::to_string(h.patterns), " patterns, ",
                std::to_string(h.fields), " fields); replay it with that version or remove it");
  // A torn header (a crash while it was written): where reading had got to is unknown, so
  // everything is read again (storing a row twice leaves it as it was).
  header_damaged_ = (h.check != 0 && h.check != header_check(h)) || h.committed < kHeaderSize;
  committed_ = header_damaged_ ? kHeaderSize : h.committed;
  if (committed_ > size) {
    // Cut after everything was read, and a crash came before the header said so (how earlier
    // versions emptied it): nothing is unread. Said in the header before anything is appended.
    committed_ = size;
    if (auto r = write_header(); !r) return r;
  }
  std::uint64_t pos = committed_;
  while (pos < size) {
    std::uint64_t bytes = 0;
    std::uint32_t records = 0;
    if (block_at(pos, size, bytes, records, nullptr)) {
      pos += bytes;
      records_ += records;
      continue;
    }
    // A damaged block: the blocks after it are kept (it is counted when read); nothing whole
    // after it is a torn tail.
    const std::uint64_t next = find_block(pos + 1, size);
    if (next == size) break;
    pos = next;
  }
  read_ = committed_;
  end_ = pos;
  if (pos < size) {
    torn_ += size - pos;
    if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0)
      return fail("spill file ", path_, ": ", errno_text());
  }
  return {};
}

bool SpillFile::block_at(std::uint64_t at, std::uint64_t to, std::uint64_t& size,
                         std::uint32_t& records, std::string* bytes) const {
  Frame f{};
  if (at + kFrameSize > to || !read_all(fd_, &f, sizeof f, at) || f.magic != kBlockMagic ||
      f.bytes > to - at - kFrameSize)
    return false;
  std::string local;
  std::string& b = bytes != nullptr ? *bytes : local;
  b.resize(f.bytes);
  if (!read_all(fd_, b.data(), f.bytes, at + kFrameSize) || crc_of(b) != f.crc) return false;
  size = kFrameSize + f.bytes;
  records = f.records;
  return true;
}

std::uint64_t SpillFile::find_block(std::uint64_t from, std::uint64_t to) const {
  constexpr std::size_t kChunk = 1 << 20;
  const std::uint32_t magic = kBlockMagic;
  std::string buf;
  for (std::uint64_t base = from; base + sizeof magic <= to;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, to - base));
    buf.resize(n);
    if (!read_all(fd_, buf.data(), n, base)) return to;
    for (std::size_t i = 0; i + sizeof magic <= n; ++i) {
      const void* hit = ::memmem(buf.data() + i, n - i, &magic, sizeof magic);
      if (hit == nullptr) break;
      i = static_cast<std::size_t>(static_cast<const char*>(hit) - buf.data());
      std::uint64_t size = 0;
      std::uint32_t records = 0;
      if (block_at(base + i, to, size, records, nullptr)) return base + i;
    }
    if (base + n >= to) break;
    base += n - (sizeof magic - 1);  // a magic across the chunks' border is found next time
  }
  return to;
}

std::uint64_t SpillFile::records_in(std::uint64_t from, std::uint64_t to) const {
  std::uint64_t n = 0;
  for (std::uint64_t pos = from; pos < to;) {
    std::uint64_t size = 0;
    std::uint32_t records = 0;
    if (block_at(pos, to, size, records, nullptr)) {
      n += records;
      pos += size;
    } else {
      pos = find_block(pos + 1, to);
    }
  }
  return n;
}

Result<void> SpillFile::write_header() {
  if (crash("header")) return fail("spill file ", path_, ": crash before the header");
  const Header h = make_header(committed_);
  if (!write_all(fd_, &h, sizeof h, 0)) return fail("spill file ", path_, ": ", errno_text());
  return {};
}

Result<void> SpillFile::append(const RecordBlock& block) {
  if (crash("append")) {  // half a block, as a crash in the middle of writing leaves it
    const Frame f{kBlockMagic, static_cast<std::uint32_t>(block.bytes.size()), block.records,
                  crc_of(block.bytes)};
    (void)write_all(fd_, &f, sizeof f, end_);
    return fail("spill file ", path_, ": crash while appending");
  }
  if (!write_frame(fd_, block, end_)) {
    const std::string why = errno_text();
    (void)::ftruncate(fd_, static_cast<off_t>(end_));  // no torn block left behind
    return fail("spill file ", path_, ": writing: ", why);
  }
  end_ += kFrameSize + block.bytes.size();
  records_ += block.records;
  return {};
}

Result<void> SpillFile::sync() {
  if (crash("sync")) return fail("spill file ", path_, ": crash before syncing");
  if (::fsync(fd_) != 0) return fail("spill file ", path_, ": syncing: ", errno_text());
  return {};
}

Result<bool> SpillFile::read_next(RecordBlock& out) {
  while (read_ < end_) {
    std::uint64_t size = 0;
    std::uint32_t records = 0;
    if (block_at(read_, end_, size, records, &out.bytes)) {
      out.records = records;
      read_ += size;
      read_records_ += records;
      return true;
    }
    // Damaged since it was written or found: skip to the next intact block. Its records are
    // what the intact blocks after it do not account for.
    const std::uint64_t next = find_block(read_ + 1, end_);
    const std::uint64_t after = records_in(next, end_);
    const std::uint64_t unread = records_ - read_records_;
    const std::uint64_t lost = unread > after ? unread - after : 0;
    if (next > damaged_to_) {  // read again after rewind_uncommitted(): counted once
      damaged_ += next - std::max(read_, damaged_to_);
      damaged_to_ = next;
    }
    lost_ += lost;
    records_ -= lost;
    read_ = next;
  }
  return false;
}

Result<void> SpillFile::commit_read() {
  committed_ = read_;
  records_ -= read_records_;
  read_records_ = 0;
  // Emptied: a fresh file replaces it (cutting it in place and then rewriting the header would
  // leave, after a crash in between, a header that points past the end).
  if (committed_ == end_ && end_ > kHeaderSize) return rewrite({}, end_, {});
  return write_header();
}

void SpillFile::rewind_uncommitted() {
  read_ = committed_;
  read_records_ = 0;
}

Result<void> SpillFile::keep(const std::vector<const RecordBlock*>& front,
                             const std::vector<const RecordBlock*>& tail) {
  rewind_uncommitted();
  if (std::none_of(front.begin(), front.end(), [](const RecordBlock* b) { return b->records; })) {
    for (const RecordBlock* b : tail)
      if (b->records > 0)
        if (auto r = append(*b); !r) return r;
    return sync();
  }
  return rewrite(front, committed_, tail);
}

Result<void> SpillFile::rewrite(const std::vector<const RecordBlock*>& front, std::uint64_t from,
                                const std::vector<const RecordBlock*>& tail) {
  const std::string tmp = path_ + ".tmp";
  if (crash("write new")) return fail("spill file ", tmp, ": crash before writing it");
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("spill file ", tmp, ": ", errno_text());
  auto abandon = [&](const std::string& why, bool remove = true) -> Result<void> {
    ::close(fd);
    if (remove) ::unlink(tmp.c_str());
    return fail("spill file ", tmp, ": ", why);
  };
  const Header h = make_header(kHeaderSize);
  std::uint64_t at = kHeaderSize;
  if (!write_all(fd, &h, sizeof h, 0)) return abandon(errno_text());
  auto put = [&](const std::vector<const RecordBlock*>& blocks) {
    for (const RecordBlock* b : blocks) {
      if (b->records == 0) continue;
      if (!write_frame(fd, *b, at)) return false;
      at += kFrameSize + b->bytes.size();
    }
    return true;
  };
  if (!put(front)) return abandon(errno_text());
  std::string chunk(1 << 20, '\0');
  for (std::uint64_t pos = from; pos < end_;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end_ - pos));
    if (!read_all(fd_, chunk.data(), n, pos) || !write_all(fd, chunk.data(), n, at))
      return abandon(errno_text());
    pos += n;
    at += n;
  }
  if (!put(tail)) return abandon(errno_text());
  if (crash("sync new")) return abandon("crash before syncing it", false);
  if (::fsync(fd) != 0) return abandon(errno_text());
  if (crash("rename")) return abandon("crash before renaming it", false);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return abandon(errno_text());
  ::close(fd_);
  fd_ = fd;
  if (crash("sync dir")) return fail("spill file ", path_, ": crash before syncing its directory");
  if (!sync_dir(path_))
    return fail("spill file ", path_, ": syncing its directory: ", errno_text());
  return load();
}

SpillLock::~SpillLock() { ::close(fd_); }  // releases the lock

Result<std::unique_ptr<SpillLock>> SpillLock::acquire(const std::string& path) {
  const std::filesystem::path file(path);
  const std::string dir = file.parent_path().empty() ? "." : file.parent_path().string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("spill dir ", dir, ": cannot create it: ", ec.message());
  const std::string lock = path + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail("spill dir ", dir, ": ", lock, ": ", errno_text());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const bool held = errno == EWOULDBLOCK;
    const std::string why = errno_text();
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    std::string holder(pid, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    if (!held) return fail("spill dir ", dir, ": locking ", lock, ": ", why);
    return fail("spill dir ", dir, " is in use by process ", holder.empty() ? "?" : holder,
                ", which holds ", lock,
                " (it stores into the same database): two processes must not share a spill "
                "file; give each its own spill directory");
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || !write_all(fd, me.data(), me.size(), 0)) {
    const std::string why = errno_text();
    ::close(fd);
    return fail("spill dir ", dir, ": writing ", lock, ": ", why);
  }
  return std::unique_ptr<SpillLock>(new SpillLock(fd));
}

}  // namespace tickstock::detail
