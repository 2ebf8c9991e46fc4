// libFuzzer target: Polygon WebSocket frames (what the socket reader hands the parser) on
// arbitrary bytes. Beyond the sanitizers' findings it checks that whatever is delivered is what
// the engine can take (a named symbol, a time, counts that add up) and that a frame is refused
// exactly when simdjson's validating DOM parser finds it is not a JSON array: the parser reads
// frames On-Demand, which checks only what it is asked for.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "tickstock/types.h"

#include "polygon/conditions.h"
#include "polygon/frame_parser.h"

namespace {

void check(bool ok, int line = __builtin_LINE()) {
  if (ok) return;
  std::fprintf(stderr, "polygon_fuzzer.cpp:%d: check failed\n", line);
  std::abort();  // libFuzzer reports the input
}

struct CheckingHandler final : tickstock::app::PolygonHandler {
  std::uint64_t delivered = 0;
  std::uint64_t bad = 0;
  void on_trade(const tickstock::Tick& t, const tickstock::app::PolygonTradeInfo&) override {
    check(tickstock::is_valid_symbol(t.symbol.name()));
    check(t.ts_event >= 0 && t.ts_event <= tickstock::kMaxEventTime && t.ts_recv == 7);
    ++delivered;
  }
  void on_aggregate(const tickstock::Bar& b, bool) override {
    check(tickstock::is_valid_symbol(b.symbol.name()));
    check(b.start >= 0 && b.start <= tickstock::kMaxEventTime);
    ++delivered;
  }
  void on_status(std::string_view, std::string_view) override { ++delivered; }
  void on_bad_input(std::string_view what) override {
    check(!what.empty());
    last_bad = what;
    ++bad;
  }
  std::string last_bad;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tickstock::SymbolTable symbols;
  static const tickstock::app::ConditionTable conditions =
      tickstock::app::ConditionTable::builtin();
  static tickstock::app::PolygonFrameParser parser(symbols, conditions);
  static simdjson::dom::parser validating;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  std::vector<char> padded(frame.begin(), frame.end());
  padded.resize(size + tickstock::app::PolygonFrameParser::kPadding);
  simdjson::dom::element doc;
  const bool json = !validating.parse(padded.data(), size, false).get(doc);
  const bool array = json && doc.is_array();
  CheckingHandler h;
  const auto before = parser.stats();
  const bool ok = parser.parse(frame, 7, h);
  const auto& after = parser.stats();
  check(after.frames == before.frames + 1);
  check(ok == array);
  if (!ok) {
    check(h.delivered == 0 && h.bad == 1 && after.bad_frames == before.bad_frames + 1);
    check((h.last_bad.find("not a JSON array") != std::string::npos) == json);
    return 0;
  }
  check(after.trades - before.trades + after.minute_aggregates - before.minute_aggregates +
            after.second_aggregates - before.second_aggregates + after.statuses - before.statuses ==
        h.delivered);
  check(after.bad_messages - before.bad_messages == h.bad);
  // The same bytes through the padded entry point give the same answer.
  CheckingHandler again;
  check(parser.parse_padded(padded.data(), size, 7, again) && again.delivered == h.delivered &&
        again.bad == h.bad);
  return 0;
}
