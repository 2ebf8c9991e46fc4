// Streaming readers for the CSV formats TickStock reads, plain or gzip-compressed:
//   ticks: header with ts_ns,symbol,price,size (any order, extra columns ignored)
//   bars:  header with ts,open,high,low,close,volume and optionally symbol
// Errors name the file, line, field and value: "t.csv:812: field 'price': 'abc' is not a number"
// (the value shown by printable()). Symbols must pass check_symbol and fit in the SymbolTable;
// times must lie within [kMinEventTime, kMaxEventTime].
#ifndef TICKSTOCK_CSV_READER_H_
#define TICKSTOCK_CSV_READER_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock {

// What a read call produced.
enum class ReadStatus : std::uint8_t {
  Ok,     // a record was stored in the out-parameter
  Eof,    // end of input
  Error,  // a bad line; the error says where. Reading may continue with the next line.
};

namespace detail {
class LineSource;
}

// Value of latest() before any record was read.
inline constexpr Timestamp kNoRecordYet = std::numeric_limits<Timestamp>::min();

// Reads trades from a ticks CSV. Not thread-safe.
class TickCsvReader {
 public:
  // Opens `path` ("-" = stdin) and reads its header. Fails if the file cannot be opened or the
  // header lacks a required column. Symbols are interned in `symbols` (must outlive the reader).
  static Result<std::unique_ptr<TickCsvReader>> open(const std::string& path, SymbolTable& symbols);
  // The same for the CSV text `text` (plain, not compressed), named `name` in errors.
  static Result<std::unique_ptr<TickCsvReader>> of_text(std::string_view text, std::string name,
                                                        SymbolTable& symbols);
  ~TickCsvReader();
  // Reads the next trade into `tick` (ts_recv = 0, flags = 0), or reports why the line is bad.
  ReadStatus next(Tick& tick, Error& error);
  // Refuse (as a ReadStatus::Error naming file:line) a trade more than `ns` older than the
  // latest read so far. Off (negative) by default.
  void set_max_disorder(Timestamp ns) { max_disorder_ = ns; }
  // Event time of the latest trade read so far, or kNoRecordYet.
  Timestamp latest() const { return latest_; }
  // Line number of the last line read (1 = header).
  std::int64_t line() const;
  // Bytes of input consumed so far (compressed bytes for .gz), for progress bars.
  std::int64_t bytes_read() const;
  // Total input size in bytes, or 0 when unknown (stdin).
  std::int64_t bytes_total() const;

 private:
  TickCsvReader() = default;
  static Result<std::unique_ptr<TickCsvReader>> start(std::unique_ptr<detail::LineSource> src,
                                                      SymbolTable& symbols);
  std::unique_ptr<detail::LineSource> src_;
  SymbolTable* symbols_ = nullptr;
  int ts_col_ = -1, sym_col_ = -1, price_col_ = -1, size_col_ = -1, ncols_ = 0;
  std::string last_name_;
  Symbol last_symbol_;
  Timestamp max_disorder_ = -1;
  Timestamp latest_ = kNoRecordYet;
};

// Reads OHLCV bars from a bars CSV. Not thread-safe.
class BarCsvReader {
 public:
  // Opens `path` ("-" = stdin) and reads its header. Rows without a symbol column get
  // `default_symbol`. Timestamps: ISO-8601, a date, or epoch s/ms/ns (see parse_timestamp).
  static Result<std::unique_ptr<BarCsvReader>> open(const std::string& path, SymbolTable& symbols,
                                                    std::string_view default_symbol = "BARS");
  // The same for the CSV text `text` (plain, not compressed), named `name` in errors.
  static Result<std::unique_ptr<BarCsvReader>> of_text(std::string_view text, std::string name,
                                                       SymbolTable& symbols,
                                                       std::string_view default_symbol = "BARS");
  ~BarCsvReader();
  // Reads the next bar (timeframe M1, revision 0, vwap = close, trade_count = 0).
  ReadStatus next(Bar& bar, Error& error);
  // True when the file has a symbol column.
  bool has_symbol_column() const { return sym_col_ >= 0; }
  // Refuse (as a ReadStatus::Error naming file:line) a bar starting more than `ns` before the
  // latest start read so far. Off (negative) by default.
  void set_max_disorder(Timestamp ns) { max_disorder_ = ns; }
  // Start of the latest bar read so far, or kNoRecordYet.
  Timestamp latest() const { return latest_; }
  // The text of the ts field of the last bar read, verbatim.
  const std::string& last_ts_text() const { return last_ts_; }
  std::int64_t line() const;
  std::int64_t bytes_read() const;
  std::int64_t bytes_total() const;

 private:
  BarCsvReader() = default;
  static Result<std::unique_ptr<BarCsvReader>> start(std::unique_ptr<detail::LineSource> src,
                                                     SymbolTable& symbols,
                                                     std::string_view default_symbol);
  std::unique_ptr<detail::LineSource> src_;
  SymbolTable* symbols_ = nullptr;
  Symbol default_symbol_;
  int ts_col_ = -1, sym_col_ = -1, o_col_ = -1, h_col_ = -1, l_col_ = -1, c_col_ = -1, v_col_ = -1,
      ncols_ = 0;
  std::string last_ts_;
  Timestamp max_disorder_ = -1;
  Timestamp latest_ = kNoRecordYet;
};

}  // namespace tickstock

#endif  // TICKSTOCK_CSV_READER_H_
