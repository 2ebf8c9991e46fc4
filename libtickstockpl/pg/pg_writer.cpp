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
  const std::string epoch = "(timestamptz 'epoch' + $2::bigint * interval '1 microsecond')";
  for (int i = 0; i < kTimeframeCount; ++i) {
    const auto tf = static_cast<Timeframe>(i);
    const std::string t = bar_table(tf);
    std::string sql;
    if (tf == Timeframe::D1) {
      sql =
          "INSERT INTO ohlcv_daily AS o (symbol, ts, trading_date, open, high, low, close, "
          "volume, vwap, trades, revision) VALUES ($1, " +
          epoch +
          ", $3::date, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (symbol, trading_date) "
          "DO UPDATE SET ts = EXCLUDED.ts, open = EXCLUDED.open, high = EXCLUDED.high, "
          "low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, vwap = "
          "EXCLUDED.vwap, trades = EXCLUDED.trades, revision = EXCLUDED.revision, updated_at "
          "= now() WHERE EXCLUDED.revision >= o.revision";
    } else {
      sql = "INSERT INTO " + t +
            " AS o (symbol, ts, session, open, high, low, close, volume, vwap, trades, "
            "revision) VALUES ($1, " +
            epoch +
            ", $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (symbol, ts) DO UPDATE SET "
            "session = EXCLUDED.session, open = EXCLUDED.open, high = EXCLUDED.high, low = "
            "EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, vwap = "
            "EXCLUDED.vwap, trades = EXCLUDED.trades, revision = EXCLUDED.revision, updated_at "
            "= now() WHERE EXCLUDED.revision >= o.revision";
    }
    if (auto r = prep(bar_statement(tf), sql); !r) return r;
  }
  if (auto r = prep("symbol",
                    "INSERT INTO symbols (symbol, auto_added) VALUES ($1, true) "
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
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1)
    return fail("entering pipeline mode: ", pg_message(conn_));
  // What each queued statement was, to name a failing one.
  std::vector<std::string> what;
  auto send = [&](const char* stmt, std::span<const std::string> params, std::string label) {
    std::array<const char*, 12> values{};
    for (std::size_t i = 0; i < params.size(); ++i) values[i] = params[i].c_str();
    if (PQsendQueryPrepared(conn_, stmt, static_cast<int>(params.size()), values.data(), nullptr,
                            nullptr, 0) != 1)
      return false;
    what.push_back(std::move(label));
    return true;
  };
  std::vector<std::string> new_symbols;
  auto symbol = [&](Symbol s) -> bool {
    std::string name(s.name());
    if (known_symbols_.count(name) != 0) return true;
    const std::array<std::string, 1> p{name};
    new_symbols.push_back(name);
    known_symbols_.insert(name);
    return send("symbol", p, "symbol " + name);
  };
  bool queued = true;
  for (const Bar& b : bars) {
    if (!(queued = symbol(b.symbol))) break;
    const std::string tf_or_session = b.timeframe == Timeframe::D1
                                          ? format_date(new_york_date(b.start))
                                          : std::string(session_name(b.session));
    const std::array<std::string, 11> p{std::string(b.symbol.name()),
                                        micros(b.start),
                                        tf_or_session,
                                        num(b.open),
                                        num(b.high),
                                        num(b.low),
                                        num(b.close),
                                        num(b.volume),
                                        num(b.vwap),
                                        std::to_string(b.trade_count),
                                        std::to_string(b.revision)};
    const std::string label = std::string(bar_table(b.timeframe)) + " " + p[0] + " " +
                              std::string(timeframe_name(b.timeframe)) + " bar " + p[1] + "us";
    if (!(queued = send(bar_statement(b.timeframe).c_str(), p, label))) break;
  }
  for (std::size_t i = 0; queued && i < detections.size(); ++i) {
    const PatternEvent& e = detections[i].event;
    if (!(queued = symbol(e.symbol))) break;
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
  // Read every result up to the sync; the first error wins.
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
    } else if (st == PGRES_FATAL_ERROR && error.empty()) {
      error = (k < what.size() ? what[k] : std::string("write")) + ": " +
              PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    }
    if (st != PGRES_PIPELINE_SYNC) ++k;
    PQclear(r);
  }
  if (!queued || !synced) error = "write: " + pg_message(conn_);
  if (!error.empty()) {
    for (const std::string& s : new_symbols) known_symbols_.erase(s);  // rolled back
    return fail(error);
  }
  return {};
}

}  // namespace tickstock::detail
