// PostgreSQL figures, on a throwaway database made on the server of DATABASE_URL (its role
// must be allowed to create databases): bars per second through PgSink, the time from a bar's
// close to its row being visible when 5,000 symbols close together, and import rows per second.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench.h"

#ifdef TICKSTOCK_BENCH_PG
#include "tickstock/calendar.h"
#include "tickstock/pg_sink.h"

#include "db/bar_import.h"
#include "db/pg_util.h"
#include "db/schema.h"
#endif

namespace tickstock::bench {

#ifndef TICKSTOCK_BENCH_PG
void bench_pg(const Config&) { std::fprintf(stderr, "pg: built without the app; skipped\n"); }
#else
namespace {

using app::pg_connect;
using tickstock::pg_exec;

// A database of its own for the figures, with the current schema; dropped at the end.
class BenchDatabase {
 public:
  explicit BenchDatabase(std::string admin) : admin_(std::move(admin)) {
    const auto slash = admin_.rfind('/');
    if (slash == std::string::npos || admin_.find("://") == std::string::npos)
      die("DATABASE_URL must be a postgresql:// URL");
    name_ = "tickstock_bench_" + std::to_string(getpid());
    url_ = admin_.substr(0, slash + 1) + name_;
    admin_exec("DROP DATABASE IF EXISTS " + name_);
    admin_exec("CREATE DATABASE " + name_);
    if (auto r = app::migrate(url_); !r) die(r.error().message);
  }
  ~BenchDatabase() { admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;
  const std::string& url() const { return url_; }
  // Runs `sql` on the bench database and returns the first value of the first row.
  std::string query(const std::string& sql) const {
    auto c = pg_connect(url_);
    if (!c) die(c.error().message);
    auto r = pg_exec(c->get(), sql, "bench");
    if (!r) die(r.error().message);
    return PQntuples(r->get()) > 0 ? PQgetvalue(r->get(), 0, 0) : "";
  }

  [[noreturn]] static void die(const std::string& why) {
    std::fprintf(stderr, "pg bench: %s\n", why.c_str());
    std::exit(1);
  }

 private:
  void admin_exec(const std::string& sql) const {
    auto c = pg_connect(admin_);
    if (!c) die(c.error().message);
    PQsetNoticeProcessor(
        c->get(), [](void*, const char*) {}, nullptr);  // "does not exist"
    if (auto r = pg_exec(c->get(), sql, "bench"); !r) die(r.error().message);
  }
  std::string admin_, name_, url_;
};

// NOLINTNEXTLINE(cert-err58-cpp): parses a literal; it cannot fail at run time.
const Timestamp kDay = *parse_timestamp("2024-03-04T14:30:00Z");

// `minutes` minutes of 1-minute bars for `syms`, minute by minute as an engine emits them.
std::vector<Bar> minute_bars(const std::vector<Symbol>& syms, int minutes, int first_minute = 0) {
  std::vector<Bar> bars;
  bars.reserve(syms.size() * static_cast<std::size_t>(minutes));
  for (int m = first_minute; m < first_minute + minutes; ++m) {
    for (std::size_t i = 0; i < syms.size(); ++i) {
      Bar b;
      b.symbol = syms[i];
      b.start = kDay + m * kNanosPerMinute;
      b.open = 100.0 + static_cast<double>(i % 97) + m * 0.01;
      b.high = b.open + 0.25;
      b.low = b.open - 0.25;
      b.close = b.open + 0.05;
      b.volume = 1000 + static_cast<double>((i * 7 + static_cast<std::size_t>(m)) % 500);
      b.vwap = b.open;
      b.trade_count = 12;
      bars.push_back(b);
    }
  }
  return bars;
}

std::vector<Symbol> make_symbols(SymbolTable& table, int n) {
  std::vector<Symbol> syms;
  for (int i = 0; i < n; ++i) syms.push_back(table.intern("P" + std::to_string(i)));
  return syms;
}

// Bars per second through PgSink: every bar pushed, then flushed; the time covers both.
void bars_through_sink(const Config& c, const BenchDatabase& db) {
  SymbolTable table;
  const auto syms = make_symbols(table, c.smoke ? 20 : 500);
  auto bars = minute_bars(syms, c.smoke ? 10 : 400);
  std::vector<double> fresh, revised;
  for (int r = 0; r < std::max(1, c.runs / 2); ++r) {
    db.query(std::string("TRUNCATE ") + bar_table(Timeframe::M1));
    PgSinkOptions o;
    o.url = db.url();
    o.memory_limit = bars.size() * 128;
    for (int pass = 0; pass < 2; ++pass) {
      PgSink sink(o);
      for (Bar& b : bars) b.revision = static_cast<std::uint32_t>(pass);
      const double s = time_once([&] {
        for (const Bar& b : bars) sink.on_bar(b);
        if (!sink.flush_for(std::chrono::minutes(5))) BenchDatabase::die("flush timed out");
      });
      const PgSinkStats st = sink.stats();
      if (st.bars != bars.size() || st.refused + st.dropped != 0)
        BenchDatabase::die("PgSink wrote " + std::to_string(st.bars) + " of " +
                           std::to_string(bars.size()) + " bars: " + st.last_error);
      (pass == 0 ? fresh : revised).push_back(s);
    }
  }
  if (db.query(std::string("SELECT count(*) FROM ") + bar_table(Timeframe::M1) +
               " WHERE revision = 1") != std::to_string(bars.size()))
    BenchDatabase::die("the revisions were not all stored");
  report("pg_sink_bars_new", bars.size(), fresh);
  report("pg_sink_bars_revised", bars.size(), revised);
}

// 5,000 symbols close a minute together: time from each bar's on_bar to its row being visible
// to another connection. Batches commit in the order the bars were given, so once the k-th
// bar's row is visible all before it are: the poller finds the newest visible row by primary
// key lookups (a binary search), taking the time when each lookup returns.
void close_to_visible(const Config& c, const BenchDatabase& db) {
  SymbolTable table;
  const int nsym = c.smoke ? 50 : 5000;
  const int minutes = c.smoke ? 2 : 20;
  const auto syms = make_symbols(table, nsym);
  PgSinkOptions o;
  o.url = db.url();
  PgSink sink(o);
  auto poller = pg_connect(db.url());
  if (!poller) BenchDatabase::die(poller.error().message);
  {
    const std::string sql = std::string("SELECT 1 FROM ") + bar_table(Timeframe::M1) +
                            " WHERE symbol = $1 AND ts = timestamptz 'epoch' + $2::bigint * "
                            "interval '1 microsecond'";
    PGresult* r = PQprepare(poller->get(), "row", sql.c_str(), 2, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) BenchDatabase::die(PQerrorMessage(poller->get()));
    PQclear(r);
  }
  // The symbols exist before the first burst, as they do after a day's first minute.
  for (const Bar& b : minute_bars(syms, 1, -1)) sink.on_bar(b);
  sink.flush();
  using Clock = std::chrono::steady_clock;
  std::vector<double> latencies_ms;
  std::uint64_t lookups = 0;
  for (int m = 0; m < minutes; ++m) {
    const auto bars = minute_bars(syms, 1, m);
    const std::string micros = std::to_string(bars[0].start / 1000);
    auto is_visible = [&](std::size_t k) {
      const std::string name(bars[k].symbol.name());
      const char* params[] = {name.c_str(), micros.c_str()};
      PGresult* r = PQexecPrepared(poller->get(), "row", 2, params, nullptr, nullptr, 0);
      if (PQresultStatus(r) != PGRES_TUPLES_OK) BenchDatabase::die(PQerrorMessage(poller->get()));
      const bool found = PQntuples(r) == 1;
      PQclear(r);
      ++lookups;
      return found;
    };
    std::vector<Clock::time_point> pushed(bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) {
      pushed[i] = Clock::now();
      sink.on_bar(bars[i]);
    }
    std::size_t visible = 0;  // rows [0, visible) are visible
    while (visible < bars.size()) {
      if (!is_visible(visible)) continue;
      std::size_t lo = visible, hi = bars.size() - 1;  // lo is visible; find the last that is
      while (lo < hi) {
        const std::size_t mid = lo + (hi - lo + 1) / 2;
        if (is_visible(mid)) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      const auto now = Clock::now();
      for (; visible <= lo; ++visible)
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(now - pushed[visible]).count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size())))];
  };
  std::printf(
      "{\"name\":\"pg_bar_close_to_visible_ms\",\"symbols\":%d,\"minutes\":%d,\"p50\":%.2f,"
      "\"p99\":%.2f,\"max\":%.2f,\"lookups\":%llu}\n",
      nsym, minutes, pct(0.5), pct(0.99), latencies_ms.back(),
      static_cast<unsigned long long>(lookups));
  std::fflush(stdout);
}

// Rows per second through `tickstockapp import` into an empty ohlcv_1min.
void import_rows(const Config& c, const BenchDatabase& db) {
  char path[] = "/tmp/tickstock-bench-import-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) BenchDatabase::die("mkstemp failed");
  std::FILE* f = fdopen(fd, "w");
  std::fputs("ts,symbol,open,high,low,close,volume\n", f);
  SymbolTable table;
  const auto syms = make_symbols(table, c.smoke ? 20 : 1000);
  const auto bars = minute_bars(syms, c.smoke ? 10 : 1000);
  for (const Bar& b : bars) {
    const std::string ts = format_iso8601(b.start);
    std::fprintf(f, "%s,%.*s,%.2f,%.2f,%.2f,%.2f,%.0f\n", ts.c_str(),
                 static_cast<int>(b.symbol.name().size()), b.symbol.name().data(), b.open, b.high,
                 b.low, b.close, b.volume);
  }
  std::fclose(f);
  std::vector<double> secs;
  for (int r = 0; r < std::max(1, c.runs / 2); ++r) {
    db.query(std::string("TRUNCATE ") + bar_table(Timeframe::M1));
    app::ImportOptions o;
    o.url = db.url();
    o.path = path;
    Result<app::ImportReport> rep = fail("not run");
    secs.push_back(time_once([&] { rep = app::import_bars(o, [](auto, auto, auto) {}); }));
    if (!rep) BenchDatabase::die(rep.error().message);
    if (rep->stored != bars.size()) BenchDatabase::die("import stored fewer rows than given");
  }
  std::remove(path);
  report("pg_import_rows", bars.size(), secs);
}

}  // namespace

void bench_pg(const Config& c) {
  const char* url = std::getenv("DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "pg: DATABASE_URL not set; PostgreSQL figures skipped\n");
    return;
  }
  BenchDatabase db(url);
  bars_through_sink(c, db);
  close_to_visible(c, db);
  import_rows(c, db);
}
#endif

}  // namespace tickstock::bench
