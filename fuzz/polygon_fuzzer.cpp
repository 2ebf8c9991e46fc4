// libFuzzer target: Polygon WebSocket frames (what the socket reader hands the parser) on
// arbitrary bytes. Beyond the sanitizers' findings it checks that whatever is delivered is what
// the engine can take: a named symbol, a time, counts that add up.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "tickstock/types.h"

#include "polygon/conditions.h"
#include "polygon/frame_parser.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input
}

struct CheckingHandler final : tickstock::app::PolygonHandler {
  std::uint64_t delivered = 0;
  std::uint64_t bad = 0;
  void on_trade(const tickstock::Tick& t, const tickstock::app::PolygonTradeInfo&) override {
    check(t.symbol && !t.symbol.name().empty());
    check(t.ts_event >= 0 && t.ts_recv == 7);
    ++delivered;
  }
  void on_aggregate(const tickstock::Bar& b, bool) override {
    check(b.symbol && !b.symbol.name().empty());
    check(b.start >= 0);
    ++delivered;
  }
  void on_status(std::string_view, std::string_view) override { ++delivered; }
  void on_bad_input(std::string_view what) override {
    check(!what.empty());
    ++bad;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tickstock::SymbolTable symbols;
  static const tickstock::app::ConditionTable conditions =
      tickstock::app::ConditionTable::builtin();
  static tickstock::app::PolygonFrameParser parser(symbols, conditions);
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  CheckingHandler h;
  const auto before = parser.stats();
  const bool ok = parser.parse(frame, 7, h);
  const auto& after = parser.stats();
  check(after.frames == before.frames + 1);
  if (!ok) {
    check(h.delivered == 0 && h.bad == 1 && after.bad_frames == before.bad_frames + 1);
    return 0;
  }
  check(after.trades - before.trades + after.minute_aggregates - before.minute_aggregates +
            after.second_aggregates - before.second_aggregates + after.statuses - before.statuses ==
        h.delivered);
  check(after.bad_messages - before.bad_messages == h.bad);
  // The same bytes through the padded entry point give the same answer.
  std::vector<char> padded(frame.begin(), frame.end());
  padded.resize(size + tickstock::app::PolygonFrameParser::kPadding);
  CheckingHandler again;
  check(parser.parse_padded(padded.data(), size, 7, again) && again.delivered == h.delivered &&
        again.bad == h.bad);
  return 0;
}
