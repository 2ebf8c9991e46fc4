#include "tickstock/csv_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <zlib.h>

#include "tickstock/calendar.h"

namespace tickstock {
namespace detail {

// Buffered line reader over zlib's gzread (which also reads uncompressed files transparently).
class LineSource {
 public:
  static Result<std::unique_ptr<LineSource>> open(const std::string& path) {
    auto s = std::unique_ptr<LineSource>(new LineSource());
    s->name_ = path == "-" ? std::string("<stdin>") : path;
    if (path == "-") {
      s->gz_ = gzdopen(dup(STDIN_FILENO), "rb");
    } else {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0)
        return fail(path, ": cannot open: ", std::strerror(errno));
      if (S_ISDIR(st.st_mode)) return fail(path, ": is a directory");
      s->total_ = static_cast<std::int64_t>(st.st_size);
      s->gz_ = gzopen(path.c_str(), "rb");
    }
    if (s->gz_ == nullptr) return fail(s->name_, ": cannot open: ", std::strerror(errno));
    gzbuffer(s->gz_, 1 << 18);
    s->buf_.resize(kChunk);
    return s;
  }
  // Lines of `text`, as if read from a file called `name`.
  static std::unique_ptr<LineSource> of_text(std::string_view text, std::string name) {
    auto s = std::unique_ptr<LineSource>(new LineSource());
    s->name_ = std::move(name);
    s->buf_.assign(text.begin(), text.end());
    s->end_ = s->buf_.size();
    s->total_ = static_cast<std::int64_t>(s->buf_.size());
    s->eof_ = true;  // all of it is in the buffer
    return s;
  }
  ~LineSource() {
    if (gz_ != nullptr) gzclose(gz_);
  }

  // Next line without its newline (and without a trailing \r); false at end of input.
  bool next(std::string_view& line) {
    while (true) {
      // Nothing to search in an empty buffer (whose data() may be null: memchr must not see it).
      const char* nl =
          pos_ < end_ ? static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', end_ - pos_))
                      : nullptr;
      if (nl != nullptr) {
        const std::size_t len = static_cast<std::size_t>(nl - (buf_.data() + pos_));
        line = std::string_view(buf_.data() + pos_, len);
        pos_ += len + 1;
        ++line_no_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return true;
      }
      if (eof_) {
        if (pos_ == end_) return false;
        line = std::string_view(buf_.data() + pos_, end_ - pos_);
        pos_ = end_;
        ++line_no_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return true;
      }
      refill();
    }
  }
  const std::string& name() const { return name_; }
  std::int64_t line_no() const { return line_no_; }
  std::int64_t bytes_read() const {
    return gz_ != nullptr ? gzoffset(gz_) : static_cast<std::int64_t>(pos_);
  }
  std::int64_t bytes_total() const { return total_; }
  // Error text of a failed read, if any.
  const std::string& read_error() const { return read_error_; }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  LineSource() = default;

  void refill() {
    // Keep the unfinished line, grow if one line is longer than the buffer.
    const std::size_t rest = end_ - pos_;
    if (rest > 0 && pos_ > 0) std::memmove(buf_.data(), buf_.data() + pos_, rest);
    pos_ = 0;
    end_ = rest;
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    const int n = gzread(gz_, buf_.data() + end_, static_cast<unsigned>(buf_.size() - end_));
    if (n < 0) {
      int errnum = 0;
      read_error_ = gzerror(gz_, &errnum);
      eof_ = true;
      return;
    }
    if (n == 0) eof_ = true;
    end_ += static_cast<std::size_t>(n);
  }

  gzFile gz_ = nullptr;
  std::string name_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  std::int64_t line_no_ = 0;
  std::int64_t total_ = 0;
  std::string read_error_;
};

}  // namespace detail

namespace {

constexpr int kMaxFields = 32;
using Fields = std::array<std::string_view, kMaxFields>;

int split(std::string_view line, Fields& f) {
  int n = 0;
  std::size_t start = 0;
  while (n < kMaxFields) {
    const std::size_t c = line.find(',', start);
    if (c == std::string_view::npos) {
      f[n++] = line.substr(start);
      break;
    }
    f[n++] = line.substr(start, c - start);
    start = c + 1;
  }
  return n;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int column(const Fields& f, int n, std::string_view name) {
  for (int i = 0; i < n; ++i) {
    std::string_view h = f[i];
    while (!h.empty() && (h.front() == ' ' || h.front() == '"')) h.remove_prefix(1);
    while (!h.empty() && (h.back() == ' ' || h.back() == '"')) h.remove_suffix(1);
    if (lower(h) == name) return i;
  }
  return -1;
}

Error field_error(const detail::LineSource& src, std::string_view field, std::string_view value,
                  std::string_view what) {
  return fail(src.name(), ":", std::to_string(src.line_no()), ": field '", field, "': '",
              printable(value), "' ", what);
}

// The symbol `name` (field `field`) from `symbols`, or false with the error: not a symbol by
// the grammar, or a new one when the table is full.
bool symbol_of(const detail::LineSource& src, std::string_view field, std::string_view name,
               SymbolTable& symbols, Symbol& out, Error& error) {
  if (auto ok = check_symbol(field, name); !ok) {
    error = fail(src.name(), ":", std::to_string(src.line_no()), ": ", ok.error().message);
    return false;
  }
  const auto sym = symbols.try_intern(name);
  if (!sym) {
    error = field_error(src, field, name,
                        "is a new symbol and the limit of " + std::to_string(symbols.capacity()) +
                            " symbols is reached");
    return false;
  }
  out = *sym;
  return true;
}

// Refuses a time outside [kMinEventTime, kMaxEventTime].
bool in_range(const detail::LineSource& src, std::string_view field, std::string_view text,
              Timestamp ts, Error& error) {
  if (ts >= kMinEventTime && ts <= kMaxEventTime) return true;
  error = field_error(src, field, text, "is not a time from 1700 to 2261");
  return false;
}

bool parse_double(std::string_view s, double& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_i64(std::string_view s, std::int64_t& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Reads the header line or explains why there is none.
Result<int> read_header(detail::LineSource& src, Fields& f) {
  std::string_view line;
  if (!src.next(line)) return fail(src.name(), ": empty file (expected a CSV header)");
  return split(line, f);
}

// Reads the next non-empty line and splits it into at least `ncols` fields.
ReadStatus next_fields(detail::LineSource& src, int ncols, Fields& f, Error& error) {
  std::string_view line;
  do {
    if (!src.next(line)) {
      if (!src.read_error().empty()) {
        error = fail(src.name(), ": read error: ", src.read_error());
        return ReadStatus::Error;
      }
      return ReadStatus::Eof;
    }
  } while (line.empty());
  const int n = split(line, f);
  if (n < ncols) {
    error = fail(src.name(), ":", std::to_string(src.line_no()), ": expected ",
                 std::to_string(ncols), " fields, found ", std::to_string(n));
    return ReadStatus::Error;
  }
  return ReadStatus::Ok;
}

// Refuses a record more than `max_disorder` older than the latest one read so far (negative
// max_disorder: no check) and keeps `latest` up to date.
bool in_order(const detail::LineSource& src, std::string_view field, Timestamp ts,
              Timestamp max_disorder, Timestamp& latest, Error& error) {
  if (max_disorder >= 0 && latest != kNoRecordYet && ts < latest - max_disorder) {
    error = fail(src.name(), ":", std::to_string(src.line_no()), ": field '", field,
                 "': ", format_iso8601(ts),
                 " is out of order by more than the allowed lateness (latest so far ",
                 format_iso8601(latest), ")");
    return false;
  }
  latest = std::max(latest, ts);
  return true;
}

}  // namespace

// ---- ticks ----

Result<std::unique_ptr<TickCsvReader>> TickCsvReader::open(const std::string& path,
                                                           SymbolTable& symbols) {
  auto src = detail::LineSource::open(path);
  if (!src) return src.error();
  return start(std::move(*src), symbols);
}

Result<std::unique_ptr<TickCsvReader>> TickCsvReader::of_text(std::string_view text,
                                                              std::string name,
                                                              SymbolTable& symbols) {
  return start(detail::LineSource::of_text(text, std::move(name)), symbols);
}

Result<std::unique_ptr<TickCsvReader>> TickCsvReader::start(std::unique_ptr<detail::LineSource> src,
                                                            SymbolTable& symbols) {
  Fields f;
  auto n = read_header(*src, f);
  if (!n) return n.error();
  auto r = std::unique_ptr<TickCsvReader>(new TickCsvReader());
  r->ts_col_ = column(f, *n, "ts_ns");
  r->sym_col_ = column(f, *n, "symbol");
  r->price_col_ = column(f, *n, "price");
  r->size_col_ = column(f, *n, "size");
  r->ncols_ = *n;
  for (auto [col, name] : {std::pair{r->ts_col_, "ts_ns"}, std::pair{r->sym_col_, "symbol"},
                           std::pair{r->price_col_, "price"}, std::pair{r->size_col_, "size"}}) {
    if (col < 0)
      return fail(src->name(), ":1: header has no '", name,
                  "' column (expected ts_ns,symbol,price,size)");
  }
  r->src_ = std::move(src);
  r->symbols_ = &symbols;
  return r;
}

TickCsvReader::~TickCsvReader() = default;

ReadStatus TickCsvReader::next(Tick& tick, Error& error) {
  Fields f;
  if (const ReadStatus st = next_fields(*src_, ncols_, f, error); st != ReadStatus::Ok) return st;
  std::int64_t ts = 0;
  if (!parse_i64(f[ts_col_], ts)) {
    error = field_error(*src_, "ts_ns", f[ts_col_], "is not an integer (ns since epoch)");
    return ReadStatus::Error;
  }
  if (!in_range(*src_, "ts_ns", f[ts_col_], ts, error)) return ReadStatus::Error;
  double price = 0, size = 0;
  if (!parse_double(f[price_col_], price)) {
    error = field_error(*src_, "price", f[price_col_], "is not a number");
    return ReadStatus::Error;
  }
  if (!(price > 0) || !std::isfinite(price)) {
    error = field_error(*src_, "price", f[price_col_], "must be a positive finite number");
    return ReadStatus::Error;
  }
  if (!parse_double(f[size_col_], size)) {
    error = field_error(*src_, "size", f[size_col_], "is not a number");
    return ReadStatus::Error;
  }
  if (!(size >= 0) || !std::isfinite(size)) {
    error = field_error(*src_, "size", f[size_col_], "must be a finite number >= 0");
    return ReadStatus::Error;
  }
  // The symbol last: a refused line leaves no symbol behind.
  const std::string_view name = f[sym_col_];
  if (name != last_name_ || !last_symbol_) {
    if (!symbol_of(*src_, "symbol", name, *symbols_, last_symbol_, error)) {
      last_symbol_ = Symbol();
      return ReadStatus::Error;
    }
    last_name_.assign(name);
  }
  if (!in_order(*src_, "ts_ns", ts, max_disorder_, latest_, error)) return ReadStatus::Error;
  tick = Tick{last_symbol_, ts, 0, price, size, kTickNormal};
  return ReadStatus::Ok;
}

std::int64_t TickCsvReader::line() const { return src_->line_no(); }
std::int64_t TickCsvReader::bytes_read() const { return src_->bytes_read(); }
std::int64_t TickCsvReader::bytes_total() const { return src_->bytes_total(); }

// ---- bars ----

Result<std::unique_ptr<BarCsvReader>> BarCsvReader::open(const std::string& path,
                                                         SymbolTable& symbols,
                                                         std::string_view default_symbol) {
  auto src = detail::LineSource::open(path);
  if (!src) return src.error();
  return start(std::move(*src), symbols, default_symbol);
}

Result<std::unique_ptr<BarCsvReader>> BarCsvReader::of_text(std::string_view text, std::string name,
                                                            SymbolTable& symbols,
                                                            std::string_view default_symbol) {
  return start(detail::LineSource::of_text(text, std::move(name)), symbols, default_symbol);
}

Result<std::unique_ptr<BarCsvReader>> BarCsvReader::start(std::unique_ptr<detail::LineSource> src,
                                                          SymbolTable& symbols,
                                                          std::string_view default_symbol) {
  Fields f;
  auto n = read_header(*src, f);
  if (!n) return n.error();
  auto r = std::unique_ptr<BarCsvReader>(new BarCsvReader());
  r->ts_col_ = column(f, *n, "ts");
  if (r->ts_col_ < 0) r->ts_col_ = column(f, *n, "timestamp");
  if (r->ts_col_ < 0) r->ts_col_ = column(f, *n, "date");
  r->sym_col_ = column(f, *n, "symbol");
  r->o_col_ = column(f, *n, "open");
  r->h_col_ = column(f, *n, "high");
  r->l_col_ = column(f, *n, "low");
  r->c_col_ = column(f, *n, "close");
  r->v_col_ = column(f, *n, "volume");
  r->ncols_ = *n;
  for (auto [col, name] : {std::pair{r->ts_col_, "ts"}, std::pair{r->o_col_, "open"},
                           std::pair{r->h_col_, "high"}, std::pair{r->l_col_, "low"},
                           std::pair{r->c_col_, "close"}, std::pair{r->v_col_, "volume"}}) {
    if (col < 0)
      return fail(src->name(), ":1: header has no '", name,
                  "' column (expected ts,open,high,low,close,volume)");
  }
  if (r->sym_col_ < 0) {  // every row takes the default symbol
    if (auto ok = check_symbol("symbol", default_symbol); !ok)
      return fail(src->name(),
                  ": the symbol for a file without a symbol column: ", ok.error().message);
    const auto sym = symbols.try_intern(default_symbol);
    if (!sym)
      return fail(src->name(), ": the symbol '", default_symbol, "' is new and the limit of ",
                  std::to_string(symbols.capacity()), " symbols is reached");
    r->default_symbol_ = *sym;
  }
  r->src_ = std::move(src);
  r->symbols_ = &symbols;
  return r;
}

BarCsvReader::~BarCsvReader() = default;

ReadStatus BarCsvReader::next(Bar& bar, Error& error) {
  Fields f;
  if (const ReadStatus st = next_fields(*src_, ncols_, f, error); st != ReadStatus::Ok) return st;
  auto ts = parse_timestamp(f[ts_col_]);
  if (!ts) {
    error = field_error(*src_, "ts", f[ts_col_], "is not a timestamp (ISO-8601, date or epoch)");
    return ReadStatus::Error;
  }
  if (!in_range(*src_, "ts", f[ts_col_], *ts, error)) return ReadStatus::Error;
  Bar b;
  b.timeframe = Timeframe::M1;
  b.start = *ts;
  const std::pair<int, double*> cols[] = {{o_col_, &b.open},
                                          {h_col_, &b.high},
                                          {l_col_, &b.low},
                                          {c_col_, &b.close},
                                          {v_col_, &b.volume}};
  const char* names[] = {"open", "high", "low", "close", "volume"};
  for (int i = 0; i < 5; ++i) {
    const std::string_view v = f[cols[i].first];
    if (!parse_double(v, *cols[i].second) || !std::isfinite(*cols[i].second)) {
      error = field_error(*src_, names[i], v, "is not a finite number");
      return ReadStatus::Error;
    }
  }
  if (b.volume < 0) {
    error = field_error(*src_, "volume", f[v_col_], "must be >= 0");
    return ReadStatus::Error;
  }
  // The symbol last: a refused line leaves no symbol behind.
  b.symbol = default_symbol_;
  if (sym_col_ >= 0 && !symbol_of(*src_, "symbol", f[sym_col_], *symbols_, b.symbol, error))
    return ReadStatus::Error;
  if (!in_order(*src_, "ts", b.start, max_disorder_, latest_, error)) return ReadStatus::Error;
  b.vwap = b.close;
  last_ts_.assign(f[ts_col_]);
  bar = b;
  return ReadStatus::Ok;
}

std::int64_t BarCsvReader::line() const { return src_->line_no(); }
std::int64_t BarCsvReader::bytes_read() const { return src_->bytes_read(); }
std::int64_t BarCsvReader::bytes_total() const { return src_->bytes_total(); }

}  // namespace tickstock
