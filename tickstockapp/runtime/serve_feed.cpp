#include "runtime/serve_feed.h"

#include <string>
#include <utility>
#include <vector>

#include "feeds/redis_feed.h"
#include "feeds/replay_feed.h"
#include "feeds/synthetic_feed.h"
#include "polygon/gap_backfill.h"
#include "polygon/rest_client.h"
#include "settings/redis_settings.h"

namespace tickstock::app {
namespace {

// Polygon's trade condition rules replace the built-in ones when the reference can be read.
void load_condition_reference(const RestOptions& ro, ConditionTable& conditions, Log& log) {
  PolygonRest rest(ro, log);
  auto t = rest.conditions();
  if (!t) {
    log.warn("polygon: trade condition rules: using the built-in table (" + t.error().message +
             ")");
    return;
  }
  conditions = *t;
  log.info("polygon: trade condition rules from Polygon's reference (" +
           std::to_string(conditions.size()) + " codes)");
}

// The gap backfill before live trades (see polygon/gap_backfill.h); failures are logged.
void run_gap_backfill(const std::string& url, const RestOptions& ro,
                      const std::vector<std::string>& universe, long long max_hours, Timestamp now,
                      SymbolTable& symbols, FeedQueue& q, const std::atomic<bool>& stop, Log& log) {
  GapBackfillOptions o;
  o.database_url = url;
  o.symbols = universe;
  o.now = now;
  o.max_gap = max_hours * kNanosPerHour;
  PolygonRest rest(ro, log);
  auto r = backfill_gaps(o, rest, symbols, q, stop, log);
  if (!r) {
    log.error("gap backfill: " + r.error().message + "; live trades only");
    return;
  }
  log.info("gap backfill: " + std::to_string(r->bars) + " minute bars of " +
           std::to_string(r->symbols) + " symbols fetched before live trades (" +
           std::to_string(r->failed) + " failed, " + std::to_string(rest.stats().requests) +
           " requests)");
}

MadeFeed make_polygon_feed(const ServeConfig& c, const FeedDeps& d) {
  const PolygonServeConfig& p = *c.polygon;
  if (p.conditions_from_reference) load_condition_reference(p.rest, d.conditions, d.log);
  PolygonFeedOptions po = p.feed;
  if (p.gap_backfill_max_hours > 0) {
    // Runs only once the runtime has called set_gap_fill(true) (the run stores).
    po.before_live = [url = c.database_url, ro = p.rest, hours = p.gap_backfill_max_hours,
                      universe = p.feed.symbols, &symbols = d.symbols, &wall = d.wall,
                      &log = d.log](FeedQueue& q, const std::atomic<bool>& stop) {
      run_gap_backfill(url, ro, universe, hours, wall.now(), symbols, q, stop, log);
    };
  }
  auto pf = std::make_unique<PolygonFeed>(std::move(po), d.symbols, d.conditions, d.wall, d.errors,
                                          d.log);
  MadeFeed m;
  m.polygon = pf.get();
  m.control = pf.get();
  m.feed = std::move(pf);
  return m;
}

}  // namespace

MadeFeed make_serve_feed(const ServeConfig& c, const FeedDeps& d) {
  MadeFeed m;
  if (c.feed == "synthetic") {
    SyntheticOptions o;
    o.seed = static_cast<std::uint64_t>(c.seed);
    o.symbols = static_cast<int>(c.synthetic_symbols);
    o.scenario = c.scenario;
    o.inject_patterns = c.inject_patterns;
    o.speed = c.speed;
    o.minutes = c.synthetic_minutes;
    m.feed = std::make_unique<SyntheticFeed>(o, d.symbols, d.wall);
  } else if (c.feed == "redis") {
    const RedisChannels channels(c.redis->sink.prefix);
    SubscriptionOptions o;
    o.name = "redis feed";
    o.subscriber = subscriber_options(c.redis->address);
    o.subscriber.channels = {channels.ticks_raw, channels.ticks_legacy};
    m.feed = std::make_unique<RedisFeed>(o, d.symbols, d.wall, c.max_future, d.errors, d.log,
                                         d.connection_errors);
  } else if (c.polygon) {
    m = make_polygon_feed(c, d);
  } else {  // replay:FILE (parse_serve_config refused anything else)
    ReplayOptions o;
    o.path = c.feed.substr(7);
    o.speed = c.speed;
    o.lateness = c.aggregator.allowed_lateness;
    m.feed = std::make_unique<ReplayFeed>(o, d.symbols, d.log);
  }
  return m;
}

}  // namespace tickstock::app
