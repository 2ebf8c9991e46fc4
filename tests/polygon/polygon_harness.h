// The feed -> queue -> engine pipeline of `serve`, in process, against a FakePolygonServer; and
// the bars the same trades make when aggregated directly.
#ifndef TICKSTOCK_TESTS_POLYGON_POLYGON_HARNESS_H_
#define TICKSTOCK_TESTS_POLYGON_POLYGON_HARNESS_H_

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/clock.h"

#include "engine/engine_runner.h"
#include "polygon/polygon_feed.h"
#include "support/bar_collector.h"
#include "support/fake_polygon_server.h"
#include "support/test_support.h"

namespace tickstock::test {

// The final revision of every bar, by "symbol|timeframe|start".
inline std::map<std::string, Bar> final_bars(const std::vector<Bar>& bars) {
  std::map<std::string, Bar> out;
  for (const Bar& b : bars)
    out[std::string(b.symbol.name()) + "|" + std::string(timeframe_name(b.timeframe)) + "|" +
        std::to_string(b.start)] = b;
  return out;
}

// What differs between two sets of final bars ("" when they are the same).
inline std::string bar_differences(const std::map<std::string, Bar>& got,
                                   const std::map<std::string, Bar>& want) {
  std::string out;
  for (const auto& [k, w] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      out += "missing " + k + "\n";
      continue;
    }
    const Bar& g = it->second;
    if (g.open != w.open || g.high != w.high || g.low != w.low || g.close != w.close ||
        g.volume != w.volume || g.trade_count != w.trade_count || g.vwap != w.vwap)
      out += "differs " + k + "\n";
  }
  for (const auto& [k, g] : got)
    if (want.count(k) == 0) out += "extra " + k + "\n";
  return out;
}

// The bars of `trades` aggregated directly, as a replay does (clock = newest trade time). The
// bars' Symbols die with this function's table: use the keys for their names.
inline std::map<std::string, Bar> direct_bars(const std::vector<FakeTrade>& trades) {
  SymbolTable symbols;
  ManualClock clock(0);
  BarCollector sink;
  BarAggregator agg({}, clock, sink);
  Timestamp newest = 0;
  for (const auto& t : trades) {
    const Timestamp ts = t.t_ms * 1'000'000;
    newest = std::max(newest, ts);
    clock.set(newest);
    agg.on_tick({symbols.intern(t.sym), ts, ts, t.price, t.size, kTickNormal});
  }
  agg.flush();
  return final_bars(sink.bars);
}

// The trades for the session tests: two real tick files (AIG and IBM, 2013-10-07, ~50 k trades)
// merged in time order when TICKSTOCK_DATA_DIR is set (AIG alone under sanitizers), else a
// synthetic day of 4 symbols.
inline std::vector<FakeTrade> session_trades() {
  if (auto dir = real_data_dir()) {
    auto all = trades_from_csv(*dir + "/ticks/lean_trades_AIG_20131007.csv.gz");
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
    // Sanitizer builds take one file: each real-data session costs ~30 s there per 25 k trades.
    const auto ibm = trades_from_csv(*dir + "/ticks/lean_trades_IBM_20131007.csv.gz");
    all.insert(all.end(), ibm.begin(), ibm.end());
#endif
    std::stable_sort(all.begin(), all.end(),
                     [](const FakeTrade& a, const FakeTrade& b) { return a.t_ms < b.t_ms; });
    return all;
  }
  return synthetic_trades(4, 20'000);
}

// Symbols of `trades`, sorted.
inline std::vector<std::string> symbols_of(const std::vector<FakeTrade>& trades) {
  std::set<std::string> s;
  for (const auto& t : trades) s.insert(t.sym);
  return {s.begin(), s.end()};
}

class FeedPipeline {
 public:
  // Options for `server`, fast timings for tests.
  static app::PolygonFeedOptions options_for(const FakePolygonServer& server,
                                             std::vector<std::string> symbols) {
    app::PolygonFeedOptions o;
    o.ws_url = server.url();
    o.api_key = "fake-key-7Qw9";
    o.symbols = std::move(symbols);
    o.reconnect_min = std::chrono::milliseconds(20);
    o.reconnect_max = std::chrono::milliseconds(200);
    o.max_connections_wait = std::chrono::milliseconds(300);
    o.idle_timeout = std::chrono::milliseconds(2000);
    o.clock_interval = std::chrono::milliseconds(200);
    return o;
  }

  // `max_symbols`: the capacity of the symbol table (serve's --max-symbols).
  explicit FeedPipeline(app::PolygonFeedOptions o, std::size_t queue_batches = 4096,
                        std::size_t max_symbols = SymbolTable::kUnlimited)
      : symbols(max_symbols),
        queue(queue_batches),
        agg({}, engine_clock, sink),
        engine(queue, engine_clock, agg),
        feed(std::move(o), symbols, conditions, wall, errors, log) {}
  ~FeedPipeline() { finish(); }

  void start(bool with_engine = true) {
    feed_thread = std::thread([this] {
      result = feed.run(queue, stop_feed);
      feed_done = true;
    });
    if (with_engine) engine_thread = std::thread([this] { engine.run(stop_engine); });
  }
  // Waits until the feed has handed `items` items to the queue (or ended); true if it did.
  bool wait_items(std::uint64_t items,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return FakePolygonServer::wait_for(
               [&] { return feed.stats().items.load() >= items || feed_done.load(); }, timeout) &&
           feed.stats().items.load() >= items;
  }
  // Stops the feed, lets the engine drain the queue and close every bar.
  void finish() {
    stop_feed = true;
    if (feed_thread.joinable()) feed_thread.join();
    queue.close();
    if (engine_thread.joinable()) engine_thread.join();
  }

  SymbolTable symbols;
  app::ConditionTable conditions = app::ConditionTable::builtin();
  SystemClock wall;
  app::Log log;
  app::ErrorReporter errors{log};
  app::FeedQueue queue;
  ManualClock engine_clock{0};
  BarCollector sink;
  BarAggregator agg;
  app::EngineRunner engine;
  app::PolygonFeed feed;
  std::atomic<bool> stop_feed{false}, stop_engine{false}, feed_done{false};
  Result<void> result;
  std::thread feed_thread, engine_thread;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_POLYGON_POLYGON_HARNESS_H_
