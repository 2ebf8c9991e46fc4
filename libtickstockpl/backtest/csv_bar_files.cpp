// make_csv_bar_source's files: names, timeframe detection, and rows read as checked bars.
#include "backtest/csv_bar_files.h"

#include <charconv>
#include <limits>
#include <string_view>

#include "tickstock/calendar.h"
#include "tickstock/csv_reader.h"

namespace tickstock::backtest {
namespace {

constexpr std::int64_t kNoDay = std::numeric_limits<std::int64_t>::min();

// The value of a price in an error message.
std::string number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// The rows of one file as BarCsvReader checks them, plus what a backtest needs of a row: the
// symbol its file name gives, and prices the aggregator would take (it refuses the rest as
// BadPrice; refusing them here names the row).
class Rows {
 public:
  static Result<Rows> open(const BarFile& f, SymbolTable& symbols) {
    auto reader = BarCsvReader::open(f.path, symbols, f.symbol.empty() ? "BARS" : f.symbol);
    if (!reader) return reader.error();
    if (f.symbol.empty() && !(*reader)->has_symbol_column())
      return fail(f.path, ": no symbol column: a single file must name each row's symbol");
    return Rows(f, std::move(*reader));
  }
  // Reads the next row into `bar`: true, false at the end, or the row's error.
  Result<bool> next(Bar& bar) {
    Error error;
    switch (reader_->next(bar, error)) {
      case ReadStatus::Eof:
        return false;
      case ReadStatus::Error:
        return error;
      case ReadStatus::Ok:
        break;
    }
    if (!file_->symbol.empty() && bar.symbol.name() != file_->symbol)
      return fail(where(), ": field 'symbol': '", bar.symbol.name(), "' is not ", file_->symbol,
                  ", the symbol of the file's name");
    const struct {
      bool bad;
      const char *field, *what;
      double value;
    } checks[] = {
        {!(bar.low > 0), "low", "must be > 0", bar.low},
        {bar.high < bar.low, "high", "is below low", bar.high},
        {bar.open < bar.low || bar.open > bar.high, "open", "is outside low..high", bar.open},
        {bar.close < bar.low || bar.close > bar.high, "close", "is outside low..high", bar.close}};
    for (const auto& c : checks) {
      if (c.bad) return fail(where(), ": field '", c.field, "': '", number(c.value), "' ", c.what);
    }
    return true;
  }
  // "file:line" of the last row read.
  std::string where() const { return file_->path + ":" + std::to_string(reader_->line()); }
  // The ts field of the last row read, verbatim.
  const std::string& ts_text() const { return reader_->last_ts_text(); }

 private:
  Rows(const BarFile& f, std::unique_ptr<BarCsvReader> reader)
      : file_(&f), reader_(std::move(reader)) {}
  const BarFile* file_;
  std::unique_ptr<BarCsvReader> reader_;
};

// `v[id]`, grown with `fill` as needed (symbol ids are dense).
template <class T>
T& slot(std::vector<T>& v, std::uint32_t id, const T& fill) {
  if (id >= v.size()) v.resize(std::size_t{id} + 1, fill);
  return v[id];
}

// The day number of a start at a midnight: UTC's (a date-only ts) or New York's.
std::optional<std::int64_t> midnight_day(Timestamp start) {
  if (start % kNanosPerDay == 0) return start / kNanosPerDay;
  const Date d = new_york_date(start);
  if (new_york_midnight(d) == start) return days_from_civil(d);
  return std::nullopt;
}

// Gives a row its timeframe: a daily bar starts at New York midnight of its trading date (as
// the aggregator and the database key them), an intraday bar carries its New York session.
void stamp(Bar& b, Timeframe tf, NewYorkDayCache& days) {
  b.timeframe = tf;
  if (tf == Timeframe::D1) {
    const auto day = midnight_day(b.start);
    b.start = day ? new_york_midnight(civil_from_days(*day)) : days.day_start(b.start);
    b.session = Session::Regular;
  } else {
    b.session = days.session(b.start);
  }
}

// Each symbol's bars must start strictly after the one before: a repeated start is an error
// too, not a silent merge, since which of two rows is right cannot be told here.
Result<void> check_order(const Rows& rows, const Bar& b, std::vector<Timestamp>& last) {
  Timestamp& prev = slot(last, b.symbol.id(), kNoRecordYet);
  if (b.start > prev) {
    prev = b.start;
    return {};
  }
  return fail(rows.where(), ": field 'ts': '", printable(rows.ts_text()),
              b.start == prev ? "' repeats the start of " : "' is before ", "the previous bar of ",
              b.symbol.name(), " (", format_iso8601(prev), ")");
}

// Keeps `b`: every symbol's while they fit in the cache (a file of many symbols is then read
// once for all of them), else only `want`'s (it is read again for each symbol asked for).
void keep(FileBars& out, const Bar& b, std::uint32_t want, std::size_t keep_all) {
  const std::uint32_t id = b.symbol.id();
  if (!out.complete && id != want) return;
  slot(out.by_id, id, std::vector<Bar>{}).push_back(b);
  if (++out.total <= keep_all || !out.complete) return;
  out.complete = false;
  for (std::uint32_t i = 0; i < out.by_id.size(); ++i) {
    if (i != want) std::vector<Bar>().swap(out.by_id[i]);
  }
  out.total = want < out.by_id.size() ? out.by_id[want].size() : 0;
}

}  // namespace

// Any other name is not an error: a data folder may hold a README or checksums beside its bars.
std::optional<std::pair<std::string, std::optional<Timeframe>>> split_bar_file_name(
    std::string name) {
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  if (!name.ends_with(".csv")) return std::nullopt;
  name.resize(name.size() - 4);
  std::optional<Timeframe> tf;
  if (const auto dot = name.rfind('.'); dot != std::string::npos) {
    tf = parse_timeframe(std::string_view(name).substr(dot + 1));
    if (tf) name.resize(dot);
  }
  if (!check_symbol("file name", name)) return std::nullopt;
  return std::pair(std::move(name), tf);
}

Result<void> check_bar_file(const BarFile& f, SymbolTable& symbols) {
  auto rows = Rows::open(f, symbols);
  if (!rows) return rows.error();
  return {};
}

// Stops at the first row that rules 1d out, so a minute file costs a row or two.
Result<Timeframe> detect_timeframe(const BarFile& f, SymbolTable& symbols) {
  auto rows = Rows::open(f, symbols);
  if (!rows) return rows.error();
  std::vector<std::int64_t> last;  // by symbol id: the day of its previous bar
  Bar b;
  for (;;) {
    auto more = rows->next(b);
    if (!more) return more.error();
    if (!*more) return Timeframe::D1;
    const auto day = midnight_day(b.start);
    if (!day) return Timeframe::M1;
    std::int64_t& prev = slot(last, b.symbol.id(), kNoDay);
    if (prev == *day) return Timeframe::M1;
    prev = *day;
  }
}

Result<std::shared_ptr<FileBars>> read_bar_file(const BarFile& f, Timeframe tf, std::uint32_t want,
                                                std::size_t keep_all, SymbolTable& symbols) {
  auto rows = Rows::open(f, symbols);
  if (!rows) return rows.error();
  auto out = std::make_shared<FileBars>();
  std::vector<Timestamp> last;  // by symbol id: the start of its previous bar
  NewYorkDayCache days;
  Bar b;
  for (;;) {
    auto more = rows->next(b);
    if (!more) return more.error();
    if (!*more) return out;
    stamp(b, tf, days);
    if (auto ok = check_order(*rows, b, last); !ok) return ok.error();
    keep(*out, b, want, keep_all);
  }
}

}  // namespace tickstock::backtest
