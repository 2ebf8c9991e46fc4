// libFuzzer target: the /ws client message parser (parse_ws_command) on arbitrary bytes. Beyond
// the sanitizers' findings it checks that an accepted command names a valid ticker and
// timeframe, and that a refusal is one of the parser's own reasons (never the input echoed).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <simdjson.h>

#include "web/live/ws_command.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tickstock::app::WsCommand;
  static simdjson::dom::parser parser;  // reused, as a connection's messages would be
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto cmd = tickstock::app::parse_ws_command(text, parser);
  if (!cmd) {
    // One of the parser's own reasons: nothing of the client's text comes back.
    const std::string& e = cmd.error().message;
    check(e == "expected a JSON object with a type" ||
          e == "type must be subscribe, unsubscribe, ack or ping" ||
          e == "subscribe needs symbol and timeframe" || e == "bad symbol or timeframe" ||
          e == "expected {\"id\": N} or {\"ids\": [N, ...]} (at most 500)");
    return 0;
  }
  if (cmd->type == WsCommand::Type::kPing) return 0;
  if (cmd->type == WsCommand::Type::kAck) {
    check(!cmd->alert_ids.empty() && cmd->alert_ids.size() <= 501);
    for (const std::int64_t id : cmd->alert_ids) check(id >= 1);
    return 0;
  }
  check(!cmd->symbol.empty() && cmd->symbol.size() <= 32);
  for (const char c : cmd->symbol) check(c > ' ' && c < 0x7f && c != '|' && c != '"');
  const std::string key = cmd->chart_key();
  check(key.find('|') == cmd->symbol.size());
  check(tickstock::parse_timeframe(key.substr(key.find('|') + 1)) == cmd->timeframe);
  return 0;
}
