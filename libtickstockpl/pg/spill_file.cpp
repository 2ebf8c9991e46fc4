// File layout: a 32-byte header (magic, version, the pattern and field counts the records were
// made with, the offset of the first unconsumed block), then blocks: u32 magic, u32 bytes,
// u32 records, u32 CRC-32 of the bytes, the bytes.
#include "pg/spill_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
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
  std::uint64_t reserved;
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

Header make_header(std::uint64_t committed) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.patterns = kPatternCount;
  h.fields = kFieldCount;
  h.committed = committed;
  return h;
}

bool write_frame(int fd, const RecordBlock& b, std::uint64_t at) {
  const Frame f{kBlockMagic, static_cast<std::uint32_t>(b.bytes.size()), b.records,
                crc_of(b.bytes)};
  return write_all(fd, &f, sizeof f, at) &&
         write_all(fd, b.bytes.data(), b.bytes.size(), at + sizeof f);
}

}  // namespace

Result<std::unique_ptr<SpillFile>> SpillFile::open(const std::string& path) {
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return fail("spill file ", path, ": cannot create its directory: ", ec.message());
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
  if (size < kHeaderSize) {  // new (or cut before its header was whole)
    committed_ = read_ = end_ = kHeaderSize;
    if (::ftruncate(fd_, 0) != 0) return fail("spill file ", path_, ": ", errno_text());
    return write_header();
  }
  Header h{};
  if (!read_all(fd_, &h, sizeof h, 0)) return fail("spill file ", path_, ": ", errno_text());
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    return fail("spill file ", path_, ": not a TickStock spill file");
  if (h.version != kVersion || h.patterns != kPatternCount || h.fields != kFieldCount)
    return fail("spill file ", path_, ": written by another version of TickStock (format ",
                std::to_string(h.version), ", ", std::to_string(h.patterns), " patterns, ",
                std::to_string(h.fields), " fields); replay it with that version or remove it");
  if (h.committed < kHeaderSize || h.committed > size)
    return fail("spill file ", path_, ": bad header (read offset ", std::to_string(h.committed),
                ")");
  committed_ = read_ = h.committed;
  std::uint64_t pos = committed_;
  records_ = 0;
  std::string bytes;
  while (pos + kFrameSize <= size) {
    Frame f{};
    if (!read_all(fd_, &f, sizeof f, pos) || f.magic != kBlockMagic ||
        pos + kFrameSize + f.bytes > size)
      break;
    bytes.resize(f.bytes);
    if (!read_all(fd_, bytes.data(), f.bytes, pos + kFrameSize) || crc_of(bytes) != f.crc) break;
    pos += kFrameSize + f.bytes;
    records_ += f.records;
  }
  end_ = pos;
  if (pos < size) {
    torn_ = size - pos;
    if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0)
      return fail("spill file ", path_, ": ", errno_text());
  }
  return {};
}

Result<void> SpillFile::write_header() {
  const Header h = make_header(committed_);
  if (!write_all(fd_, &h, sizeof h, 0)) return fail("spill file ", path_, ": ", errno_text());
  return {};
}

Result<void> SpillFile::append(const RecordBlock& block) {
  if (!write_frame(fd_, block, end_)) {
    const std::string why = errno_text();
    (void)::ftruncate(fd_, static_cast<off_t>(end_));  // no torn block left behind
    return fail("spill file ", path_, ": writing: ", why);
  }
  end_ += kFrameSize + block.bytes.size();
  records_ += block.records;
  return {};
}

Result<bool> SpillFile::read_next(RecordBlock& out) {
  if (read_ >= end_) return false;
  Frame f{};
  if (!read_all(fd_, &f, sizeof f, read_) || f.magic != kBlockMagic)
    return fail("spill file ", path_, ": bad block at offset ", std::to_string(read_));
  out.bytes.resize(f.bytes);
  if (!read_all(fd_, out.bytes.data(), f.bytes, read_ + kFrameSize) || crc_of(out.bytes) != f.crc)
    return fail("spill file ", path_, ": bad block at offset ", std::to_string(read_));
  out.records = f.records;
  read_ += kFrameSize + f.bytes;
  read_records_ += f.records;
  return true;
}

Result<void> SpillFile::commit_read() {
  committed_ = read_;
  records_ -= read_records_;
  read_records_ = 0;
  if (committed_ == end_ && end_ > kHeaderSize) {
    committed_ = read_ = end_ = kHeaderSize;
    if (::ftruncate(fd_, static_cast<off_t>(kHeaderSize)) != 0)
      return fail("spill file ", path_, ": ", errno_text());
  }
  return write_header();
}

Result<void> SpillFile::discard_unread() {
  read_ = end_;
  read_records_ = records_;
  return commit_read();
}

void SpillFile::rewind_uncommitted() {
  read_ = committed_;
  read_records_ = 0;
}

Result<void> SpillFile::prepend(const std::vector<const RecordBlock*>& front) {
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("spill file ", tmp, ": ", errno_text());
  auto abandon = [&](const std::string& why) -> Result<void> {
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail("spill file ", tmp, ": ", why);
  };
  const Header h = make_header(kHeaderSize);
  std::uint64_t at = kHeaderSize;
  if (!write_all(fd, &h, sizeof h, 0)) return abandon(errno_text());
  for (const RecordBlock* b : front) {
    if (b->records == 0) continue;
    if (!write_frame(fd, *b, at)) return abandon(errno_text());
    at += kFrameSize + b->bytes.size();
  }
  std::string chunk(1 << 20, '\0');
  for (std::uint64_t from = committed_; from < end_;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end_ - from));
    if (!read_all(fd_, chunk.data(), n, from) || !write_all(fd, chunk.data(), n, at))
      return abandon(errno_text());
    from += n;
    at += n;
  }
  if (::fsync(fd) != 0) return abandon(errno_text());
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return abandon(errno_text());
  ::close(fd_);
  fd_ = fd;
  read_records_ = 0;
  return load();
}

}  // namespace tickstock::detail
