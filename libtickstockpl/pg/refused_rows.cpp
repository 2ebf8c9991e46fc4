// refused_row_line(): a hand-written JSON line (the library has no JSON writer below pg/);
// RefusedRows: O_APPEND writes, one fsync per call.
#include "pg/refused_rows.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tickstock/calendar.h"
#include "tickstock/pg_sink.h"

#include "pg/pg_writer.h"

namespace tickstock::detail {
namespace {

// A JSON string: quotes, backslashes and control characters escaped; other bytes as they are
// (a refused text may not be UTF-8: bytes >= 0x80 are escaped too, as \u00XX of the byte, so
// that the line stays valid JSON and the byte can be told from the rest).
void put_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

void put_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

// Appends `"key":`.
void key(std::string& out, std::string_view k) {
  if (out.back() != '{') out += ',';
  put_string(out, k);
  out += ':';
}

void str(std::string& out, std::string_view k, std::string_view v) {
  key(out, k);
  put_string(out, v);
}

void num(std::string& out, std::string_view k, double v) {
  key(out, k);
  put_number(out, v);
}

void head(std::string& out, std::string_view symbol, Timeframe tf, Timestamp start,
          std::uint32_t revision) {
  str(out, "symbol", symbol);
  str(out, "timeframe", timeframe_name(tf));
  str(out, "start", format_iso8601(start));
  num(out, "revision", revision);
}

}  // namespace

std::string refused_row_line(const WriteBatch& part, std::size_t row, std::string_view reason,
                             Timestamp at) {
  std::string out = "{";
  str(out, "at", format_iso8601(at));
  const std::size_t bars = part.bars.size(), detections = part.detections.size();
  std::string fields = "{";
  std::string_view table;
  if (row < bars) {
    const BarRow& b = part.bars[row];
    table = bar_table(b.timeframe);
    head(fields, b.symbol, b.timeframe, b.start, b.revision);
    str(fields, "session", session_name(b.session));
    for (const auto& [k, v] : {std::pair{"open", b.open},
                               {"high", b.high},
                               {"low", b.low},
                               {"close", b.close},
                               {"volume", b.volume},
                               {"vwap", b.vwap}})
      num(fields, k, v);
    num(fields, "trades", b.trades);
  } else if (row < bars + detections) {
    const DetectionRow& d = part.detections[row - bars];
    table = "pattern_detections";
    head(fields, d.symbol, d.timeframe, d.bar_start, d.revision);
    str(fields, "pattern", pattern_info(d.pattern).talib_name);
    key(fields, "retracted");
    fields += d.retracted ? "true" : "false";
    num(fields, "output", d.output);
    str(fields, "direction", direction_name(d.direction));
    num(fields, "confidence", d.confidence);
    num(fields, "price", d.price);
    num(fields, "volume", d.volume);
  } else {
    const IndicatorRow& v = part.indicators[row - bars - detections];
    table = "indicator_values";
    head(fields, v.symbol, v.timeframe, v.bar_start, v.revision);
    for (int i = 0; i < kFieldCount; ++i)
      num(fields, indicator_column(static_cast<Field>(i)), v.values[static_cast<std::size_t>(i)]);
  }
  fields += '}';
  str(out, "table", table);
  str(out, "reason", reason);
  key(out, "row");
  out += fields;
  out += "}\n";
  return out;
}

std::uint64_t RefusedRows::keep(const std::string& lines, std::string& error) {
  error.clear();
  if (path_.empty()) {
    error = "no file for refused rows (no spill directory)";
    return 0;
  }
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "refused rows file " + path_ + ": " + std::strerror(errno);
    return 0;
  }
  struct stat st {};
  const auto size = ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : limit_;
  const std::uint64_t room = size < limit_ ? limit_ - size : 0;
  // Whole lines only, as many as fit.
  std::size_t take = 0;
  for (std::size_t nl = lines.find('\n'); nl != std::string::npos && nl + 1 <= room;
       nl = lines.find('\n', nl + 1))
    take = nl + 1;
  std::size_t done = 0;
  while (done < take && error.empty()) {
    const ssize_t w = ::write(fd, lines.data() + done, take - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error = "refused rows file " + path_ + ": writing: " + std::strerror(errno);
    } else {
      done += static_cast<std::size_t>(w);
    }
  }
  if (error.empty() && done > 0 && ::fsync(fd) != 0)
    error = "refused rows file " + path_ + ": syncing: " + std::strerror(errno);
  ::close(fd);
  std::uint64_t kept = 0;
  for (std::size_t i = 0; i < done; ++i) kept += lines[i] == '\n';
  if (error.empty() && take < lines.size())
    error = "refused rows file " + path_ + " is full (" + std::to_string(limit_) +
            " bytes): move it away to keep more";
  return kept;
}

}  // namespace tickstock::detail
