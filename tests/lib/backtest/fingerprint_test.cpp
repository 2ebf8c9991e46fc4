// The data fingerprint of results.json: our SHA-256 against OpenSSL's and the FIPS 180-4
// examples, and a report's fingerprint recomputed here from the bars with OpenSSL.
#include <algorithm>
#include <openssl/sha.h>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"

#include "backtest/sha256.h"
#include "support/split_mix64.h"

using namespace tickstock;
using tickstock::backtest::Sha256;

namespace {

std::string hex(const unsigned char* d, std::size_t n) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[d[i] >> 4];
    out += kDigits[d[i] & 15];
  }
  return out;
}

std::string ours(const std::string& text, bool hardware) {
  Sha256 h(hardware);
  h.update(text.data(), text.size());
  return h.hex();
}

}  // namespace

TEST_CASE("sha256: the FIPS 180-4 examples, and OpenSSL on every length to 300 bytes",
          "[backtest]") {
  // Both implementations: the portable one, and SHA-NI where this CPU has it.
  const bool hardware = GENERATE(false, true);
  INFO("hardware " << hardware << ", available " << Sha256::hardware_available());
  CHECK(ours("", hardware) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ours("abc", hardware) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ours("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hardware) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million(hardware);
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.update(a.data(), a.size());
  CHECK(million.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  tickstock::test::SplitMix64 rng{3};
  std::string text;
  for (int n = 0; n <= 300; ++n) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d);
    INFO(n);
    CHECK(ours(text, hardware) == hex(d, sizeof d));
    Sha256 pieces(hardware);  // the same bytes in uneven pieces
    for (std::size_t at = 0; at < text.size(); at += 7)
      pieces.update(text.data() + at, std::min<std::size_t>(7, text.size() - at));
    CHECK(pieces.hex() == hex(d, sizeof d));
    text += static_cast<char>(rng.next() & 0xff);
  }
}

TEST_CASE("backtest: the fingerprint is sha256 over each series' sha256 of its bars",
          "[backtest]") {
  constexpr Timestamp kDay = 24 * kNanosPerHour;
  const Timestamp first = new_york_midnight(Date{2021, 3, 1});
  std::vector<SymbolBars> data;
  for (const char* symbol : {"BBB", "AAA"}) {
    std::vector<Bar> bars;
    for (int i = 0; i < 60; ++i) {
      Bar b;
      b.timeframe = Timeframe::D1;
      b.start = first + i * kDay;
      b.open = 10 + i + symbol[0];
      b.high = b.open + 2;
      b.low = b.open - 1.5;
      b.close = b.open + 0.25 * (i % 5);
      b.volume = 1000 + i;
      bars.push_back(b);
    }
    data.push_back({symbol, bars});
  }
  BacktestOptions o;
  o.symbols = {"AAA", "BBB"};
  o.start = first + 20 * kDay;
  o.end = first + 49 * kDay;  // the bars of days 0..49: 20 of warm-up, 30 in range
  o.timeframes = {Timeframe::D1};
  auto source = make_vector_bar_source(data);
  auto plan = plan_backtest(o, *source);
  REQUIRE(plan);
  auto r = run_backtest(*plan, o, *source);
  REQUIRE(r);
  // Canonical order: AAA, then BBB, whatever the order of the data.
  std::string digests;
  for (const SymbolBars& s : {data[1], data[0]}) {
    std::string bytes;
    for (int i = 0; i < 50; ++i) {
      const Bar& b = s.bars[static_cast<std::size_t>(i)];
      const double v[5] = {b.open, b.high, b.low, b.close, b.volume};
      bytes.append(reinterpret_cast<const char*>(&b.start), sizeof b.start);
      bytes.append(reinterpret_cast<const char*>(v), sizeof v);
    }
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
    digests.append(reinterpret_cast<const char*>(d), sizeof d);
  }
  unsigned char all[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(digests.data()), digests.size(), all);
  CHECK(r->fingerprint == hex(all, sizeof all));
  REQUIRE(r->series.size() == 2);
  CHECK(r->series[0].symbol == "AAA");
  CHECK(r->series[0].bars == 50);
  CHECK(r->series[0].warmup == 20);
  CHECK(r->series[0].first == o.start);
  CHECK(r->series[0].last == o.end);
  const std::string json = results_json(*r);
  CHECK(json.find("\"fingerprint\":\"" + r->fingerprint + "\"") != std::string::npos);
  CHECK(json.find("\"engine\":{\"commit\":\"") != std::string::npos);
  CHECK(json.find("\"version\":\"" + std::string(engine_version()) + "\"") != std::string::npos);
}

namespace {

// The first place where an object's keys are not in byte order ("" when there is none).
std::string unsorted_key(simdjson::dom::element e, const std::string& path) {
  simdjson::dom::array array;
  simdjson::dom::object object;
  if (e.get_array().get(array) == simdjson::SUCCESS) {
    std::size_t i = 0;
    for (simdjson::dom::element x : array) {
      if (auto bad = unsorted_key(x, path + "[" + std::to_string(i++) + "]"); !bad.empty())
        return bad;
    }
  } else if (e.get_object().get(object) == simdjson::SUCCESS) {
    std::string previous;
    for (auto field : object) {
      const std::string key(field.key);
      if (!previous.empty() && !(previous < key)) return path + "." + key;
      if (auto bad = unsorted_key(field.value, path + "." + key); !bad.empty()) return bad;
      previous = key;
    }
  }
  return "";
}

}  // namespace

TEST_CASE("backtest: results.json has its keys sorted at every level, with a strategy too",
          "[backtest]") {
  constexpr Timestamp kDay = 24 * kNanosPerHour;
  std::vector<Bar> bars;
  tickstock::test::SplitMix64 rng{11};
  double close = 50;
  for (int i = 0; i < 400; ++i) {
    Bar b;
    b.timeframe = Timeframe::D1;
    b.start = new_york_midnight(Date{2020, 1, 1}) + i * kDay;
    b.open = close * (1 + (rng.uniform() - 0.5) * 0.02);
    b.close = b.open * (1 + (rng.uniform() - 0.5) * 0.05);
    b.high = std::max(b.open, b.close) * (1 + rng.uniform() * 0.02);
    b.low = std::min(b.open, b.close) * (1 - rng.uniform() * 0.02);
    b.volume = 1000;
    close = b.close;
    bars.push_back(b);
  }
  BacktestOptions o;
  o.symbols = {"AAA"};
  o.start = bars[100].start;
  o.end = bars[399].start;
  o.timeframes = {Timeframe::D1};
  o.strategy = StrategyOptions{};
  auto source = make_vector_bar_source({{"AAA", bars}});
  auto plan = plan_backtest(o, *source);
  REQUIRE(plan);
  auto r = run_backtest(*plan, o, *source);
  REQUIRE(r);
  REQUIRE(r->strategy);
  const std::string json = results_json(*r);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = parser.parse(json);
  CHECK(unsorted_key(root, "") == "");
  CHECK(root["stats"].get_array().size() > 0);
  CHECK(root["strategy"]["metrics"]["final_equity"].is_double());
}
