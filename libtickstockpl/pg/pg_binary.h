// PostgreSQL's binary wire formats: for the writer, one-dimensional arrays as statement
// parameters (a batch becomes a few arrays that `unnest` turns back into rows) and COPY's
// binary rows; for the readers, the values of a binary result. No text formatting or parsing of
// numbers on either side.
#ifndef TICKSTOCK_PG_PG_BINARY_H_
#define TICKSTOCK_PG_PG_BINARY_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tickstock::detail {

// Element type OIDs (pg_type.h).
enum class PgType : std::uint32_t {
  kInt2 = 21,
  kInt4 = 23,
  kInt8 = 20,
  kText = 25,
  kFloat8 = 701,
  kDate = 1082,
  kTimestamptz = 1184,
};

// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01 UTC).
inline constexpr std::int64_t kPgEpochMicros = 946'684'800'000'000;
// Days between 1970-01-01 and 2000-01-01.
inline constexpr std::int32_t kPgEpochDays = 10'957;

// A binary result's int8 (or a float8's bits) at `p`: 8 bytes, big-endian.
inline std::uint64_t read_be64(const char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, 8);
  return std::endian::native == std::endian::little ? __builtin_bswap64(v) : v;
}
inline std::int64_t read_int8(const char* p) { return static_cast<std::int64_t>(read_be64(p)); }
inline double read_float8(const char* p) { return std::bit_cast<double>(read_be64(p)); }

// Values in the binary send format, each preceded by its length (as arrays and COPY want).
class PgValues {
 public:
  void add_null() {
    put32(0xffffffffu);
    has_null_ = true;
    ++count_;
  }
  void add_text(std::string_view s) {
    put32(static_cast<std::uint32_t>(s.size()));
    buf_.append(s);
    ++count_;
  }
  void add_int2(std::int16_t v) {
    put32(2);
    ++count_;
    const auto u = static_cast<std::uint16_t>(v);
    const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u & 0xff)};
    buf_.append(b, 2);
  }
  void add_int4(std::int32_t v) {
    put32(4);
    put32(static_cast<std::uint32_t>(v));
    ++count_;
  }
  void add_int8(std::int64_t v) {
    put32(8);
    put64(static_cast<std::uint64_t>(v));
    ++count_;
  }
  void add_float8(double v) {
    put32(8);
    put64(std::bit_cast<std::uint64_t>(v));
    ++count_;
  }
  // NaN is stored as NULL (an indicator without a value).
  void add_float8_or_null(double v) {
    if (v != v) return add_null();
    add_float8(v);
  }
  // `unix_micros` since 1970-01-01 UTC.
  void add_timestamptz(std::int64_t unix_micros) { add_int8(unix_micros - kPgEpochMicros); }
  // `unix_days` since 1970-01-01.
  void add_date(std::int32_t unix_days) { add_int4(unix_days - kPgEpochDays); }
  // Values added since the last reset.
  std::uint32_t count() const { return count_; }

 protected:
  void put16(std::uint16_t v) {
    const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
    buf_.append(b, 2);
  }
  void put32(std::uint32_t v) {
    char b[4];
    write32(b, v);
    buf_.append(b, 4);
  }
  void put64(std::uint64_t v) {
    put32(static_cast<std::uint32_t>(v >> 32));
    put32(static_cast<std::uint32_t>(v));
  }
  static void write32(char* p, std::uint32_t v) {
    const std::uint32_t be = std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
    std::memcpy(p, &be, 4);
  }
  std::string buf_;
  std::uint32_t count_ = 0;
  bool has_null_ = false;
};

// A one-dimensional array parameter of `type` elements; the buffer is kept across reset().
class PgArray : public PgValues {
 public:
  explicit PgArray(PgType type) : type_(type) { reset(); }
  void reset() {
    buf_.assign(20, '\0');  // ndim, has_null, element type, dimension size, lower bound
    write32(&buf_[0], 1);
    write32(&buf_[8], static_cast<std::uint32_t>(type_));
    write32(&buf_[16], 1);
    count_ = 0;
    has_null_ = false;
  }
  // The parameter bytes (valid until the next change).
  const std::string& finish() {
    write32(&buf_[4], has_null_ ? 1 : 0);
    write32(&buf_[12], count_);
    return buf_;
  }

 private:
  PgType type_;
};

// The data of a binary COPY FROM STDIN: rows of values, then end().
class PgCopyData : public PgValues {
 public:
  void reset() {
    static constexpr char kSignature[] = {'P',  'G',    'C',  'O',  'P', 'Y',
                                          '\n', '\377', '\r', '\n', '\0'};
    buf_.assign(kSignature, sizeof kSignature);
    put32(0);  // flags
    put32(0);  // header extension length
    rows_ = 0;
    count_ = 0;
  }
  // Starts a row of `fields` values.
  void row(int fields) {
    put16(static_cast<std::uint16_t>(fields));
    ++rows_;
  }
  // The bytes, with the trailer (valid until the next change).
  const std::string& end() {
    put16(0xffff);
    return buf_;
  }
  std::size_t rows() const { return rows_; }

 private:
  std::size_t rows_ = 0;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_PG_BINARY_H_
