// make_pg_bar_source: each count() or open() is one read-only snapshot transaction on a
// connection of its own (pooled between series, never used by two threads at once), so that
// the choice between the timeframe's table and a roll-up of ohlcv_1min is made on the rows then
// read. Rows come through a cursor, 10,000 a FETCH in binary: a series of 500k bars is never
// one result in memory, and no number goes through text. Every value is a parameter.
#include "tickstock/pg_bar_source.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/pg_query.h"
#include "tickstock/pg_schema.h"

#include "backtest/minute_rollup.h"
#include "backtest/series_range.h"
#include "pg/pg_binary.h"
#include "pg/pg_pool.h"
#include "pg/pg_rows.h"

namespace tickstock {
namespace {

using Bars = std::vector<Bar>;
using detail::PgLease;
using detail::PgType;

constexpr int kFetchRows = 10'000;
// Idle connections kept for the next series: one per worker of a run on up to 8 cores; the
// workers of a bigger one connect the rest anew.
constexpr std::size_t kIdleConnections = 8;

// What a source's reads share, alive while the source or one of its cursors is (a lease holds
// it through the pool).
struct Shared {
  explicit Shared(std::string_view url) : pool(url, "tickstock-backtest", kIdleConnections) {}
  detail::PgPool pool;
  SymbolTable symbols;  // thread-safe: the Symbol of every bar delivered
};

Result<PgResultPtr> exec(PGconn* c, const std::string& sql, const std::vector<const char*>& params,
                         int result_format, const std::string& what) {
  PgResultPtr r(PQexecParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr,
                             params.data(), nullptr, nullptr, result_format),
                &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(what, ": ", pg_message(c));
  return r;
}

// Where a timeframe's rows are: the table, the time column its key orders by, its session.
struct Table {
  const char* name;
  const char* order;
  const char* session;  // daily rows have none: the regular one, as the warm start reads them
};

Table table_of(Timeframe tf) {
  if (tf == Timeframe::D1) return {bar_table(tf), "trading_date", "'regular'::text"};
  return {bar_table(tf), "ts", "session"};
}

// $2 and $3 as timestamps: microseconds since the epoch, passed as text like every value.
constexpr const char* kLo = "(timestamptz 'epoch' + $2::bigint * interval '1 microsecond')";
constexpr const char* kHi = "(timestamptz 'epoch' + $3::bigint * interval '1 microsecond')";

// A request's parameters: $1 the symbol, $2 and $3 the first and last microsecond of
// [start, end], $4 how many rows before start (NULL: all of them).
class Params {
 public:
  Params(std::string_view symbol, Timestamp start, Timestamp end, std::int64_t before)
      : symbol_(symbol),
        lo_(std::to_string(start / 1000 + (start % 1000 > 0 ? 1 : 0))),
        hi_(std::to_string(end / 1000 - (end % 1000 < 0 ? 1 : 0))),
        limit_(before < 0 ? "" : std::to_string(before)),
        all_(before < 0) {}
  // The first `n` of $1..$4.
  std::vector<const char*> values(std::size_t n) const {
    std::vector<const char*> v{symbol_.c_str(), lo_.c_str(), hi_.c_str(),
                               all_ ? nullptr : limit_.c_str()};
    v.resize(n);
    return v;
  }

 private:
  std::string symbol_, lo_, hi_, limit_;
  bool all_;
};

// The rows in [start, end] and (up to $4 of) those before start.
std::string count_sql(const Table& t) {
  const std::string rows = std::string(" FROM ") + t.name + " WHERE symbol = $1 AND ts ";
  return "SELECT (SELECT count(*)" + rows + ">= " + kLo + " AND ts <= " + kHi +
         "), (SELECT count(*) FROM (SELECT 1" + rows + "< " + kLo + " LIMIT $4) w)";
}

// Cursor `name` over the selection of series_range.h: up to $4 rows before start, then every
// row up to end, oldest first.
std::string declare_sql(const Table& t, const char* name) {
  const std::string rows = std::string(" FROM ") + t.name + " WHERE symbol = $1 AND ts ";
  return std::string("DECLARE ") + name +
         " NO SCROLL CURSOR FOR SELECT ts, open, high, low, close, volume, vwap, trades, " +
         t.session + rows + "<= " + kHi + " AND ts >= coalesce((SELECT min(ts) FROM (SELECT ts" +
         rows + "< " + kLo + " ORDER BY " + t.order + " DESC LIMIT $4) w), " + kLo + ") ORDER BY " +
         t.order;
}

std::string what_of(const Table& t, std::string_view symbol) {
  return std::string("reading ") + t.name + " of " + std::string(symbol);
}

// The select list of declare_sql(), by type: binary values are read by their type.
constexpr std::array<PgType, 9> kColumns{PgType::kTimestamptz, PgType::kFloat8, PgType::kFloat8,
                                         PgType::kFloat8,      PgType::kFloat8, PgType::kFloat8,
                                         PgType::kFloat8,      PgType::kInt8,   PgType::kText};
constexpr int kVwap = 6;

// A declared cursor's rows as bars, one FETCH at a time.
class RowReader {
 public:
  RowReader(PGconn* c, const char* cursor, Timeframe tf, Symbol symbol, std::string what)
      : c_(c),
        fetch_(std::string("FETCH ") + std::to_string(kFetchRows) + " FROM " + cursor),
        tf_(tf),
        symbol_(symbol),
        what_(std::move(what)) {}

  // Fills `out` from the front; 0 at the end.
  Result<std::size_t> read(std::span<Bar> out) {
    std::size_t n = 0;
    while (n < out.size()) {
      if (at_ == count_) {
        if (last_) break;
        if (auto f = fetch(); !f) return f.error();
        if (count_ == 0) break;
      }
      auto bar = bar_at(at_++);
      if (!bar) return bar.error();
      out[n++] = *bar;
    }
    return n;
  }

 private:
  Result<void> fetch() {
    auto r = exec(c_, fetch_, {}, 1, what_);
    if (!r) return r.error();
    rows_ = std::move(*r);
    count_ = PQntuples(rows_.get());
    at_ = 0;
    last_ = count_ < kFetchRows;
    if (PQnfields(rows_.get()) != static_cast<int>(kColumns.size()))
      return fail(what_, ": ", std::to_string(PQnfields(rows_.get())), " columns, not ",
                  std::to_string(kColumns.size()));
    for (int i = 0; i < static_cast<int>(kColumns.size()); ++i) {
      if (PQftype(rows_.get(), i) != static_cast<Oid>(kColumns[static_cast<std::size_t>(i)]))
        return fail(what_, ": column ", PQfname(rows_.get(), i), " has an unexpected type (oid ",
                    std::to_string(PQftype(rows_.get(), i)), ")");
    }
    return {};
  }

  Result<Bar> bar_at(int row) const {
    const PGresult* r = rows_.get();
    for (int col = 0; col < static_cast<int>(kColumns.size()); ++col) {
      if (col != kVwap && PQgetisnull(r, row, col) != 0)
        return fail(what_, ": NULL in column ", PQfname(r, col));
    }
    auto value = [&](int col) { return PQgetvalue(r, row, col); };
    // Timestamps are stored in microseconds since 2000; a Bar's fit 1700..2261 in nanoseconds.
    const std::int64_t ts = detail::read_int8(value(0));
    if (ts < kMinEventTime / 1000 - detail::kPgEpochMicros ||
        ts > kMaxEventTime / 1000 - detail::kPgEpochMicros)
      return fail(what_, ": a ts out of range");
    Bar b;
    b.symbol = symbol_;
    b.timeframe = tf_;
    b.start = (ts + detail::kPgEpochMicros) * 1000;
    b.open = detail::read_float8(value(1));
    b.high = detail::read_float8(value(2));
    b.low = detail::read_float8(value(3));
    b.close = detail::read_float8(value(4));
    b.volume = detail::read_float8(value(5));
    b.vwap = PQgetisnull(r, row, kVwap) != 0 ? b.close : detail::read_float8(value(kVwap));
    b.trade_count = static_cast<std::uint32_t>(std::clamp<std::int64_t>(
        detail::read_int8(value(7)), 0, std::numeric_limits<std::uint32_t>::max()));
    b.session = detail::session_of(std::string_view(value(8), PQgetlength(r, row, 8)));
    return b;
  }

  PGconn* c_;
  std::string fetch_;
  Timeframe tf_;
  Symbol symbol_;
  std::string what_;
  PgResultPtr rows_{nullptr, &PQclear};  // the last FETCH
  int at_ = 0, count_ = 0;
  bool last_ = false;  // the last FETCH was short: no rows are left
};

// Declares cursor `name` over `t`'s rows of `p`.
Result<RowReader> declare(PGconn* c, const char* name, Timeframe tf, const Table& t,
                          const Params& p, Symbol symbol) {
  const std::string what = what_of(t, symbol.name());
  if (auto r = exec(c, declare_sql(t, name), p.values(4), 0, what); !r) return r.error();
  return RowReader(c, name, tf, symbol, what);
}

// The bars of `r` rolled up from ohlcv_1min. Its warm-up bars hold at most `per_bar` minutes
// each before start, so the last warmup_bars · per_bar minutes before start complete them (an
// earlier bar cut short is not among them); the last bar starting at end closes within `span`.
Result<Bars> rolled_up(PGconn* c, const SeriesRequest& r, Symbol symbol) {
  const bool daily = r.timeframe == Timeframe::D1;
  const Timestamp span = daily ? 25 * kNanosPerHour : timeframe_nanos(r.timeframe);
  const std::int64_t per_bar = span / kNanosPerMinute;
  const Timestamp last = r.end > kMaxEventTime - span ? r.end : r.end + span;
  const Params p(r.symbol, r.start, last,
                 r.warmup_bars < 0 ? -1 : std::int64_t{r.warmup_bars} * per_bar);
  auto reader = declare(c, "tickstock_minutes", Timeframe::M1, table_of(Timeframe::M1), p, symbol);
  if (!reader) return reader.error();
  Bars minutes;
  for (std::size_t n = kFetchRows; n > 0;) {
    const std::size_t at = minutes.size();
    minutes.resize(at + kFetchRows);
    auto got = reader->read(std::span<Bar>(minutes).subspan(at));
    if (!got) return got.error();
    n = *got;
    minutes.resize(at + n);
  }
  auto bars = backtest::roll_up_minutes(minutes, r.timeframe, r.symbol);
  if (!bars) return bars.error();
  const auto [from, to] = backtest::request_range(*bars, r);
  return Bars(bars->begin() + static_cast<std::ptrdiff_t>(from),
              bars->begin() + static_cast<std::ptrdiff_t>(to));
}

// How a request is served: from `tf`'s table when it has rows for the symbol in [start, end],
// else rolled up from ohlcv_1min when that gives bars in [start, end]; when neither does, the
// warm-up of whichever has one, the table first. A series never mixes the two.
struct Served {
  std::size_t stored = 0;         // rows of `tf`'s table
  std::optional<Bars> rolled_up;  // or these
};

Result<Served> serve(PGconn* c, const SeriesRequest& r, Symbol symbol) {
  const Table t = table_of(r.timeframe);
  const Params p(r.symbol, r.start, r.end, r.warmup_bars);
  auto counts = exec(c, count_sql(t), p.values(4), 0, what_of(t, r.symbol));
  if (!counts) return counts.error();
  const auto in_range = std::strtoull(PQgetvalue(counts->get(), 0, 0), nullptr, 10);
  const auto before = std::strtoull(PQgetvalue(counts->get(), 0, 1), nullptr, 10);
  Served out;
  out.stored = static_cast<std::size_t>(in_range + before);
  if (in_range > 0 || r.timeframe == Timeframe::M1) return out;
  auto bars = rolled_up(c, r, symbol);
  if (!bars) return bars.error();
  if (before == 0 || (!bars->empty() && bars->back().start >= r.start))
    out.rolled_up = std::move(*bars);
  return out;
}

// A stored series, read as the backtest asks for it; the connection goes back at the end.
class StoredCursor final : public BarCursor {
 public:
  StoredCursor(PgLease lease, RowReader rows) : lease_(std::move(lease)), rows_(std::move(rows)) {}
  Result<std::size_t> next_chunk(std::span<Bar> out) override {
    auto n = rows_.read(out);
    if (n && *n == 0) lease_.reset();
    return n;
  }

 private:
  std::optional<PgLease> lease_;  // empty once the rows are all read
  RowReader rows_;
};

// A rolled-up series, in memory (its Symbols live in `shared`).
class RolledUpCursor final : public BarCursor {
 public:
  RolledUpCursor(std::shared_ptr<Shared> shared, Bars bars)
      : shared_(std::move(shared)), bars_(std::move(bars)) {}
  Result<std::size_t> next_chunk(std::span<Bar> out) override {
    const std::size_t n = std::min(out.size(), bars_.size() - at_);
    std::copy_n(bars_.begin() + static_cast<std::ptrdiff_t>(at_), n, out.begin());
    at_ += n;
    return n;
  }

 private:
  std::shared_ptr<Shared> shared_;
  Bars bars_;
  std::size_t at_ = 0;
};

class PgBarSource final : public BarSource {
 public:
  explicit PgBarSource(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  Result<std::size_t> count(const SeriesRequest& r) override {
    if (!is_valid_symbol(r.symbol)) return 0;  // no row can hold it
    auto lease = begin();
    if (!lease) return lease.error();
    auto served = serve(lease->get(), r, shared_->symbols.intern(r.symbol));
    if (!served) return served.error();
    return served->rolled_up ? served->rolled_up->size() : served->stored;
  }

  Result<std::unique_ptr<BarCursor>> open(const SeriesRequest& r) override {
    std::unique_ptr<BarCursor> cursor;
    if (!is_valid_symbol(r.symbol)) {
      cursor = std::make_unique<RolledUpCursor>(shared_, Bars{});
      return cursor;
    }
    auto lease = begin();
    if (!lease) return lease.error();
    const Symbol symbol = shared_->symbols.intern(r.symbol);
    auto served = serve(lease->get(), r, symbol);
    if (!served) return served.error();
    if (served->rolled_up) {
      cursor = std::make_unique<RolledUpCursor>(shared_, std::move(*served->rolled_up));
      return cursor;
    }
    auto rows = declare(lease->get(), "tickstock_bars", r.timeframe, table_of(r.timeframe),
                        Params(r.symbol, r.start, r.end, r.warmup_bars), symbol);
    if (!rows) return rows.error();
    cursor = std::make_unique<StoredCursor>(std::move(*lease), std::move(*rows));
    return cursor;
  }

 private:
  // A connection in a read-only snapshot: what serve() counts is what the cursor then reads.
  // An idle connection the server has closed since fails here, and a new one is tried.
  Result<PgLease> begin() {
    for (const bool fresh : {false, true}) {
      auto c = shared_->pool.take(fresh);
      if (!c) return c.error();
      PgLease lease(std::shared_ptr<detail::PgPool>(shared_, &shared_->pool), std::move(*c));
      auto r = pg_exec(lease.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                       "starting a read of bars");
      if (r) return lease;
      if (fresh) return r.error();
    }
    return fail("starting a read of bars: no connection");  // not reached
  }

  std::shared_ptr<Shared> shared_;
};

}  // namespace

Result<std::unique_ptr<BarSource>> make_pg_bar_source(std::string database_url) {
  auto shared = std::make_shared<Shared>(database_url);
  // Connects now, so that a wrong URL or a server that is down fails before a job starts.
  auto c = shared->pool.take(true);
  if (!c) return c.error();
  shared->pool.give(std::move(*c));
  std::unique_ptr<BarSource> source = std::make_unique<PgBarSource>(std::move(shared));
  return source;
}

}  // namespace tickstock
