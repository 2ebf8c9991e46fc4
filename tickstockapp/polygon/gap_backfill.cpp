#include "polygon/gap_backfill.h"

#include <algorithm>

#include "tickstock/calendar.h"

#include "db/bar_store.h"
#include "db/pg_util.h"

namespace tickstock::app {

Result<GapBackfillReport> backfill_gaps(const GapBackfillOptions& o, PolygonRest& rest,
                                        SymbolTable& symbols, FeedQueue& out,
                                        const std::atomic<bool>& stop, Log& log) {
  auto conn = pg_connect(o.database_url);
  if (!conn) return conn.error();
  auto newest = newest_minutes(conn->get(), o.symbols);
  if (!newest) return newest.error();
  conn->reset();
  GapBackfillReport report;
  // The minute in progress is left to the live trades.
  const Timestamp last_complete = o.now - o.now % kNanosPerMinute - 1;
  std::vector<Bar> bars;
  for (const auto& [sym, stored] : *newest) {
    if (stop.load()) break;
    const Timestamp from = std::max(stored, o.now - o.max_gap);
    if (from > last_complete) continue;
    ++report.symbols;
    auto got = rest.aggregates(symbols, sym, Timeframe::M1, from, last_complete);
    if (!got) {
      ++report.failed;
      log.error("gap backfill: " + got.error().message);
      continue;
    }
    for (const Bar& b : *got)
      if (b.start >= from && b.start <= last_complete) bars.push_back(b);
  }
  // The engine's clock only moves forward: every symbol's minutes go in time order.
  std::stable_sort(bars.begin(), bars.end(),
                   [](const Bar& a, const Bar& b) { return a.start < b.start; });
  FeedBatch batch;
  for (const Bar& b : bars) {
    FeedItem item;
    item.kind = FeedItem::Kind::MinuteBar;
    item.bar = b;
    item.now = b.start + kNanosPerMinute;  // a minute bar is known once its minute is over
    batch.push_back(item);
    if (batch.size() == 4096) {
      if (!out.push(std::move(batch))) return report;
      batch = FeedBatch();
    }
  }
  if (!batch.empty() && !out.push(std::move(batch))) return report;
  report.bars = bars.size();
  return report;
}

}  // namespace tickstock::app
