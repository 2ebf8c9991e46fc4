// serve's exit summaries of the library's counters (aggregator, scanner, symbol table, Redis
// publisher), kept here so that the library stays free of the app's logging. The app's own
// stats types say theirs next to them (FeedLag, AmCrossCheck, JobListenerStats, PgSink's
// log_pg_summary, log_polygon_summary). Users and tests grep these lines: keep the wording.
#ifndef TICKSTOCKAPP_RUNTIME_SERVE_SUMMARY_H_
#define TICKSTOCKAPP_RUNTIME_SERVE_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "tickstock/bar_aggregator.h"
#include "tickstock/redis_sink.h"
#include "tickstock/scanner.h"
#include "tickstock/types.h"

#include "base/log.h"
#include "feeds/feed.h"

namespace tickstock::app {

// The "done: ..." line: what the feed produced, what the aggregator took and refused, what
// was written and what the queue dropped.
void log_done_summary(FeedStats& feed, const AggregatorStats& st, std::uint64_t bars_written,
                      std::uint64_t queue_dropped, Log& log);
// How many symbols the run took, and how many records it refused for --max-symbols.
void log_symbols_summary(const SymbolTable& symbols, Log& log);
// What the warm start left behind (only when something was).
void log_warm_start_summary(const AggregatorStats& st, Log& log);
void log_scanner_summary(const ScannerStats& sc, Log& log);
// Why the Redis publisher drops, with what to do about it.
std::string redis_drop_hint(std::size_t buffer);
// The exit summary of the Redis publisher; an error line when anything was not published,
// saying why.
void log_redis_summary(const RedisSinkStats& st, std::size_t buffer, Log& log);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_RUNTIME_SERVE_SUMMARY_H_
