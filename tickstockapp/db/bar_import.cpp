// import_bars(): BarCsvReader -> COPY import_bars FROM STDIN -> INSERT ... ON CONFLICT.
#include "db/bar_import.h"

#include <cstdio>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tickstock/calendar.h"
#include "tickstock/csv_reader.h"
#include "tickstock/pg_schema.h"

#include "db/pg_util.h"

namespace tickstock::app {
namespace {

// Runs `sql`; returns the number of rows it affected.
Result<std::uint64_t> exec(PGconn* c, const std::string& sql, const char* what) {
  auto r = pg_exec(c, sql, what);
  if (!r) return r.error();
  return std::strtoull(PQcmdTuples(r->get()), nullptr, 10);
}

void append_num(std::string& out, double v) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  out.append(buf, static_cast<std::size_t>(n));
}

// A daily file's date is the New York trading date as written, whatever time zone a parser
// would give a bare date; an instant's is its New York date.
Date trading_date(const Bar& b, const std::string& ts_text) {
  const auto d = parse_date(ts_text);
  return d ? *d : new_york_date(b.start);
}

// Where the bars' symbol comes from: the file's symbol column or --symbol, never both, never
// neither (a made-up name would store the bars under a symbol nobody asked for).
Result<void> check_symbol_source(const ImportOptions& o, bool has_column) {
  if (!has_column && o.symbol.empty())
    return fail(o.path,
                ": no symbol column: name the symbol of its bars with --symbol NAME (or add a "
                "symbol column); nothing imported");
  if (has_column && !o.symbol.empty())
    return fail(o.path, ": has a symbol column; --symbol '", o.symbol,
                "' would not be used: drop --symbol; nothing imported");
  return {};
}

// Refuses bars of another timeframe than the import's: minute starts, spacing, one bar a day.
class SpacingCheck {
 public:
  explicit SpacingCheck(const ImportOptions& o) : o_(o) {}

  // The error for bar `b` of line `line` ("" when it fits); `stored` is the start it is stored
  // with (D1: New York midnight of its trading date).
  std::string add(const Bar& b, Timestamp stored, std::int64_t line) {
    const std::string where = o_.path + ":" + std::to_string(line) + ": ";
    const std::uint32_t id = b.symbol.id();
    if (id >= last_.size()) last_.resize(id + 1, {kNoRecordYet, kNoRecordYet});
    const auto [last, last_stored] = std::exchange(last_[id], std::pair(b.start, stored));
    if (o_.timeframe == Timeframe::D1) {
      // Bars of one day differ in their start, not in their trading date.
      if (last != kNoRecordYet && last != b.start && last_stored == stored)
        return where + std::string(b.symbol.name()) + " has two bars on " +
               format_date(new_york_date(stored)) + " (" + format_iso8601(last) + " and " +
               format_iso8601(b.start) +
               "): --timeframe 1d takes one bar a day (intraday bars: --timeframe 1m)";
      return "";
    }
    if (b.start % kNanosPerMinute != 0)
      return where + "ts " + format_iso8601(b.start) +
             " is not the start of a minute: --timeframe 1m takes 1-minute bars";
    aligned_ = aligned_ && b.start % (5 * kNanosPerMinute) == 0;
    if (last == kNoRecordYet || last == b.start) return "";
    const Timestamp gap = b.start > last ? b.start - last : last - b.start;
    ++gaps_;
    if (smallest_gap_ == 0 || gap < smallest_gap_) {
      smallest_gap_ = gap;
      smallest_at_ = line;
    }
    return "";
  }

  // The error once the whole file is read: every start on a 5-minute boundary and no two bars
  // of a symbol closer than 5 minutes, over several gaps, means the file holds 5-minute (or
  // longer) bars, unless --sparse-minutes says they are sparse 1-minute bars.
  std::string finish() const {
    if (o_.timeframe != Timeframe::M1 || o_.sparse_minutes || !aligned_ || gaps_ < 3 ||
        smallest_gap_ < 5 * kNanosPerMinute)
      return "";
    return o_.path + ": the closest two bars of a symbol are " +
           std::to_string(smallest_gap_ / kNanosPerMinute) + " minutes apart (line " +
           std::to_string(smallest_at_) + "): these look like longer bars, and " +
           std::string(bar_table(Timeframe::M1)) +
           " holds 1-minute bars; import 1-minute "
           "bars, or pass --sparse-minutes if they are 1-minute bars with gaps";
  }

 private:
  const ImportOptions& o_;
  std::vector<std::pair<Timestamp, Timestamp>> last_;  // by symbol id: its last bar's start
                                                       // as read and as stored
  bool aligned_ = true;                                // every start so far on a 5-minute boundary
  std::uint64_t gaps_ = 0;      // between two bars of a symbol (not the same minute)
  Timestamp smallest_gap_ = 0;  // the smallest of them, 0: none yet
  std::int64_t smallest_at_ = 0;
};

}  // namespace

namespace {

// Why a pass failed: bad input (nothing to retry), or a row already stored (the direct pass
// gives way to the upsert).
struct PassError {
  Error error;
  bool conflict = false;
};

using Progress = std::function<void(std::int64_t, std::int64_t, std::uint64_t)>;

// One pass's state: the file it reads, the transaction it copies into, what it has read.
struct Pass {
  Pass(const ImportOptions& options, bool direct_copy, BarCsvReader& csv, PGconn* conn)
      : o(options),
        direct(direct_copy),
        daily(options.timeframe == Timeframe::D1),
        reader(csv),
        c(conn) {}

  const ImportOptions& o;
  const bool direct;  // COPY straight into the bar table, else into the staging table
  const bool daily;
  BarCsvReader& reader;
  PGconn* c;
  ImportReport report;
  std::unordered_set<std::string> seen;  // the file's symbols
  Symbol last_symbol;
  std::string buf;  // COPY rows not sent yet
};

// BEGIN, then COPY into the bar table (direct) or into a new staging table.
Result<void> start_copy(PGconn* c, bool direct, bool daily) {
  if (auto r = exec(c, "BEGIN", "starting the import"); !r) return r.error();
  std::string copy;
  if (direct) {
    copy = daily ? "COPY " + std::string(bar_table(Timeframe::D1)) +
                       " (symbol, trading_date, ts, open, high, low, close, volume) "
                       "FROM STDIN"
                 : "COPY " + std::string(bar_table(Timeframe::M1)) +
                       " (symbol, ts, session, open, high, low, close, volume) FROM "
                       "STDIN";
  } else {
    if (auto r = exec(c,
                      "CREATE TEMP TABLE import_bars (line bigint, symbol text, ts_us bigint, "
                      "trading_date date, session text, "
                      "open float8, high float8, low float8, close float8, volume float8) "
                      "ON COMMIT DROP",
                      "creating the staging table");
        !r)
      return r.error();
    copy = "COPY import_bars FROM STDIN";
  }
  if (auto r = exec(c, copy, "starting COPY"); !r) return r.error();
  return {};
}

// Appends bar `b` of line `line` to `buf` as one COPY text row of the bar table's columns
// (direct) or the staging table's; `date` and `start` are the ones it is stored with.
void encode_row(std::string& buf, const Pass& p, const Bar& b, std::int64_t line,
                const std::string& date, Timestamp start) {
  if (p.direct) {
    append_copy_text(buf, b.symbol.name());
    buf += '\t';
    if (p.daily) {
      buf.append(date);
      buf += '\t';
    }
    buf.append(format_iso8601(start));
    if (!p.daily) {
      buf += '\t';
      buf.append(session_name(new_york_session(b.start)));
    }
  } else {
    buf.append(std::to_string(line));
    buf += '\t';
    append_copy_text(buf, b.symbol.name());
    buf += '\t';
    buf.append(std::to_string(start / 1000));
    buf += '\t';
    buf.append(date);
    buf += '\t';
    buf.append(session_name(new_york_session(b.start)));
  }
  for (const double v : {b.open, b.high, b.low, b.close, b.volume}) {
    buf += '\t';
    append_num(buf, v);
  }
  buf += '\n';
}

// Reads the file into the COPY, sending a megabyte at a time; returns why it stopped before
// the end ("" when it read it all; what is left in p.buf is not sent yet).
std::string copy_rows(Pass& p, SpacingCheck& spacing, const Progress& progress) {
  Bar b;
  Error error;
  std::string failure;
  for (;;) {
    const ReadStatus st = p.reader.next(b, error);
    if (st == ReadStatus::Eof) break;
    if (st == ReadStatus::Error) {
      failure = error.message;
      break;
    }
    std::string date = "\\N";
    Timestamp start = b.start;
    if (p.daily) {
      const Date nyd = trading_date(b, p.reader.last_ts_text());
      date = format_date(nyd);
      start = new_york_midnight(nyd);
    }
    const std::int64_t line = p.reader.line();
    if (failure = spacing.add(b, start, line); !failure.empty()) break;
    encode_row(p.buf, p, b, line, date, start);
    ++p.report.rows;
    if (p.direct && (p.seen.empty() || !(b.symbol == p.last_symbol))) {
      p.seen.emplace(b.symbol.name());
      p.last_symbol = b.symbol;
    }
    if (p.buf.size() >= (1u << 20)) {
      if (PQputCopyData(p.c, p.buf.data(), static_cast<int>(p.buf.size())) != 1) {
        failure = "COPY: " + pg_error(p.c);
        break;
      }
      p.buf.clear();
      progress(p.reader.bytes_read(), p.reader.bytes_total(), p.report.rows);
    }
  }
  return failure;
}

// Ends the COPY; after a `failure` (or when the server refuses the rows) rolls back and
// returns why. `conflict`: the direct COPY met a row stored before.
Result<void> end_copy(PGconn* c, bool direct, std::string failure, bool& conflict) {
  // Ending COPY with an error message aborts it: the transaction then rolls back as a whole.
  PQputCopyEnd(c, failure.empty() ? nullptr : "import refused: bad input line");
  PGresult* r = PQgetResult(c);
  const bool copied = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!copied && failure.empty()) {
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    conflict = direct && state != nullptr && std::string_view(state) == "23505";
  }
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);
  if (!failure.empty() || !copied) {
    if (failure.empty()) failure = "COPY: " + pg_error(c);
    (void)exec(c, "ROLLBACK", "rolling back");
    return fail(failure, " (nothing imported)");
  }
  return {};
}

// Direct: every row was new: registers the file's symbols.
Result<void> register_symbols(Pass& p) {
  const std::string names = pg_text_array({p.seen.begin(), p.seen.end()});
  const char* params[] = {names.c_str()};
  PgResult res(PQexecParams(p.c,
                            "INSERT INTO symbols (symbol, auto_added) SELECT unnest($1::text[]), "
                            "true ON CONFLICT (symbol) DO NOTHING",
                            1, nullptr, params, nullptr, nullptr, 0),
               &PQclear);
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
    return fail("registering symbols: ", pg_error(p.c));
  p.report.new_symbols = std::strtoull(PQcmdTuples(res.get()), nullptr, 10);
  p.report.stored = p.report.rows;
  return {};
}

// Staged: registers the symbols, then upserts the staging table into the bar table.
Result<void> upsert_staged(Pass& p) {
  const std::string epoch = "timestamptz 'epoch' + ts_us * interval '1 microsecond'";
  auto symbols_added = exec(p.c,
                            "INSERT INTO symbols (symbol, auto_added) SELECT DISTINCT symbol, true "
                            "FROM import_bars ON CONFLICT (symbol) DO NOTHING",
                            "registering symbols");
  if (!symbols_added) return symbols_added.error();
  p.report.new_symbols = *symbols_added;
  const std::string set =
      "open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = "
      "EXCLUDED.close, volume = EXCLUDED.volume, updated_at = now() WHERE (o.open, o.high, "
      "o.low, o.close, o.volume) IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, "
      "EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)";
  // A later line of the same key in one file wins.
  const std::string sql =
      p.daily ? "INSERT INTO " + std::string(bar_table(Timeframe::D1)) +
                    " AS o (symbol, trading_date, ts, open, high, low, close, "
                    "volume) SELECT DISTINCT ON (symbol, trading_date) symbol, trading_date, " +
                    epoch +
                    ", open, high, low, close, volume FROM import_bars ORDER BY symbol, "
                    "trading_date, line DESC ON CONFLICT (symbol, trading_date) DO UPDATE SET "
                    "ts = EXCLUDED.ts, " +
                    set
              : "INSERT INTO " + std::string(bar_table(Timeframe::M1)) +
                    " AS o (symbol, ts, session, open, high, low, close, "
                    "volume) SELECT DISTINCT ON (symbol, ts_us) symbol, " +
                    epoch + ", session" +
                    ", open, high, low, close, volume FROM import_bars ORDER BY symbol, ts_us, "
                    "line DESC ON CONFLICT (symbol, ts) DO UPDATE SET " +
                    set;
  auto stored = exec(p.c, sql, "storing the bars");
  if (!stored) return stored.error();
  p.report.stored = *stored;
  return {};
}

// One pass over the file inside one transaction. Direct: COPY straight into the bar table
// (every row must be new); else: COPY into a staging table and one upsert.
Result<ImportReport> import_pass(const ImportOptions& o, bool direct, bool& conflict,
                                 const Progress& progress) {
  conflict = false;
  SymbolTable symbols;
  // Without --symbol the reader gets a stand-in that check_symbol_source refuses to use.
  auto reader = BarCsvReader::open(o.path, symbols, o.symbol.empty() ? "BARS" : o.symbol);
  if (!reader) return reader.error();
  if (auto r = check_symbol_source(o, (*reader)->has_symbol_column()); !r) return r.error();
  SpacingCheck spacing(o);
  auto conn = pg_connect(o.url);
  if (!conn) return conn.error();
  Pass p(o, direct, **reader, conn->get());
  if (auto r = start_copy(p.c, p.direct, p.daily); !r) return r.error();
  std::string failure = copy_rows(p, spacing, progress);
  if (failure.empty()) failure = spacing.finish();
  if (failure.empty() && !p.buf.empty() &&
      PQputCopyData(p.c, p.buf.data(), static_cast<int>(p.buf.size())) != 1)
    failure = "COPY: " + pg_error(p.c);
  if (auto r = end_copy(p.c, p.direct, std::move(failure), conflict); !r) return r.error();
  if (auto r = p.direct ? register_symbols(p) : upsert_staged(p); !r) return r.error();
  if (auto r2 = exec(p.c, "COMMIT", "committing the import"); !r2) return r2.error();
  progress(p.reader.bytes_total(), p.reader.bytes_total(), p.report.rows);
  return p.report;
}

}  // namespace

Result<ImportReport> import_bars(
    const ImportOptions& o,
    const std::function<void(std::int64_t, std::int64_t, std::uint64_t)>& progress) {
  if (o.timeframe != Timeframe::M1 && o.timeframe != Timeframe::D1)
    return fail("import: --timeframe must be 1m or 1d");
  // New bars go straight into the table; a file with bars stored before (or a bar twice)
  // meets a conflict there and is imported again through the staging table and an upsert.
  // Standard input cannot be read twice: it takes the upsert at once.
  bool conflict = false;
  if (o.path != "-") {
    auto r = import_pass(o, true, conflict, progress);
    if (r || !conflict) return r;
  }
  return import_pass(o, false, conflict, progress);
}

}  // namespace tickstock::app
