// Polygon figures: trade messages parsed per second on one core (frames of realistic trade
// messages through PolygonFrameParser, the socket reader's parser; timed in thread CPU time, so
// other work on the machine does not count against it).
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench.h"
#include "polygon/frame_parser.h"

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
  const auto frames = trade_frames(messages, 100);
  std::size_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  SymbolTable symbols;
  const ConditionTable conditions = ConditionTable::builtin();
  PolygonFrameParser parser(symbols, conditions);
  CountingHandler h;
  for (const auto& f : frames) (void)parser.parse(f, 0, h);  // warm up: symbols, buffers
  std::vector<double> secs;
  for (int r = 0; r < c.runs; ++r) {
    h.trades = 0;
    secs.push_back(cpu_time_once([&] {
      for (const auto& f : frames) (void)parser.parse(f, 0, h);
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

}  // namespace

void bench_polygon(const Config& c) { parse_figure(c); }

}  // namespace tickstock::bench
