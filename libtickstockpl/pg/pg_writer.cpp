// PgWriter: libpq pipeline mode, one implicit transaction per write().
#include "pg/pg_writer.h"

#include <array>
#include <cstdio>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/calendar.h"

namespace tickstock::detail {
namespace {

std::string pg_message(PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

const char* bar_table(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1:
      return "ohlcv_1min";
    case Timeframe::M5:
      return "ohlcv_5min";
    case Timeframe::M15:
      return "ohlcv_15min";
    case Timeframe::M30:
      return "ohlcv_30min";
    case Timeframe::H1:
      return "ohlcv_hourly";
    case Timeframe::H4:
      return "ohlcv_4hour";
    case Timeframe::D1:
      return "ohlcv_daily";
  }
  return "ohlcv_1min";
}

// Statement names: "bar_<table>", "symbol", "detection", "retract".
std::string bar_statement(Timeframe tf) { return std::string("bar_") + bar_table(tf); }

// Exact text for a double (shortest round-trip form) and for integers.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// UTC microseconds since the epoch as PostgreSQL's timestamptz input text: to_timestamp would
// go through a double, so the statements add an integer of microseconds to the epoch.
std::string micros(Timestamp t) { return std::to_string(t / 1000); }

// Appends `text` as a COPY text-format field.
void append_copy_text(std::string& out, std::string_view text) {
  for (const char ch : text) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += ch;
    }
  }
}

}  // namespace

Result<std::unique_ptr<PgWriter>> PgWriter::connect(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (c == nullptr) return fail("cannot connect to PostgreSQL: out of memory");
  std::unique_ptr<PgWriter> w(new PgWriter(c));
  if (PQstatus(c) != CONNECTION_OK) return fail("cannot connect to PostgreSQL: ", pg_message(c));
  if (auto r = w->prepare(); !r) return r.error();
  return w;
}

PgWriter::~PgWriter() { PQfinish(conn_); }

bool PgWriter::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Result<void> PgWriter::prepare() {
  auto prep = [&](const std::string& name, const std::string& sql) -> Result<void> {
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return fail("preparing ", name, ": ", pg_message(conn_));
    return {};
  };
  // Bars go through COPY into a staging table of this connection, then one upsert per
  // timeframe: far fewer round trips and statements than a row at a time.
  {
    PGresult* r = PQexec(conn_,
                         "CREATE TEMP TABLE tickstock_stage_bars (seq integer, tf text, symbol "
                         "text, ts_us bigint, trading_date date, session text, open float8, high "
                         "float8, low float8, close float8, volume float8, vwap float8, trades "
                         "bigint, revision integer) ON COMMIT DELETE ROWS");
    const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return fail("creating the staging table: ", pg_message(conn_));
  }
  const std::string stage_ts = "timestamptz 'epoch' + ts_us * interval '1 microsecond'";
  const std::string set =
      "open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, "
      "volume = EXCLUDED.volume, vwap = EXCLUDED.vwap, trades = EXCLUDED.trades, revision = "
      "EXCLUDED.revision, updated_at = now() WHERE EXCLUDED.revision >= o.revision";
  for (int i = 0; i < kTimeframeCount; ++i) {
    const auto tf = static_cast<Timeframe>(i);
    const std::string t = bar_table(tf);
    // One row per key: the highest revision, and of equal ones the last given.
    std::string sql;
    if (tf == Timeframe::D1) {
      sql =
          "INSERT INTO ohlcv_daily AS o (symbol, ts, trading_date, open, high, low, close, "
          "volume, vwap, trades, revision) SELECT DISTINCT ON (symbol, trading_date) symbol, " +
          stage_ts +
          ", trading_date, open, high, low, close, volume, vwap, trades, revision FROM "
          "tickstock_stage_bars WHERE tf = $1 ORDER BY symbol, trading_date, revision DESC, "
          "seq DESC ON CONFLICT (symbol, trading_date) DO UPDATE SET ts = EXCLUDED.ts, " +
          set;
    } else {
      sql = "INSERT INTO " + t +
            " AS o (symbol, ts, session, open, high, low, close, volume, vwap, trades, "
            "revision) SELECT DISTINCT ON (symbol, ts_us) symbol, " +
            stage_ts +
            ", session, open, high, low, close, volume, vwap, trades, revision FROM "
            "tickstock_stage_bars WHERE tf = $1 ORDER BY symbol, ts_us, revision DESC, seq DESC "
            "ON CONFLICT (symbol, ts) DO UPDATE SET session = EXCLUDED.session, " +
            set;
    }
    if (auto r = prep(bar_statement(tf), sql); !r) return r;
  }
  const std::string epoch = "(timestamptz 'epoch' + $2::bigint * interval '1 microsecond')";
  if (auto r = prep("symbols",
                    "INSERT INTO symbols (symbol, auto_added) SELECT unnest($1::text[]), true "
                    "ON CONFLICT (symbol) DO NOTHING");
      !r)
    return r;
  if (auto r = prep("detection",
                    "INSERT INTO pattern_detections AS d (symbol, timeframe, bar_start, pattern, "
                    "output, direction, confidence, price, volume, revision) VALUES ($1, $3, " +
                        epoch +
                        ", $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (symbol, timeframe, "
                        "bar_start, pattern) DO UPDATE SET output = EXCLUDED.output, direction = "
                        "EXCLUDED.direction, confidence = EXCLUDED.confidence, price = "
                        "EXCLUDED.price, volume = EXCLUDED.volume, revision = EXCLUDED.revision "
                        "WHERE EXCLUDED.revision >= d.revision");
      !r)
    return r;
  return prep("retract", "DELETE FROM pattern_detections WHERE symbol = $1 AND bar_start = " +
                             epoch + " AND timeframe = $3 AND pattern = $4 AND revision <= $5");
}

Result<void> PgWriter::write(std::span<const Bar> bars, std::span<const DetectionRow> detections) {
  std::vector<std::string> new_symbols;
  auto note_symbol = [&](Symbol sym) {
    std::string name(sym.name());
    if (known_symbols_.insert(name).second) new_symbols.push_back(std::move(name));
  };
  for (const Bar& b : bars) note_symbol(b.symbol);
  for (const DetectionRow& d : detections) note_symbol(d.event.symbol);
  auto abandon = [&](std::string error) -> Result<void> {
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) PQexitPipelineMode(conn_);
    PQclear(PQexec(conn_, "ROLLBACK"));
    for (const std::string& name : new_symbols) known_symbols_.erase(name);  // rolled back
    return fail(error);
  };
  auto exec = [&](const char* stmt, int n, const char* const* params) -> std::string {
    PGresult* r = stmt[0] == '!' ? PQexec(conn_, stmt + 1)
                                 : PQexecPrepared(conn_, stmt, n, params, nullptr, nullptr, 0);
    const auto st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    std::string error;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      error = r != nullptr && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) != nullptr
                  ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                  : pg_message(conn_);
    PQclear(r);
    return error;
  };
  if (auto e = exec("!BEGIN", 0, nullptr); !e.empty()) return abandon("write: " + e);
  if (!new_symbols.empty()) {
    std::string array = "{";
    for (const std::string& name : new_symbols) {
      if (array.size() > 1) array += ',';
      array += '"';
      for (const char ch : name) {
        if (ch == '"' || ch == '\\') array += '\\';
        array += ch;
      }
      array += '"';
    }
    array += '}';
    const char* p[] = {array.c_str()};
    if (auto e = exec("symbols", 1, p); !e.empty()) return abandon("registering symbols: " + e);
  }
  if (!bars.empty()) {
    PGresult* r = PQexec(conn_, "COPY tickstock_stage_bars FROM STDIN");
    const bool copying = r != nullptr && PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!copying) return abandon("staging bars: " + pg_message(conn_));
    std::string buf;
    std::array<bool, kTimeframeCount> present{};
    for (std::size_t i = 0; i < bars.size(); ++i) {
      const Bar& b = bars[i];
      present[static_cast<std::size_t>(b.timeframe)] = true;
      buf += std::to_string(i);
      buf += '\t';
      buf += timeframe_name(b.timeframe);
      buf += '\t';
      append_copy_text(buf, b.symbol.name());
      buf += '\t';
      buf += micros(b.start);
      buf += '\t';
      buf += b.timeframe == Timeframe::D1 ? format_date(new_york_date(b.start)) : "\\N";
      buf += '\t';
      buf += session_name(b.session);
      for (const double v : {b.open, b.high, b.low, b.close, b.volume, b.vwap}) {
        buf += '\t';
        buf += num(v);
      }
      buf += '\t';
      buf += std::to_string(b.trade_count);
      buf += '\t';
      buf += std::to_string(b.revision);
      buf += '\n';
    }
    const bool sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1 &&
                      PQputCopyEnd(conn_, nullptr) == 1;
    std::string error = sent ? "" : pg_message(conn_);
    while ((r = PQgetResult(conn_)) != nullptr) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty()) error = pg_message(conn_);
      PQclear(r);
    }
    if (!error.empty()) return abandon("staging bars: " + error);
    for (int i = 0; i < kTimeframeCount; ++i) {
      if (!present[static_cast<std::size_t>(i)]) continue;
      const auto tf = static_cast<Timeframe>(i);
      const std::string name(timeframe_name(tf));
      const char* p[] = {name.c_str()};
      if (auto e = exec(bar_statement(tf).c_str(), 1, p); !e.empty())
        return abandon(std::string("storing ") + bar_table(tf) + " bars: " + e);
    }
  }
  if (!detections.empty()) {
    if (auto e = write_detections(detections); !e.empty()) return abandon(e);
  }
  if (auto e = exec("!COMMIT", 0, nullptr); !e.empty()) return abandon("write: " + e);
  return {};
}

std::string PgWriter::write_detections(std::span<const DetectionRow> detections) {
  // Pipelined: every row sent before any answer is read. The first error names its row.
  if (PQenterPipelineMode(conn_) != 1) return "entering pipeline mode: " + pg_message(conn_);
  std::vector<std::string> what;
  bool queued = true;
  auto send = [&](const char* stmt, std::span<const std::string> params, std::string label) {
    std::array<const char*, 12> values{};
    for (std::size_t i = 0; i < params.size(); ++i) values[i] = params[i].c_str();
    if (PQsendQueryPrepared(conn_, stmt, static_cast<int>(params.size()), values.data(), nullptr,
                            nullptr, 0) != 1)
      return false;
    what.push_back(std::move(label));
    return true;
  };
  for (std::size_t i = 0; queued && i < detections.size(); ++i) {
    const PatternEvent& e = detections[i].event;
    const std::string name(pattern_info(e.pattern).talib_name);
    const std::string label = "detection " + std::string(e.symbol.name()) + " " + name;
    if (e.retracted) {
      const std::array<std::string, 5> p{std::string(e.symbol.name()), micros(e.bar_start),
                                         std::string(timeframe_name(e.timeframe)), name,
                                         std::to_string(e.revision)};
      queued = send("retract", p, label);
    } else {
      const std::array<std::string, 10> p{std::string(e.symbol.name()),
                                          micros(e.bar_start),
                                          std::string(timeframe_name(e.timeframe)),
                                          name,
                                          std::to_string(e.output),
                                          std::string(direction_name(e.direction)),
                                          num(e.confidence),
                                          num(detections[i].price),
                                          num(detections[i].volume),
                                          std::to_string(e.revision)};
      queued = send("detection", p, label);
    }
  }
  if (PQpipelineSync(conn_) != 1) queued = false;
  std::string error;
  std::size_t k = 0;
  bool synced = !queued;
  while (!synced) {
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      continue;  // end of one statement's results
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      synced = true;
    } else {
      if (st == PGRES_FATAL_ERROR && error.empty())
        error = (k < what.size() ? what[k] : std::string("detections")) + ": " +
                PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
      ++k;
    }
    PQclear(r);
  }
  if ((!queued || !synced) && error.empty()) error = "detections: " + pg_message(conn_);
  if (synced) PQexitPipelineMode(conn_);
  return error;
}

}  // namespace tickstock::detail
