// import_bars(): BarCsvReader -> COPY import_bars FROM STDIN -> INSERT ... ON CONFLICT.
#include "db/bar_import.h"

#include <cstdio>
#include <memory>
#include <unordered_set>
#include <vector>

#include "tickstock/calendar.h"
#include "tickstock/csv_reader.h"

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

}  // namespace

namespace {

// Why a pass failed: bad input (nothing to retry), or a row already stored (the direct pass
// gives way to the upsert).
struct PassError {
  Error error;
  bool conflict = false;
};

// One pass over the file inside one transaction. Direct: COPY straight into the bar table
// (every row must be new); else: COPY into a staging table and one upsert.
Result<ImportReport> import_pass(
    const ImportOptions& o, bool direct, bool& conflict,
    const std::function<void(std::int64_t, std::int64_t, std::uint64_t)>& progress) {
  conflict = false;
  SymbolTable symbols;
  auto reader = BarCsvReader::open(o.path, symbols, o.symbol);
  if (!reader) return reader.error();
  auto conn = pg_connect(o.url);
  if (!conn) return conn.error();
  PGconn* c = conn->get();
  const bool daily = o.timeframe == Timeframe::D1;
  if (auto r = exec(c, "BEGIN", "starting the import"); !r) return r.error();
  std::string copy;
  if (direct) {
    copy = daily ? "COPY ohlcv_daily (symbol, trading_date, ts, open, high, low, close, volume) "
                   "FROM STDIN"
                 : "COPY ohlcv_1min (symbol, ts, session, open, high, low, close, volume) FROM "
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

  ImportReport report;
  std::unordered_set<std::string> seen;  // the file's symbols
  Symbol last_symbol;
  std::string buf;
  Bar b;
  Error error;
  std::string failure;
  for (;;) {
    const ReadStatus st = (*reader)->next(b, error);
    if (st == ReadStatus::Eof) break;
    if (st == ReadStatus::Error) {
      failure = error.message;
      break;
    }
    // A daily file's date is the New York trading date as written, whatever time zone a
    // parser would give a bare date; intraday starts are UTC instants.
    std::string date = "\\N";
    Timestamp start = b.start;
    if (daily) {
      const auto d = parse_date((*reader)->last_ts_text());
      const Date nyd = d ? *d : new_york_date(b.start);
      date = format_date(nyd);
      start = new_york_midnight(nyd);
    }
    if (direct) {
      append_copy_text(buf, b.symbol.name());
      buf += '\t';
      if (daily) {
        buf.append(date);
        buf += '\t';
      }
      buf.append(format_iso8601(start));
      if (!daily) {
        buf += '\t';
        buf.append(session_name(new_york_session(b.start)));
      }
    } else {
      buf.append(std::to_string((*reader)->line()));
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
    ++report.rows;
    if (direct && (seen.empty() || !(b.symbol == last_symbol))) {
      seen.emplace(b.symbol.name());
      last_symbol = b.symbol;
    }
    if (buf.size() >= (1u << 20)) {
      if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) {
        failure = "COPY: " + pg_error(c);
        break;
      }
      buf.clear();
      progress((*reader)->bytes_read(), (*reader)->bytes_total(), report.rows);
    }
  }
  if (failure.empty() && !buf.empty() &&
      PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1)
    failure = "COPY: " + pg_error(c);
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

  const std::string epoch = "timestamptz 'epoch' + ts_us * interval '1 microsecond'";
  if (direct) {
    // Every row was new: register the file's symbols.
    const std::string names = pg_text_array({seen.begin(), seen.end()});
    const char* params[] = {names.c_str()};
    PgResult res(PQexecParams(c,
                              "INSERT INTO symbols (symbol, auto_added) SELECT unnest($1::text[]), "
                              "true ON CONFLICT (symbol) DO NOTHING",
                              1, nullptr, params, nullptr, nullptr, 0),
                 &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
      return fail("registering symbols: ", pg_error(c));
    report.new_symbols = std::strtoull(PQcmdTuples(res.get()), nullptr, 10);
    report.stored = report.rows;
  } else {
    auto symbols_added =
        exec(c,
             "INSERT INTO symbols (symbol, auto_added) SELECT DISTINCT symbol, true "
             "FROM import_bars ON CONFLICT (symbol) DO NOTHING",
             "registering symbols");
    if (!symbols_added) return symbols_added.error();
    report.new_symbols = *symbols_added;
    const std::string set =
        "open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = "
        "EXCLUDED.close, volume = EXCLUDED.volume, updated_at = now() WHERE (o.open, o.high, "
        "o.low, o.close, o.volume) IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, "
        "EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)";
    // A later line of the same key in one file wins.
    const std::string sql =
        daily ? "INSERT INTO ohlcv_daily AS o (symbol, trading_date, ts, open, high, low, close, "
                "volume) SELECT DISTINCT ON (symbol, trading_date) symbol, trading_date, " +
                    epoch +
                    ", open, high, low, close, volume FROM import_bars ORDER BY symbol, "
                    "trading_date, line DESC ON CONFLICT (symbol, trading_date) DO UPDATE SET "
                    "ts = EXCLUDED.ts, " +
                    set
              : "INSERT INTO ohlcv_1min AS o (symbol, ts, session, open, high, low, close, "
                "volume) SELECT DISTINCT ON (symbol, ts_us) symbol, " +
                    epoch + ", session" +
                    ", open, high, low, close, volume FROM import_bars ORDER BY symbol, ts_us, "
                    "line DESC ON CONFLICT (symbol, ts) DO UPDATE SET " +
                    set;
    auto stored = exec(c, sql, "storing the bars");
    if (!stored) return stored.error();
    report.stored = *stored;
  }
  if (auto r2 = exec(c, "COMMIT", "committing the import"); !r2) return r2.error();
  progress((*reader)->bytes_total(), (*reader)->bytes_total(), report.rows);
  return report;
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
