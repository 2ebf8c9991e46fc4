// ServeRuntime in-process: the pipeline serve runs (feed -> queue -> engine -> sinks), built
// from a ServeConfig with collecting sinks in place of PostgreSQL and Redis, checked against
// the `aggregate` command and against the aggregator and scanner run directly on the ticks.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/bar_aggregator.h"
#include "tickstock/clock.h"
#include "tickstock/csv_reader.h"
#include "tickstock/scanner.h"

#include "app/app_support.h"
#include "base/error_reporter.h"
#include "feeds/feed_control.h"
#include "polygon/conditions.h"
#include "polygon/polygon_feed.h"
#include "runtime/serve_config.h"
#include "runtime/serve_runtime.h"
#include "settings/settings.h"
#include "sinks/bar_output.h"
#include "support/test_support.h"

namespace {

using namespace tickstock;
using namespace tickstock::app;

std::string ticks_small() { return tickstock::test::data_dir() + "/ticks_small.csv"; }

// serve's config from its flags, with every service off whatever the environment says (CI
// sets DATABASE_URL and REDIS_URL): the run is entirely in memory.
ServeConfig config(std::vector<std::string> args) {
  Settings s;
  declare_serve_settings(s);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  REQUIRE(s.parse(static_cast<int>(argv.size()), argv.data()));
  auto c = parse_serve_config(s, {});
  REQUIRE(c);
  c->database_url.clear();
  c->redis_url.clear();
  c->redis.reset();
  c->web.reset();
  return std::move(*c);
}

// (symbol, timeframe, bar start, pattern, output, retracted) of every pattern event.
using PatternKey = std::tuple<std::string, int, Timestamp, int, int, bool>;

// Collects what the engine thread hands it; readable from the test thread.
class Collector final : public BarSink, public ScanSink {
 public:
  void on_bar(const Bar& b) override {
    std::lock_guard lock(mu_);
    bars_.push_back(b);
    names_.emplace_back(b.symbol.name());
  }
  void on_pattern(const PatternEvent& e) override {
    std::lock_guard lock(mu_);
    patterns_.emplace_back(std::string(e.symbol.name()), static_cast<int>(e.timeframe), e.bar_start,
                           static_cast<int>(e.pattern), e.output, e.retracted);
  }
  void flush() override { flushes_.fetch_add(1); }
  std::size_t bar_count() const {
    std::lock_guard lock(mu_);
    return bars_.size();
  }
  std::vector<PatternKey> patterns() const {
    std::lock_guard lock(mu_);
    return patterns_;
  }
  // The symbols of the bars, in order (the bars' Symbols die with the runtime's table).
  std::vector<std::string> names() const {
    std::lock_guard lock(mu_);
    return names_;
  }
  int flushes() const { return flushes_.load(); }

 private:
  mutable std::mutex mu_;
  std::vector<Bar> bars_;
  std::vector<std::string> names_;  // keeps each bar's symbol text with it
  std::vector<PatternKey> patterns_;
  std::atomic<int> flushes_{0};
};

// CSV text of a collector's bars, as `aggregate` prints them.
std::string csv_of(const CsvBarCollector& c) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(c.write(f));
  std::rewind(f);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  std::fclose(f);
  return out;
}

// The lines of `text`, sorted: bars of one minute close in the order the engine's clock
// reaches them, which may differ between a replay and `aggregate`.
std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string::size_type at = 0;
  for (auto nl = text.find('\n'); nl != std::string::npos; at = nl + 1, nl = text.find('\n', at))
    lines.push_back(text.substr(at, nl - at));
  std::sort(lines.begin(), lines.end());
  return lines;
}

// The lines of a file.
std::size_t line_count(std::FILE* f) {
  std::rewind(f);
  std::size_t n = 0;
  for (int ch; (ch = std::fgetc(f)) != EOF;) n += ch == '\n';
  return n;
}

// The aggregator and the scanner run directly on the ticks, as `aggregate` runs them.
std::vector<PatternKey> direct_patterns(const ServeConfig& c, std::size_t& bars) {
  SymbolTable symbols;
  auto reader = TickCsvReader::open(ticks_small(), symbols);
  REQUIRE(reader);
  (*reader)->set_max_disorder(c.aggregator.allowed_lateness);
  Collector got;
  ScanFanOut events;
  events.add(got);
  Scanner scanner(c.scanner, events);
  BarFanOut fan;
  fan.add(got);
  fan.add(scanner);
  ManualClock clock;
  BarAggregator agg(c.aggregator, clock, fan);
  Tick t;
  Error err;
  while ((*reader)->next(t, err) != ReadStatus::Eof) {
    if ((*reader)->latest() > clock.now()) clock.set((*reader)->latest());
    agg.on_tick(t);
  }
  agg.flush();
  bars = got.bar_count();
  return got.patterns();
}

}  // namespace

TEST_CASE("ServeRuntime: a replay in-process gives the bars and patterns of a direct run",
          "[runtime]") {
  ServeConfig c = config({"--feed", "replay:" + ticks_small(), "--speed", "max", "--exit-on-eof"});
  const ServeConfig reference = c;
  Collector got;
  CsvBarCollector minutes(Timeframe::M1);
  ServeHooks hooks;
  hooks.out = std::tmpfile();
  REQUIRE(hooks.out != nullptr);
  std::FILE* json = hooks.out;
  hooks.bar_sinks = {&got, &minutes};
  hooks.scan_sinks = {&got};
  Log log;
  // Lives to the end: the collected bars' symbols are its table's.
  ServeRuntime runtime(std::move(c), log, std::move(hooks));
  REQUIRE(runtime.start());
  CHECK_FALSE(runtime.stores());
  CHECK(runtime.feed_control() == nullptr);  // a replay has no run-time controls
  runtime.wait();
  CHECK_FALSE(runtime.keeps_serving());  // --exit-on-eof
  CHECK(runtime.finish() == 0);
  // The minute bars are those `tickstockapp aggregate` prints for the same ticks, to the digit.
  const auto agg = tickstock::test::run_app("aggregate --ticks " + ticks_small());
  REQUIRE(agg.exit_code == 0);
  CHECK(minutes.size() > 10);
  CHECK(sorted_lines(csv_of(minutes)) == sorted_lines(agg.out));
  // Every bar and pattern of the aggregator and scanner run directly reached the sinks.
  std::size_t direct_bars = 0;
  const auto want = direct_patterns(reference, direct_bars);
  CHECK(got.bar_count() == direct_bars);
  CHECK_FALSE(want.empty());
  CHECK(got.patterns() == want);
  // The JSON lines went to the hooked output: a line per bar and per pattern, and one per
  // alert (hence at least).
  CHECK(line_count(json) >= got.bar_count() + want.size());
  std::fclose(json);
}

TEST_CASE("ServeRuntime: stop() while the feed runs stops it, closes the open bars and flushes",
          "[runtime]") {
  // A synthetic feed at max speed never ends by itself.
  ServeConfig c = config({"--feed", "synthetic", "--speed", "max", "--synthetic-symbols", "3"});
  Collector got;
  ServeHooks hooks;
  hooks.out = std::tmpfile();
  REQUIRE(hooks.out != nullptr);
  std::FILE* json = hooks.out;
  hooks.bar_sinks = {&got};
  hooks.scan_sinks = {&got};
  Log log;
  {
    ServeRuntime runtime(std::move(c), log, std::move(hooks));
    REQUIRE(runtime.start());
    // Waits for the first bars (the engine is running), however long that takes.
    while (got.bar_count() < 50) std::this_thread::yield();
    runtime.stop();
    runtime.wait();
    CHECK_FALSE(runtime.keeps_serving());  // stopped: the run ends
    CHECK(runtime.finish() == 0);
  }
  CHECK(got.flushes() >= 1);  // the engine's final flush reached the sinks
  std::vector<std::string> names = got.names();
  const std::size_t bars = names.size();
  REQUIRE(bars >= 50);
  // Every symbol's bars reached the sinks.
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  CHECK(names.size() == 3);
  // The JSON output holds every bar the collector saw: nothing was lost at the stop.
  CHECK(line_count(json) >= bars);
  std::fclose(json);
}

namespace {

// A feed with run-time controls that records what reaches it; runs until stopped.
class ControlledFeed final : public Feed, public FeedControl {
 public:
  Result<void> run(FeedQueue& /*out*/, const std::atomic<bool>& stop) override {
    while (!stop.load()) std::this_thread::yield();
    return {};
  }
  std::string describe() const override { return "controlled test feed"; }
  bool event_time_clock() const override { return true; }
  void set_symbols(std::vector<std::string> symbols) override {
    std::lock_guard lock(mu_);
    symbols_ = std::move(symbols);
  }
  std::vector<std::string> subscribed() const override {
    std::lock_guard lock(mu_);
    return symbols_;
  }
  void set_gap_fill(bool on) override {
    gap_fill_calls.fetch_add(1);
    gap_fill = on;
  }
  std::atomic<int> gap_fill_calls{0};
  std::atomic<bool> gap_fill{true};

 private:
  mutable std::mutex mu_;
  std::vector<std::string> symbols_;
};

}  // namespace

TEST_CASE("ServeRuntime: the feed's controls reach the feed through FeedControl", "[runtime]") {
  auto feed = std::make_unique<ControlledFeed>();
  ControlledFeed& f = *feed;
  ServeHooks hooks;
  hooks.feed_control = feed.get();
  hooks.feed = std::move(feed);
  hooks.out = std::tmpfile();
  REQUIRE(hooks.out != nullptr);
  std::FILE* json = hooks.out;
  Log log;
  ServeRuntime runtime(config({"--feed", "synthetic"}), log, std::move(hooks));
  REQUIRE(runtime.start());
  // In memory, the run does not store: the runtime turned the gap fill off, once.
  CHECK(f.gap_fill_calls.load() == 1);
  CHECK_FALSE(f.gap_fill.load());
  REQUIRE(runtime.feed_control() == &f);
  runtime.feed_control()->set_symbols({"AAA", "BBB"});
  CHECK(f.subscribed() == std::vector<std::string>{"AAA", "BBB"});
  runtime.feed_control()->set_symbols({"*"});
  CHECK(runtime.feed_control()->subscribed() == std::vector<std::string>{"*"});
  runtime.stop();
  runtime.wait();
  CHECK(runtime.finish() == 0);
  std::fclose(json);
}

TEST_CASE("PolygonFeed: set_gap_fill decides whether the backfill runs before live", "[runtime]") {
  SymbolTable symbols;
  const ConditionTable conditions = ConditionTable::builtin();
  SystemClock wall;
  Log log;
  ErrorReporter errors(log);
  for (const bool on : {false, true}) {
    int ran = 0;
    PolygonFeedOptions o;
    o.ws_url = "ws://127.0.0.1:1/stocks";  // never reached: the run is stopped before
    o.api_key = "test";
    o.before_live = [&ran](FeedQueue&, const std::atomic<bool>&) { ++ran; };
    PolygonFeed feed(std::move(o), symbols, conditions, wall, errors, log);
    FeedControl& control = feed;
    control.set_gap_fill(on);
    FeedQueue q(4);
    const std::atomic<bool> stop{true};
    CHECK(feed.run(q, stop));
    CHECK(ran == (on ? 1 : 0));
  }
}
