// PgWriter: each batch is one transaction. Rows seen for the first time (revision 0) are
// COPYed in binary, the cheapest way into PostgreSQL; revisions, retractions and, after a
// conflict, everything go through upserts whose parameters are binary arrays, pipelined.
#include "pg/pg_writer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>
#include <unordered_set>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/calendar.h"
#include "tickstock/pg_query.h"
#include "tickstock/pg_sink.h"

#include "pg/pg_binary.h"

namespace tickstock::detail {
namespace {

// After a COPY met a row that was already stored (a replay), this many batches go through
// the upserts only, before COPY is tried again.
constexpr int kSlowBatchesAfterConflict = 64;

// "<label>: <message> (<detail>)" of a failed result.
std::string result_error(PGconn* c, PGresult* r, const std::string& label) {
  const char* msg = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  return label + ": " + (msg != nullptr ? msg : pg_message(c)) +
         (detail != nullptr ? std::string(" (") + detail + ")" : std::string());
}

std::string sqlstate_of(PGresult* r) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

// Columns in the order the values are written (COPY) or the arrays are passed (upserts).
constexpr const char* kIntradayColumns =
    "symbol, ts, session, open, high, low, close, volume, vwap, trades, revision";
constexpr const char* kDailyColumns =
    "symbol, ts, open, high, low, close, volume, vwap, trades, revision, trading_date";
constexpr const char* kDetectionColumns =
    "symbol, timeframe, bar_start, pattern, output, direction, confidence, price, volume, "
    "revision";
constexpr int kBarFields = 11;
constexpr int kDetectionFields = 10;
constexpr int kIndicatorFields = 4 + kFieldCount;

std::string indicator_columns() {
  std::string s = "symbol, timeframe, bar_start, revision";
  for (int i = 0; i < kFieldCount; ++i) s += ", " + indicator_column(static_cast<Field>(i));
  return s;
}

// "unnest($1::t1[], $2::t2[], ...)" for the types of `arrays`.
std::string unnest_of(std::initializer_list<const char*> types) {
  std::string s = "unnest(";
  int i = 1;
  for (const char* t : types) {
    if (i > 1) s += ", ";
    s += "$" + std::to_string(i++) + "::" + t + "[]";
  }
  return s + ")";
}

// Values of a row in column order, into `col(i)`: one array per column, or one COPY buffer.
// A daily bar is keyed by its New York trading date and starts at that date's New York
// midnight, whatever start it came with (sql/005).
template <class Col>
void put_bar(const BarRow& b, Col&& col) {
  int k = 0;
  const bool daily = b.timeframe == Timeframe::D1;
  const Date date = new_york_date(b.start);
  col(k++).add_text(b.symbol);
  col(k++).add_timestamptz((daily ? new_york_midnight(date) : b.start) / 1000);
  if (!daily) col(k++).add_text(session_name(b.session));
  for (const double v : {b.open, b.high, b.low, b.close, b.volume, b.vwap}) col(k++).add_float8(v);
  col(k++).add_int8(b.trades);
  col(k++).add_int4(static_cast<std::int32_t>(b.revision));
  if (daily) col(k++).add_date(static_cast<std::int32_t>(days_from_civil(date)));
}

template <class Col>
void put_detection(const DetectionRow& d, Col&& col) {
  col(0).add_text(d.symbol);
  col(1).add_text(timeframe_name(d.timeframe));
  col(2).add_timestamptz(d.bar_start / 1000);
  col(3).add_text(pattern_info(d.pattern).talib_name);
  if (d.retracted) {
    col(4).add_int4(static_cast<std::int32_t>(d.revision));
    return;
  }
  col(4).add_int2(d.output);
  col(5).add_text(direction_name(d.direction));
  col(6).add_float8(d.confidence);
  col(7).add_float8(d.price);
  col(8).add_float8(d.volume);
  col(9).add_int4(static_cast<std::int32_t>(d.revision));
}

template <class Col>
void put_indicators(const IndicatorRow& v, Col&& col) {
  col(0).add_text(v.symbol);
  col(1).add_text(timeframe_name(v.timeframe));
  col(2).add_timestamptz(v.bar_start / 1000);
  col(3).add_int4(static_cast<std::int32_t>(v.revision));
  for (int k = 0; k < kFieldCount; ++k)
    col(4 + k).add_float8_or_null(v.values[static_cast<std::size_t>(k)]);
}

std::vector<PgArray> arrays_of(std::initializer_list<PgType> types) {
  std::vector<PgArray> v;
  for (const PgType t : types) v.emplace_back(t);
  return v;
}

}  // namespace

std::string indicator_column(Field f) {
  std::string s(field_name(f));
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The rows of the batch being written (one per key, sorted) and reused buffers.
struct PgWriter::Work {
  std::vector<const BarRow*> bars;
  std::vector<const DetectionRow*> detections;
  std::vector<const IndicatorRow*> indicators;
  std::vector<std::string> new_symbols;

  std::vector<PgArray> intraday =
      arrays_of({PgType::kText, PgType::kTimestamptz, PgType::kText, PgType::kFloat8,
                 PgType::kFloat8, PgType::kFloat8, PgType::kFloat8, PgType::kFloat8,
                 PgType::kFloat8, PgType::kInt8, PgType::kInt4});
  std::vector<PgArray> daily =
      arrays_of({PgType::kText, PgType::kTimestamptz, PgType::kFloat8, PgType::kFloat8,
                 PgType::kFloat8, PgType::kFloat8, PgType::kFloat8, PgType::kFloat8, PgType::kInt8,
                 PgType::kInt4, PgType::kDate});
  std::vector<PgArray> detection =
      arrays_of({PgType::kText, PgType::kText, PgType::kTimestamptz, PgType::kText, PgType::kInt2,
                 PgType::kText, PgType::kFloat8, PgType::kFloat8, PgType::kFloat8, PgType::kInt4});
  std::vector<PgArray> retract =
      arrays_of({PgType::kText, PgType::kText, PgType::kTimestamptz, PgType::kText, PgType::kInt4});
  std::vector<PgArray> indicator = [] {
    auto v = arrays_of({PgType::kText, PgType::kText, PgType::kTimestamptz, PgType::kInt4});
    for (int i = 0; i < kFieldCount; ++i) v.emplace_back(PgType::kFloat8);
    return v;
  }();
  PgCopyData copy;
  std::vector<std::string> labels;  // what each statement in the pipeline does, for errors
};

PgWriter::PgWriter(pg_conn* c) : conn_(c), work_(std::make_unique<Work>()) {}

Result<std::unique_ptr<PgWriter>> PgWriter::connect(const std::string& url) {
  // Our defaults first: what the URL says overrides them.
  const char* keys[] = {"application_name", "connect_timeout", "keepalives_idle", "dbname",
                        nullptr};
  const char* values[] = {"tickstock-pg-sink", "5", "30", url.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (c == nullptr) return fail("cannot connect to PostgreSQL: out of memory");
  std::unique_ptr<PgWriter> w(new PgWriter(c));
  if (PQstatus(c) != CONNECTION_OK) return fail("cannot connect to PostgreSQL: ", pg_message(c));
  if (auto r = w->prepare(); !r) return r.error();
  return w;
}

PgWriter::~PgWriter() { PQfinish(conn_); }

bool PgWriter::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

bool PgWriter::refused_rows() const {
  // 22: data exception (a NUL byte or bad UTF-8 in a text, a value out of range), 23: integrity
  // constraint violation (a CHECK, NOT NULL), 54: program limit exceeded (an index row too big).
  const std::string_view c = std::string_view(sqlstate_).substr(0, 2);
  return c == "22" || c == "23" || c == "54";
}

Result<void> PgWriter::prepare() {
  // A batch counts as stored, and leaves the queue or the spill file, when COMMIT returns: it
  // must then be on disk even where the server runs with synchronous_commit off (an immediate
  // shutdown would lose the last commits, and so the rows, otherwise).
  {
    PGresult* r = PQexec(conn_, "SET synchronous_commit = on");
    const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return fail("setting synchronous_commit: ", pg_message(conn_));
  }
  auto prep = [&](const std::string& name, const std::string& sql) -> Result<void> {
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return fail("preparing ", name, ": ", pg_message(conn_));
    return {};
  };
  // A newer revision replaces the row; the same revision only when something differs, so
  // that replaying the same bars leaves the table as it was.
  auto update = [](const char* extra) {
    const std::string cols = std::string("open, high, low, close, volume, vwap, trades, ") + extra;
    std::string set, old_values, new_values;
    std::size_t from = 0;
    while (from < cols.size()) {
      std::size_t to = cols.find(", ", from);
      if (to == std::string::npos) to = cols.size();
      const std::string c = cols.substr(from, to - from);
      set += c + " = EXCLUDED." + c + ", ";
      old_values += (old_values.empty() ? "o." : ", o.") + c;
      new_values += (new_values.empty() ? "EXCLUDED." : ", EXCLUDED.") + c;
      from = to + 2;
    }
    return " DO UPDATE SET " + set +
           "revision = EXCLUDED.revision, updated_at = now() WHERE EXCLUDED.revision > "
           "o.revision OR (EXCLUDED.revision = o.revision AND (" +
           old_values + ") IS DISTINCT FROM (" + new_values + "))";
  };
  const auto bar_params = {"text",   "timestamptz", "text",   "float8", "float8", "float8",
                           "float8", "float8",      "float8", "int8",   "int4"};
  const auto daily_params = {"text",   "timestamptz", "float8", "float8", "float8", "float8",
                             "float8", "float8",      "int8",   "int4",   "date"};
  for (int i = 0; i < kTimeframeCount; ++i) {
    const auto tf = static_cast<Timeframe>(i);
    const bool daily = tf == Timeframe::D1;
    const std::string sql = std::string("INSERT INTO ") + bar_table(tf) + " AS o (" +
                            (daily ? kDailyColumns : kIntradayColumns) + ") SELECT * FROM " +
                            unnest_of(daily ? daily_params : bar_params) +
                            (daily ? " ON CONFLICT (symbol, trading_date)" + update("ts")
                                   : " ON CONFLICT (symbol, ts)" + update("session"));
    if (auto r = prep(std::string("upsert_") + bar_table(tf), sql); !r) return r;
  }
  if (auto r = prep("symbols",
                    "INSERT INTO symbols (symbol, auto_added) SELECT unnest($1::text[]), true "
                    "ON CONFLICT (symbol) DO NOTHING");
      !r)
    return r;
  if (auto r = prep(
          "upsert_detections",
          std::string("INSERT INTO pattern_detections AS d (") + kDetectionColumns +
              ") SELECT * FROM " +
              unnest_of({"text", "text", "timestamptz", "text", "int2", "text", "float8", "float8",
                         "float8", "int4"}) +
              " ON CONFLICT (symbol, timeframe, bar_start, pattern) DO UPDATE SET output = "
              "EXCLUDED.output, direction = EXCLUDED.direction, confidence = "
              "EXCLUDED.confidence, price = EXCLUDED.price, volume = EXCLUDED.volume, revision "
              "= EXCLUDED.revision WHERE EXCLUDED.revision > d.revision OR (EXCLUDED.revision = "
              "d.revision AND (d.output, d.direction, d.confidence, d.price, d.volume) IS "
              "DISTINCT FROM (EXCLUDED.output, EXCLUDED.direction, EXCLUDED.confidence, "
              "EXCLUDED.price, EXCLUDED.volume))");
      !r)
    return r;
  if (auto r = prep("retractions",
                    "DELETE FROM pattern_detections d USING " +
                        unnest_of({"text", "text", "timestamptz", "text", "int4"}) +
                        " AS r(symbol, timeframe, bar_start, pattern, revision) WHERE d.symbol "
                        "= r.symbol AND d.timeframe = r.timeframe AND d.bar_start = r.bar_start "
                        "AND d.pattern = r.pattern AND d.revision <= r.revision");
      !r)
    return r;
  std::string set, old_values, new_values,
      params =
          "$1::text[], $2::text[], $3::timestamptz[], "
          "$4::int4[]";
  for (int i = 0; i < kFieldCount; ++i) {
    const std::string c = indicator_column(static_cast<Field>(i));
    set += ", " + c + " = EXCLUDED." + c;
    old_values += (i > 0 ? ", v." : "v.") + c;
    new_values += (i > 0 ? ", EXCLUDED." : "EXCLUDED.") + c;
    params += ", $" + std::to_string(5 + i) + "::float8[]";
  }
  return prep("upsert_indicators",
              "INSERT INTO indicator_values AS v (" + indicator_columns() +
                  ") SELECT * FROM unnest(" + params +
                  ") ON CONFLICT (symbol, timeframe, bar_start) DO UPDATE SET revision = "
                  "EXCLUDED.revision, updated_at = now()" +
                  set +
                  " WHERE EXCLUDED.revision > v.revision OR (EXCLUDED.revision = v.revision AND "
                  "(" +
                  old_values + ") IS DISTINCT FROM (" + new_values + "))");
}

namespace {

// Points `out` at one row per key of `rows`, sorted by key: the last of the rows with the
// greatest `order` among those sharing a key. `key(row)` and `order(row)` return tuples.
template <class Row, class Key, class Order>
void one_per_key(const std::vector<Row>& rows, std::vector<const Row*>& out, Key key, Order order) {
  out.clear();
  for (const Row& r : rows) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [&](const Row* x, const Row* y) {
    return std::tuple(key(*x), order(*x)) < std::tuple(key(*y), order(*y));
  });
  std::size_t n = 0;
  for (const Row* r : out) {
    if (n > 0 && key(*out[n - 1]) == key(*r)) {
      out[n - 1] = r;
    } else {
      out[n++] = r;
    }
  }
  out.resize(n);
}

// With COPY, only revisions are upserted; rows seen for the first time are COPYed.
bool upserted(bool copy, std::uint32_t revision) { return !copy || revision > 0; }

void reset_all(std::vector<PgArray>& arrays) {
  for (PgArray& a : arrays) a.reset();
}

// Queues prepared statement `stmt` with binary array parameters in the pipeline, unless a send
// failed before (`sent`: false once one did); `labels` gets what it does, for errors.
void send_prepared(PGconn* c, const char* stmt, std::vector<PgArray>& params, const char* label,
                   std::vector<std::string>& labels, bool& sent) {
  std::array<const char*, kIndicatorFields> vals{};
  std::array<int, kIndicatorFields> lens{}, fmts{};
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string& p = params[i].finish();
    vals[i] = p.data();
    lens[i] = static_cast<int>(p.size());
    fmts[i] = 1;
  }
  sent = sent && PQsendQueryPrepared(c, stmt, static_cast<int>(params.size()), vals.data(),
                                     lens.data(), fmts.data(), 0) == 1;
  labels.emplace_back(label);
}

}  // namespace

void PgWriter::select(const WriteBatch& batch) {
  Work& w = *work_;
  // Bars: of one key the highest revision, then the last given. Detections and indicator
  // values: the last row of a key is its state.
  one_per_key(
      batch.bars, w.bars,
      [](const BarRow& b) { return std::tuple(b.timeframe, b.symbol, b.start); },
      [](const BarRow& b) { return std::tuple(b.revision); });
  one_per_key(
      batch.detections, w.detections,
      [](const DetectionRow& d) {
        return std::tuple(d.symbol, d.timeframe, d.bar_start, d.pattern);
      },
      [](const DetectionRow&) { return std::tuple(); });
  one_per_key(
      batch.indicators, w.indicators,
      [](const IndicatorRow& v) { return std::tuple(v.symbol, v.timeframe, v.bar_start); },
      [](const IndicatorRow&) { return std::tuple(); });
  w.new_symbols.clear();
  std::unordered_set<std::string_view> seen;
  auto note_symbol = [&](std::string_view name) {
    if (known_symbols_.find(name) == known_symbols_.end() && seen.insert(name).second)
      w.new_symbols.emplace_back(name);
  };
  for (const BarRow* b : w.bars) note_symbol(b->symbol);
  for (const DetectionRow* d : w.detections) note_symbol(d->symbol);
  for (const IndicatorRow* v : w.indicators) note_symbol(v->symbol);
}

Result<void> PgWriter::write(const WriteBatch& batch) {
  select(batch);
  const bool copy = slow_batches_ == 0;
  if (slow_batches_ > 0) --slow_batches_;
  bool conflict = false;
  auto r = attempt(copy, conflict);
  if (!r && conflict && healthy()) {
    // A row was stored already (a replay, or another writer): upserts sort that out.
    slow_batches_ = kSlowBatchesAfterConflict;
    r = attempt(false, conflict);
  }
  if (r)
    for (std::string& s : work_->new_symbols) known_symbols_.insert(std::move(s));
  return r;
}

Result<void> PgWriter::attempt(bool copy, bool& conflict) {
  conflict = false;
  sqlstate_.clear();
  // 1. One pipeline: BEGIN, new symbols, every upsert and retraction.
  if (PQenterPipelineMode(conn_) != 1) return fail("entering pipeline mode: ", pg_message(conn_));
  const bool sent = send_upserts(copy);
  if (const std::string error = pipeline_error(sent); !error.empty()) return rollback(error);
  // 2. COPY of the rows seen for the first time: bars by timeframe, detections, indicators.
  if (copy) {
    if (const std::string error = copy_new_rows(conflict); !error.empty()) return rollback(error);
  }
  return commit();
}

bool PgWriter::send_upserts(bool copy) {
  Work& w = *work_;
  w.labels.clear();
  bool sent = PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  w.labels.emplace_back("starting the transaction");
  if (!w.new_symbols.empty()) {
    std::vector<PgArray> names = arrays_of({PgType::kText});
    for (const std::string& s : w.new_symbols) names[0].add_text(s);
    send_prepared(conn_, "symbols", names, "registering symbols", w.labels, sent);
  }
  send_bar_upserts(copy, sent);
  reset_all(w.detection);
  reset_all(w.retract);
  for (const DetectionRow* d : w.detections) {
    std::vector<PgArray>& a = d->retracted ? w.retract : w.detection;
    if (d->retracted || upserted(copy, d->revision))
      put_detection(*d, [&](int k) -> PgValues& { return a[static_cast<std::size_t>(k)]; });
  }
  if (w.detection[0].count() > 0)
    send_prepared(conn_, "upsert_detections", w.detection, "storing pattern detections", w.labels,
                  sent);
  if (w.retract[0].count() > 0)
    send_prepared(conn_, "retractions", w.retract, "deleting retracted detections", w.labels, sent);
  reset_all(w.indicator);
  for (const IndicatorRow* v : w.indicators)
    if (upserted(copy, v->revision))
      put_indicators(*v,
                     [&](int k) -> PgValues& { return w.indicator[static_cast<std::size_t>(k)]; });
  if (w.indicator[0].count() > 0)
    send_prepared(conn_, "upsert_indicators", w.indicator, "storing indicator values", w.labels,
                  sent);
  if (sent && PQpipelineSync(conn_) != 1) sent = false;
  return sent;
}

void PgWriter::send_bar_upserts(bool copy, bool& sent) {
  Work& w = *work_;
  for (std::size_t i = 0; i < w.bars.size();) {
    const Timeframe tf = w.bars[i]->timeframe;
    std::vector<PgArray>& a = tf == Timeframe::D1 ? w.daily : w.intraday;
    reset_all(a);
    for (; i < w.bars.size() && w.bars[i]->timeframe == tf; ++i)
      if (upserted(copy, w.bars[i]->revision))
        put_bar(*w.bars[i], [&](int k) -> PgValues& { return a[static_cast<std::size_t>(k)]; });
    if (a[0].count() > 0) {
      static const std::array<std::string, kTimeframeCount> names = [] {
        std::array<std::string, kTimeframeCount> n;
        for (int t = 0; t < kTimeframeCount; ++t)
          n[static_cast<std::size_t>(t)] =
              std::string("upsert_") + bar_table(static_cast<Timeframe>(t));
        return n;
      }();
      send_prepared(conn_, names[static_cast<std::size_t>(tf)].c_str(), a, "storing bars", w.labels,
                    sent);
    }
  }
}

std::string PgWriter::pipeline_error(bool sent) {
  const Work& w = *work_;
  std::string error;
  std::size_t k = 0;
  bool synced = !sent;
  while (!synced) {
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      continue;  // the end of one statement's results
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      synced = true;
    } else {
      if (st == PGRES_FATAL_ERROR && error.empty()) {
        error = result_error(conn_, r, k < w.labels.size() ? w.labels[k] : "write");
        sqlstate_ = sqlstate_of(r);
      }
      ++k;
    }
    PQclear(r);
  }
  if ((!sent || !synced) && error.empty()) error = "write: " + pg_message(conn_);
  if (synced) PQexitPipelineMode(conn_);
  return error;
}

std::string PgWriter::copy_new_rows(bool& conflict) {
  Work& w = *work_;
  std::string error;
  auto into_copy = [&](int fields) -> PgValues& {
    w.copy.row(fields);
    return w.copy;
  };
  for (std::size_t i = 0; i < w.bars.size() && error.empty();) {
    const Timeframe tf = w.bars[i]->timeframe;
    w.copy.reset();
    for (; i < w.bars.size() && w.bars[i]->timeframe == tf; ++i) {
      if (w.bars[i]->revision > 0) continue;
      PgValues& out = into_copy(kBarFields);
      put_bar(*w.bars[i], [&](int) -> PgValues& { return out; });
    }
    if (w.copy.rows() > 0)
      error = copy_in(std::string(bar_table(tf)) + " (" +
                          (tf == Timeframe::D1 ? kDailyColumns : kIntradayColumns) + ")",
                      "storing bars", conflict);
  }
  w.copy.reset();
  for (const DetectionRow* d : w.detections) {
    if (d->retracted || d->revision > 0) continue;
    PgValues& out = into_copy(kDetectionFields);
    put_detection(*d, [&](int) -> PgValues& { return out; });
  }
  if (error.empty() && w.copy.rows() > 0)
    error = copy_in(std::string("pattern_detections (") + kDetectionColumns + ")",
                    "storing pattern detections", conflict);
  w.copy.reset();
  for (const IndicatorRow* v : w.indicators) {
    if (v->revision > 0) continue;
    PgValues& out = into_copy(kIndicatorFields);
    put_indicators(*v, [&](int) -> PgValues& { return out; });
  }
  if (error.empty() && w.copy.rows() > 0) {
    static const std::string columns = "indicator_values (" + indicator_columns() + ")";
    error = copy_in(columns, "storing indicator values", conflict);
  }
  return error;
}

std::string PgWriter::copy_in(const std::string& table_columns, const char* label, bool& conflict) {
  const std::string sql = "COPY " + table_columns + " FROM STDIN (FORMAT binary)";
  PGresult* r = PQexec(conn_, sql.c_str());
  const bool copying = r != nullptr && PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!copying) return std::string(label) + ": " + pg_message(conn_);
  const std::string& data = work_->copy.end();
  const bool ok = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1 &&
                  PQputCopyEnd(conn_, nullptr) == 1;
  std::string e = ok ? "" : std::string(label) + ": " + pg_message(conn_);
  while ((r = PQgetResult(conn_)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && e.empty()) {
      e = result_error(conn_, r, label);
      sqlstate_ = sqlstate_of(r);
      conflict = sqlstate_ == "23505";
    }
    PQclear(r);
  }
  return e;
}

Result<void> PgWriter::commit() {
  PGresult* r = PQexec(conn_, "COMMIT");
  const bool committed = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string error;
  if (!committed) {
    error = result_error(conn_, r, "committing");
    sqlstate_ = sqlstate_of(r);
  }
  PQclear(r);
  if (!committed) return rollback(error);
  return {};
}

Result<void> PgWriter::rollback(const std::string& error) {
  if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) PQexitPipelineMode(conn_);
  PQclear(PQexec(conn_, "ROLLBACK"));
  return fail(error);
}

}  // namespace tickstock::detail
