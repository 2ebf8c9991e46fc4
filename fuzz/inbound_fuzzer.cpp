// libFuzzer target: every inbound Redis message parser (ticks and bars for --feed redis, job
// requests) on arbitrary bytes. Beyond the sanitizers' findings it checks that whatever is
// accepted satisfies what the engine and the job table rely on.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tickstock/types.h"

#include "feeds/tick_message.h"
#include "jobs/job_request.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input
}

void check_item(const tickstock::app::FeedItem& item) {
  using Kind = tickstock::app::FeedItem::Kind;
  check(item.kind == Kind::Tick || item.kind == Kind::MinuteBar);
  const tickstock::Symbol sym = item.kind == Kind::Tick ? item.tick.symbol : item.bar.symbol;
  check(tickstock::is_valid_symbol(sym.name()));
  if (item.kind == Kind::Tick) {
    const tickstock::Tick& t = item.tick;
    check(!tickstock::validate(t).has_value());
    check(t.ts_event >= 0 && item.now == t.ts_event);
    return;
  }
  const tickstock::Bar& b = item.bar;
  check(b.symbol && !b.symbol.name().empty());
  check(b.low > 0 && b.low <= b.high && b.open >= b.low && b.open <= b.high && b.close >= b.low &&
        b.close <= b.high && std::isfinite(b.high));
  check(b.volume >= 0 && std::isfinite(b.volume));
  check(b.start >= 0 && b.start % tickstock::kNanosPerMinute == 0);
  check(item.now == b.start + tickstock::kNanosPerMinute);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Kept across inputs, as the feed and the listener keep theirs across messages.
  static tickstock::SymbolTable symbols;
  static tickstock::app::TickMessageParser ticks(symbols);
  static tickstock::app::JobRequestParser jobs;
  const std::string_view message(reinterpret_cast<const char*>(data), size);

  if (const auto item = ticks.parse(message)) {
    check_item(*item);
  } else {
    check(!item.error().message.empty());
  }
  std::string request_id;
  const auto request = jobs.parse(size % 2 == 0 ? "backtest" : "data_load", message, request_id);
  if (request) {
    check(!request->symbols.empty() && request->start <= request->end);
    for (const auto& s : request->symbols) check(tickstock::is_valid_symbol(s));
    check(request->params == message && request->request_id == request_id);
  } else {
    check(!request.error().message.empty());
  }
  return 0;
}
