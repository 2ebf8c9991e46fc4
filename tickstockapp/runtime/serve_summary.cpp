#include "runtime/serve_summary.h"

#include "base/redact.h"

namespace tickstock::app {
namespace {

// " (too_late 3, bad_price 1)" for the non-zero reject counters.
std::string reject_detail(const AggregatorStats& st) {
  std::string out;
  for (int i = 0; i < kTickRejectCount; ++i) {
    if (st.rejected[i] == 0) continue;
    out += (out.empty() ? " (" : ", ") + std::string(tick_reject_name(static_cast<TickReject>(i))) +
           " " + std::to_string(st.rejected[i]);
  }
  return out.empty() ? out : out + ")";
}

}  // namespace

void log_done_summary(FeedStats& feed, const AggregatorStats& st, std::uint64_t bars_written,
                      std::uint64_t queue_dropped, Log& log) {
  std::uint64_t refused = 0;
  for (auto r : st.rejected) refused += r;
  log.info("done: " + std::to_string(feed.items.load()) + " feed items (" +
           std::to_string(st.ticks_in) + " trades and bars taken), " +
           std::to_string(st.ticks_used) + " ticks used, " + std::to_string(bars_written) +
           " bars written, " + std::to_string(st.revisions) + " revisions, " +
           std::to_string(refused) + " ticks refused" + reject_detail(st) + ", " +
           std::to_string(feed.bad_records.load()) + " bad input records, " +
           std::to_string(queue_dropped) + " items dropped at the queue");
}

void log_symbols_summary(const SymbolTable& symbols, Log& log) {
  const std::string line = "symbols: " + std::to_string(symbols.size()) + " of at most " +
                           std::to_string(symbols.capacity()) + " (--max-symbols), " +
                           std::to_string(symbols.refused()) +
                           " records with a new symbol refused beyond it";
  if (symbols.refused() > 0) {
    log.warn(line);
  } else {
    log.info(line);
  }
}

void log_warm_start_summary(const AggregatorStats& st, Log& log) {
  if (st.resumes_dropped > 0)
    log.info("warm start: " + std::to_string(st.resumes_dropped) +
             " symbols were replayed from before their stored bars; their open bars were rebuilt "
             "from the feed");
  if (st.carried_kept > 0)
    log.info("warm start: " + std::to_string(st.carried_kept) +
             " open bars carried over by the warm start took nothing in this run and were left "
             "open (not emitted); the next start resumes them");
}

void log_scanner_summary(const ScannerStats& sc, Log& log) {
  log.info("scanner: " + std::to_string(sc.bars) + " bars scanned, " +
           std::to_string(sc.revisions) + " revisions, " + std::to_string(sc.stale_revisions) +
           " stale revisions, " + std::to_string(sc.replayed_bars) +
           " bars not newer than their series' newest (replayed, not scanned), " +
           std::to_string(sc.patterns) + " patterns, " + std::to_string(sc.alerts) + " alerts, " +
           std::to_string(sc.retractions) + " retractions");
}

std::string redis_drop_hint(std::size_t buffer) {
  return "; raise --redis-buffer (now " + std::to_string(buffer) +
         ") to ride out longer Redis outages or bursts";
}

void log_redis_summary(const RedisSinkStats& st, std::size_t buffer, Log& log) {
  std::string line =
      "redis: " + std::to_string(st.accepted) + " events: " + std::to_string(st.published) +
      " published (" + std::to_string(st.messages) + " messages, " +
      std::to_string(st.stream_entries) + " stream entries), " + std::to_string(st.dropped) +
      " dropped, " + std::to_string(st.failed) + " failed, " + std::to_string(st.backlog) +
      " not published; " + std::to_string(st.reconnects) + " reconnects, " +
      std::to_string(st.connection_errors) + " connection errors";
  if (st.dropped + st.failed + st.backlog == 0) return log.info(line);
  if (st.dropped_buffer_full > 0)
    line += " (" + std::to_string(st.dropped_buffer_full) + " dropped: buffer full" +
            redis_drop_hint(buffer) + ")";
  if (st.dropped_reports_full > 0)
    line += " (" + std::to_string(st.dropped_reports_full) + " reports dropped: queue full)";
  if (!st.last_error.empty()) line += " (last error: " + redact_url(st.last_error) + ")";
  log.error(line);
}

}  // namespace tickstock::app
