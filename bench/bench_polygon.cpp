// Polygon figures: trade messages parsed per second on one core (frames of realistic trade
// messages through PolygonFrameParser, the socket reader's parser; timed in thread CPU time, so
// other work on the machine does not count against it).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "tickstock/backtest.h"
#include "tickstock/bar_aggregator.h"

#include "bench.h"
#include "engine/engine_runner.h"
#include "polygon/frame_parser.h"
#include "polygon/polygon_feed.h"
#include "support/fake_polygon_server.h"

namespace tickstock::bench {
namespace {

using app::ConditionTable;
using app::PolygonFrameParser;
using app::PolygonHandler;
using app::PolygonTradeInfo;

// Frames of `per_frame` trade messages as Polygon writes them (sym, i, x, p, s, c, t, q, z),
// a quarter with conditions, over 500 symbols.
std::vector<std::string> trade_frames(std::size_t messages, std::size_t per_frame) {
  std::mt19937_64 rng(11);
  std::vector<std::string> frames;
  std::string f;
  std::int64_t t = 1'700'000'000'000;
  std::uint64_t id = 52'983'525'029'461;
  for (std::size_t i = 0; i < messages; ++i) {
    if (f.empty()) f = "[";
    char msg[256];
    const auto sym = static_cast<int>(rng() % 500);
    const double price = 10.0 + static_cast<double>(rng() % 50'000) / 100.0;
    const char* conds = (rng() % 4) == 0 ? ",\"c\":[14,37]" : "";
    t += static_cast<std::int64_t>(rng() % 3);
    ++id;
    const int n = std::snprintf(
        msg, sizeof msg,
        "{\"ev\":\"T\",\"sym\":\"S%03d\",\"i\":\"%llu\",\"x\":%d,\"p\":%.2f,\"s\":%d%s,\"t\":%lld,"
        "\"q\":%llu,\"z\":%d}",
        sym, static_cast<unsigned long long>(id), static_cast<int>(rng() % 20), price,
        static_cast<int>(1 + rng() % 500), conds, static_cast<long long>(t),
        static_cast<unsigned long long>(id - 52'983'525'000'000), static_cast<int>(1 + rng() % 3));
    if (f.size() > 1) f += ',';
    f.append(msg, static_cast<std::size_t>(n));
    if ((i + 1) % per_frame == 0 || i + 1 == messages) {
      f += ']';
      frames.push_back(std::move(f));
      f.clear();
    }
  }
  return frames;
}

struct CountingHandler final : PolygonHandler {
  std::uint64_t trades = 0;
  double volume = 0;
  void on_trade(const Tick& t, const PolygonTradeInfo&) override {
    ++trades;
    volume += t.size;
  }
  void on_aggregate(const Bar&, bool) override {}
  void on_status(std::string_view, std::string_view) override {}
  void on_bad_input(std::string_view) override { trades = 0; }
};

void parse_figure(const Config& c) {
  const std::size_t messages = c.smoke ? 10'000 : 2'000'000;
  auto frames = trade_frames(messages, 100);
  std::size_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  // Configured as serve configures it: a symbol limit and the check of times ahead of arrival
  // (the frames arrive a second after their last trade).
  SymbolTable symbols(20'000);
  const ConditionTable conditions = ConditionTable::builtin();
  PolygonFrameParser parser(symbols, conditions);
  parser.set_max_future(5 * kNanosPerSecond);
  const Timestamp received =
      (1'700'000'000'000 + 3 * static_cast<Timestamp>(messages) + 1000) * 1'000'000;
  CountingHandler h;
  // As the socket reader does: each frame in a buffer with readable bytes after it.
  for (auto& f : frames) f.reserve(f.size() + PolygonFrameParser::kPadding);
  for (const auto& f : frames) (void)parser.parse(f, received, h);  // warm up: symbols, buffers
  std::vector<double> secs;
  for (int r = 0; r < c.runs; ++r) {
    h.trades = 0;
    secs.push_back(cpu_time_once([&] {
      for (const auto& f : frames) (void)parser.parse_padded(f.data(), f.size(), received, h);
    }));
    if (h.trades != messages) {
      std::fprintf(stderr, "bench polygon: parsed %llu of %zu trades\n",
                   static_cast<unsigned long long>(h.trades), messages);
      std::exit(1);
    }
  }
  report("polygon_trades_parsed", messages, secs);
  std::printf("{\"name\":\"polygon_trade_message_bytes\",\"mean\":%.1f}\n",
              static_cast<double>(bytes) / static_cast<double>(messages));
}

// Runs backtests of 61 patterns over 4 × 50,000 minute bars in memory until `stop`, as serve's
// job runner does: its thread at nice +10, the job on cores − 1 threads (at least 1).
void backtest_until(const std::atomic<bool>& stop, std::atomic<std::uint64_t>& runs) {
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  std::vector<SymbolBars> data;
  BacktestOptions o;
  for (int i = 0; i < 4; ++i) {
    data.push_back(
        {"J" + std::to_string(i), minute_walk(700 + static_cast<std::uint64_t>(i), 50'000)});
    o.symbols.push_back(data.back().symbol);
  }
  o.start = data[0].bars[100].start;
  o.end = data[0].bars.back().start;
  o.timeframes = {Timeframe::M1};
  o.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  o.warmup_bars = 100;
  o.keep_signals = false;
  auto source = make_vector_bar_source(data);
  auto plan = plan_backtest(o, *source);
  if (!plan) std::abort();
  while (!stop) {
    if (!run_backtest(*plan, o, *source, {}, &stop)) std::abort();
    ++runs;
  }
}

struct BarCounter final : BarSink {
  std::uint64_t bars = 0;
  void on_bar(const Bar&) override { ++bars; }
};

struct LagSamples final : app::LagRecorder {
  std::vector<Timestamp> ns;
  void record(Timestamp lag_ns) override { ns.push_back(lag_ns); }
};

// The live path over a real socket: the fake Polygon server on 127.0.0.1 streams trades in frames
// of 100 (paced, or as fast as it can), PolygonFeed reads and parses them into the FeedQueue, the
// engine thread applies them to the BarAggregator; per frame, the time from the frame's arrival
// (after the WebSocket read) to its trades being applied to the bars.
void latency_figure(const Config& c, const char* name, std::chrono::microseconds pause,
                    bool with_backtest = false) {
  const std::size_t n = c.smoke ? 20'000 : 1'000'000;
  test::FakePolygonOptions so;
  so.trades = test::synthetic_trades(100, n);
  so.per_frame = 100;
  so.frame_pause = pause;
  test::FakePolygonServer server(so);
  SymbolTable symbols;
  const ConditionTable conditions = ConditionTable::builtin();
  SystemClock wall;
  app::Log log;
  app::FeedQueue queue(1024);
  ManualClock clock(0);
  BarCounter sink;
  BarAggregator agg({}, clock, sink);
  app::EngineRunner engine(queue, clock, agg);
  LagSamples lag;
  lag.ns.reserve(n / 50);
  engine.set_lag_recorder(&wall, &lag);
  app::PolygonFeedOptions o;
  o.ws_url = server.url();
  o.api_key = so.api_key;
  o.symbols = {"*"};
  app::ErrorReporter errors(log);
  app::PolygonFeed feed(o, symbols, conditions, wall, errors, log);
  std::atomic<bool> stop_feed{false}, stop_engine{false};
  // A backtest job as serve runs one: on cores − 1 threads at nice +10, over and over.
  std::atomic<bool> stop_job{false};
  std::atomic<std::uint64_t> job_runs{0};
  std::thread job;
  if (with_backtest) job = std::thread([&] { backtest_until(stop_job, job_runs); });
  const auto t0 = std::chrono::steady_clock::now();
  std::thread feed_thread([&] { (void)feed.run(queue, stop_feed); });
  std::thread engine_thread([&] { engine.run(stop_engine); });
  while (feed.stats().items.load() + feed.polygon_stats().dropped_items.load() < n)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop_feed = true;
  feed_thread.join();
  queue.close();
  engine_thread.join();
  stop_job = true;
  if (job.joinable()) job.join();
  std::sort(lag.ns.begin(), lag.ns.end());
  auto pct = [&](double p) {
    return static_cast<double>(
               lag.ns[std::min(lag.ns.size() - 1,
                               static_cast<std::size_t>(p * static_cast<double>(lag.ns.size())))]) /
           1000.0;
  };
  std::printf(
      "{\"name\":\"%s\",\"frames\":%zu,\"trades\":%zu,"
      "\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"trades_per_s\":%.0f,\"dropped\":%llu,"
      "\"backtests_run\":%llu}\n",
      name, lag.ns.size(), n, pct(0.5), pct(0.99), static_cast<double>(lag.ns.back()) / 1000.0,
      static_cast<double>(n) / secs,
      static_cast<unsigned long long>(feed.polygon_stats().dropped_items.load()),
      static_cast<unsigned long long>(job_runs.load()));
  std::fflush(stdout);
}

}  // namespace

void bench_polygon(const Config& c) {
  parse_figure(c);
  // 2,000 frames/s of 100 trades (200 k trades/s, a busy open for a few thousand symbols).
  latency_figure(c, "polygon_frame_to_bar_update_us", std::chrono::microseconds(500));
  // The same while a backtest job runs beside it (serve's runner: nice +10, cores − 1 threads).
  latency_figure(c, "polygon_frame_to_bar_update_us_with_backtest", std::chrono::microseconds(500),
                 true);
  // As fast as the server can write: the queue's behaviour when the engine falls behind.
  latency_figure(c, "polygon_frame_to_bar_update_us_saturated", std::chrono::microseconds(0));
}

}  // namespace tickstock::bench
