#include "settings/pg_settings.h"

#include <cstdint>
#include <cstdio>

#include "base/services.h"
#include "db/schema.h"

namespace tickstock::app {
namespace {

// The URL the spill file's name is made from: as redact_url() gave it up to 1140768 (only a
// scheme://user:password@ password hidden), kept so that a spill file left by an earlier
// version is found again. Only its hash is ever used.
std::string spill_name_key(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

void declare_pg_settings(Settings& s) {
  s.add("--spill-dir", "TICKSTOCK_SPILL_DIR", "var/spill",
        "where events for PostgreSQL wait once memory is full (database down or behind) and "
        "what was not stored at exit is kept; empty = memory only");
  s.add("--pg-memory-mb", "TICKSTOCK_PG_MEMORY_MB", "64",
        "MiB of events for PostgreSQL held in memory before spilling (0: all through the "
        "spill file)");
  s.add("--spill-limit-mb", "TICKSTOCK_SPILL_LIMIT_MB", "1024",
        "MiB the spill file may hold; beyond it events are refused and counted");
  s.add("--pg-connections", "TICKSTOCK_PG_CONNECTIONS", "2",
        "connections writing to PostgreSQL in parallel (a symbol keeps to one)");
  s.add("--pg-flush-timeout-ms", "TICKSTOCK_PG_FLUSH_TIMEOUT_MS", "10000",
        "at the end of the feed and at exit, how long to wait for events not yet stored (what "
        "is left stays in the spill file)");
  s.add_switch("--no-store-indicators", "TICKSTOCK_NO_STORE_INDICATORS",
               "do not store indicator values (bars and detections only)");
  s.add("--warm-bars", "TICKSTOCK_WARM_BARS", "1000",
        "warm start: stored bars per symbol and timeframe scanned before the feed starts "
        "(all: every one; 0: start cold)");
}

Result<PgSinkOptions> pg_sink_options(const Settings& s, const std::string& url,
                                      ErrorReporter& errors, Log& log) {
  auto memory = s.get_int("--pg-memory-mb", 0, 1 << 20);
  if (!memory) return memory.error();
  auto limit = s.get_int("--spill-limit-mb", 1, 1 << 30);
  if (!limit) return limit.error();
  auto connections = s.get_int("--pg-connections", 1, 16);
  if (!connections) return connections.error();
  auto flush = s.get_int("--pg-flush-timeout-ms", 0, 3'600'000);
  if (!flush) return flush.error();
  if (s.get("--warm-bars") != "all")
    if (auto w = s.get_int("--warm-bars", 0, INT64_MAX); !w)
      return fail(w.error().message, " (or all)");
  PgSinkOptions o;
  o.url = libpq_url(url);
  o.memory_limit = static_cast<std::size_t>(*memory) << 20;
  o.spill_limit = static_cast<std::uint64_t>(*limit) << 20;
  o.connections = static_cast<int>(*connections);
  o.store_indicators = !s.on("--no-store-indicators");
  o.flush_timeout = std::chrono::milliseconds(*flush);
  if (const std::string& dir = s.get("--spill-dir"); !dir.empty()) {
    // FNV-1a of the URL as logged: the same database always finds its own file.
    std::uint64_t h = 1469598103934665603ull;
    for (const unsigned char ch : spill_name_key(url)) h = (h ^ ch) * 1099511628211ull;
    char name[32];
    std::snprintf(name, sizeof name, "pg-%012llx.spill",
                  static_cast<unsigned long long>(h & 0xffffffffffffull));
    o.spill_path = dir + "/" + name;
  }
  // libpq's messages may echo the connection string.
  o.log = [&errors, &log](bool error, const std::string& m) {
    if (error) {
      errors.report(Severity::Error, "postgres", redact_url(m));
    } else {
      log.warn(redact_url(m));
    }
  };
  return o;
}

void log_pg_summary(const PgSinkStats& st, const std::string& refused_path, ErrorReporter& errors,
                    Log& log) {
  std::string line =
      "postgres: " + std::to_string(st.bars) + " bars, " + std::to_string(st.detections) +
      " detections, " + std::to_string(st.indicator_rows) + " indicator rows written in " +
      std::to_string(st.batches) + " batches (" + std::to_string(st.replayed) +
      " from the spill file), " + std::to_string(st.spilled) + " spilled, " +
      std::to_string(st.kept_at_exit) + " kept for the next start, " +
      std::to_string(st.lost_at_exit) + " lost, " + std::to_string(st.refused) + " refused, " +
      std::to_string(st.dropped) + " dropped in " + std::to_string(st.failed_batches) +
      " failed batches, " + std::to_string(st.reconnects) + " reconnects";
  if (st.refused_rows > 0)
    line += "; " + std::to_string(st.refused_rows) + " rows refused by the database (" +
            std::to_string(st.refused_rows_kept) + " kept in " +
            (refused_path.empty() ? std::string("no file") : refused_path) + ")";
  if (st.spill_damaged_bytes > 0)
    line += "; " + std::to_string(st.spill_damaged_bytes) + " damaged spill bytes skipped";
  if (st.lost_at_exit + st.refused + st.dropped + st.refused_rows > 0) {
    errors.report(Severity::Error, "postgres",
                  line + " (last error: " + redact_url(st.last_error) + ")");
  } else if (st.kept_at_exit > 0) {
    log.warn(line);
  } else {
    log.info(line);
  }
}

void warm_start_from(const Settings& s, PgSink& sink, SymbolTable& symbols, Scanner& scanner,
                     BarAggregator& aggregator, Log& log) {
  WarmStartOptions o;
  const std::string& url = s.get("--database-url");
  const std::string& bars = s.get("--warm-bars");
  if (bars == "all") {
    o.bars_per_series = -1;
  } else {
    auto n = s.get_int("--warm-bars", 0, INT64_MAX);
    if (!n) {
      log.error(n.error().message + " (or all)");
      return;
    }
    if (*n == 0) return;
    o.bars_per_series = *n;
  }
  // Without the database now there is nothing to start from; the run goes on cold (and the
  // sink stores once it can).
  if (auto ok = check_postgres(url); !ok) {
    log.warn("warm start skipped: " + ok.error().message);
    return;
  }
  if (const auto backlog = sink.stats().backlog; backlog > 0) {
    log.info("warm start: first storing the " + std::to_string(backlog) +
             " events kept from the last run");
    if (!sink.flush_for(std::chrono::seconds(60))) {
      log.warn("warm start skipped: the events kept from the last run are not stored yet");
      return;
    }
  }
  const auto r = warm_start(url, o, symbols, scanner, aggregator);
  if (!r) {
    log.warn("warm start skipped: " + r.error().message);
    return;
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", r->seconds);
  log.info("warm start: " + std::to_string(r->series) + " series primed with " +
           std::to_string(r->bars) + " stored bars, open bars of " + std::to_string(r->symbols) +
           " symbols resumed from " + std::to_string(r->minutes) + " minutes, in " + secs + " s");
}

}  // namespace tickstock::app
