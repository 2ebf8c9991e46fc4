// docs/redis-events.md is true: every documented example parses, each outbound channel carries
// payloads with exactly the example's fields and types (in order), and the documented inbound
// messages are accepted by serve.
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/redis_sink.h"

#include "app/app_process.h"
#include "app/app_support.h"
#include "redis/reports.h"
#include "support/json_test.h"
#include "support/redis_collector.h"
#include "support/redis_test.h"
#include "support/test_paths.h"

using simdjson::dom::element;
using simdjson::dom::element_type;
using tickstock::RedisChannels;
using tickstock::test::Json;

namespace {

// The ```json blocks of the document under each "### `name` ..." heading, by that first name.
std::map<std::string, std::vector<std::string>> documented_examples(std::string& text) {
  std::ifstream in(tickstock::test::redis_doc());
  std::stringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream lines(text);
  std::string line, heading, block;
  bool in_block = false;
  static const std::regex named(R"(^### [^`]*`([^`]+)`)");
  for (std::smatch m; std::getline(lines, line);) {
    if (in_block) {
      if (line == "```") {
        out[heading].push_back(block);
        in_block = false;
      } else {
        block += line;
      }
    } else if (line == "```json") {
      in_block = true;
      block.clear();
    } else if (std::regex_search(line, m, named)) {
      heading = m[1];
    }
  }
  return out;
}

// "number" for every kind of number, else the JSON type.
std::string kind(element e) {
  switch (e.type()) {
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "bool";
    case element_type::OBJECT:
      return "object";
    case element_type::ARRAY:
      return "array";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

// "key:kind" in order; for a nested object, "key:{kind of its values}" (its keys vary).
std::vector<std::string> shape(element root) {
  std::vector<std::string> s;
  for (const auto field : simdjson::dom::object(root)) {
    std::string k = std::string(field.key) + ":" + kind(field.value);
    if (field.value.type() == element_type::OBJECT) {
      std::set<std::string> kinds;
      for (const auto inner : simdjson::dom::object(field.value)) kinds.insert(kind(inner.value));
      k += "{";
      for (const auto& x : kinds) k += x + ";";
      k += "}";
    }
    s.push_back(k);
  }
  return s;
}

// The keys of a nested object.
std::set<std::string> keys(element object) {
  std::set<std::string> k;
  for (const auto field : simdjson::dom::object(object)) k.insert(std::string(field.key));
  return k;
}

const std::regex kIsoMicros(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$)");

}  // namespace

TEST_CASE("serve's Redis payloads and inputs match docs/redis-events.md", "[app][serve][redis]") {
  TICKSTOCK_SKIP_WITHOUT_REDIS();
  std::string text;
  const auto doc = documented_examples(text);
  const RedisChannels named;  // the documented (default) names
  const std::string prefix = tickstock::test::unique_prefix("docs");
  const RedisChannels ch(prefix);
  auto to_prefix = [&](const std::string& c) { return prefix + c.substr(9); };  // "tickstock"
  tickstock::test::RedisCollector collector(tickstock::test::redis_host(),
                                            tickstock::test::redis_port(),
                                            tickstock::test::published_channels(ch));
  const std::string url = "redis://" + tickstock::test::redis_host() + ":" +
                          std::to_string(tickstock::test::redis_port()) + "/0";

  // Engine events from a synthetic run.
  const auto run = tickstock::test::run_app(
      "serve --feed synthetic --speed max --synthetic-minutes 300 --synthetic-symbols 5 --seed 9 "
      "--scenario volatile --exit-on-eof --redis-bars --redis-prefix " +
          prefix,
      "env -u DATABASE_URL REDIS_URL=" + url);
  REQUIRE(run.exit_code == 0);

  // The inbound examples, a bad tick, health and metrics from a live run.
  tickstock::test::AppProcess app(
      {"serve", "--feed", "redis", "--redis-prefix", prefix, "--metrics-interval-ms", "100"},
      {{"REDIS_URL", url}, {"DATABASE_URL", ""}});
  tickstock::test::RedisCommands redis(tickstock::test::redis_host(),
                                       tickstock::test::redis_port());
  for (int i = 0; i < 400 && (redis.subscribers(ch.ticks_raw) == 0 ||
                              redis.subscribers(ch.jobs_data_load) == 0);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto& ticks = doc.at(named.ticks_raw);
  const auto& jobs = doc.at(named.jobs_backtest);
  REQUIRE(ticks.size() == 2);
  REQUIRE(jobs.size() == 2);
  for (const auto& t : ticks) redis.run({"PUBLISH", ch.ticks_raw, t});
  redis.run(
      {"PUBLISH", ch.ticks_legacy, R"({"ticker":"AAPL","price":-1,"volume":1,"timestamp":1})"});
  redis.run({"PUBLISH", ch.jobs_backtest, jobs[0]});
  redis.run({"PUBLISH", ch.jobs_data_load, jobs[1]});
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few metrics reports
  app.signal(SIGTERM);
  REQUIRE(app.wait() == 0);
  INFO(app.err());

  // What only the library publishes for now (or rarely happens in a run).
  {
    tickstock::RedisSinkOptions o;
    o.host = tickstock::test::redis_host();
    o.port = tickstock::test::redis_port();
    o.prefix = prefix;
    tickstock::SystemClock wall;
    tickstock::RedisSink sink(o, wall);
    tickstock::SymbolTable symbols;
    tickstock::ScanResult r;
    r.bar.symbol = symbols.intern("AAPL");
    r.bar.timeframe = tickstock::Timeframe::M5;
    r.bar.start = 1704205800LL * tickstock::kNanosPerSecond;
    r.bar.close = 186.42;
    r.bar.volume = 152300;
    r.values.fill(std::numeric_limits<double>::quiet_NaN());
    sink.on_scan(r);
    tickstock::PatternEvent p;
    p.symbol = r.bar.symbol;
    p.timeframe = r.bar.timeframe;
    p.bar_start = r.bar.start;
    p.pattern = tickstock::PatternId::Engulfing;
    p.output = 100;
    p.direction = tickstock::PatternDirection::Bullish;
    p.confidence = 0.8312;
    sink.on_pattern(p);
    p.revision = 1;
    p.output = 0;
    p.confidence = 0;
    p.retracted = true;
    sink.on_pattern(p);
    tickstock::AlertEvent a;
    a.symbol = r.bar.symbol;
    a.timeframe = r.bar.timeframe;
    a.bar_start = r.bar.start;
    a.kind = tickstock::AlertKind::RsiOversold;
    a.value = 17.9;
    a.level = 30;
    sink.on_alert(a);
    publish_report(sink, tickstock::app::BacktestProgress{17, 0.25, "AAPL: 63 of 250 bars", "bt-7",
                                                          "AAPL", 1, 3, 63, 250, 0, 2});
    publish_report(sink,
                   tickstock::app::BacktestResult{
                       17,
                       "done",
                       {{"signals", 9078}, {"cells", 1340}},
                       "",
                       "bt-7",
                       R"({"signals":9078,"cells":1340,"significant":2,"tested":478,"bars":4600,)"
                       R"("top":[{"pattern":"CDLHAMMER","symbol":"ALL","timeframe":"1d",)"
                       R"("direction":"bullish","horizon":5,"n_eff":61,"mean":0.0123,)"
                       R"("excess":0.0101,"q":0.04}],"strategy":null})",
                       "9c1f0e4d2b7a6358"});
    REQUIRE(sink.flush_for(std::chrono::seconds(10)));
  }
  const auto got = tickstock::test::by_channel(collector.finish());

  // Every outbound channel of the document: an example, and payloads shaped like it.
  int checked = 0;
  for (const std::string& c : tickstock::test::published_channels(named)) {
    INFO("channel " << c);
    REQUIRE(doc.count(c) == 1);
    const Json example(doc.at(c).front());
    REQUIRE(got.count(to_prefix(c)) == 1);
    const auto& payloads = got.at(to_prefix(c));
    std::set<std::string> event_types;
    for (std::size_t i = 0; i < payloads.size(); i += 1 + payloads.size() / 200) {
      INFO(payloads[i]);
      const Json j(payloads[i]);
      CHECK(shape(j.root()) == shape(example.root()));
      CHECK(j.integer("schema_version") == example.integer("schema_version"));
      CHECK(j.str("source") == example.str("source"));
      CHECK(std::regex_match(j.str("timestamp"), kIsoMicros));
      if (j.has("bar_start")) CHECK(std::regex_match(j.str("bar_start"), kIsoMicros));
      if (j.has("components")) CHECK(keys(j["components"]) == keys(example["components"]));
      if (j.has("queue_depths")) CHECK(keys(j["queue_depths"]) == keys(example["queue_depths"]));
      event_types.insert(j.str("event_type"));
    }
    CHECK(event_types.count(example.str("event_type")) == 1);
    ++checked;
  }
  CHECK(checked == 13);
  // The examples' own timestamps have the documented form too.
  for (const auto& [name, blocks] : doc) {
    for (const auto& b : blocks) {
      const Json j(b);  // every example is JSON
      if (j.has("schema_version")) CHECK(std::regex_match(j.str("timestamp"), kIsoMicros));
    }
  }
  // Every channel the table names is one of RedisChannels' names.
  const std::set<std::string> all{named.patterns,
                                  named.patterns_streaming,
                                  named.patterns_detected,
                                  named.indicators,
                                  named.alerts,
                                  named.alerts_critical,
                                  named.backtest_progress,
                                  named.backtest_results,
                                  named.health,
                                  named.monitoring,
                                  named.errors,
                                  named.bars,
                                  named.jobs_ack,
                                  named.stream};
  static const std::regex row(R"(^\| `([^`]+)` \|)");
  std::istringstream lines(text);
  int rows = 0;
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row) && m[1].str().rfind("tickstock", 0) == 0) {
      CHECK(all.count(m[1]) == 1);
      ++rows;
    }
  }
  CHECK(rows == 14);

  // The documented inbound messages were accepted: their bars, the job answers.
  const std::string out = app.out();
  CHECK(
      out.find(R"("symbol":"AAPL","timeframe":"1m","start":"2024-01-02T14:30:00Z","open":189.5)") !=
      std::string::npos);
  CHECK(out.find(R"("symbol":"MSFT","timeframe":"1m","start":"2024-01-02T14:30:00Z","open":370)") !=
        std::string::npos);
  REQUIRE(got.count(ch.jobs_ack) == 1);
  for (const auto& ack : got.at(ch.jobs_ack)) CHECK(Json(ack).boolean("accepted"));
  CHECK(got.at(ch.jobs_ack).size() == 2);
  CHECK(app.err().find("1 bad input records") != std::string::npos);
}
