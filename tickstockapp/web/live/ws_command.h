// What a dashboard client may say on /ws, parsed apart from the connection so that it can be
// tested and fuzzed alone: {"type":"ping"}; {"type":"subscribe"|"unsubscribe",
// "symbol":"SPY","timeframe":"1m"} for a chart's live updates; {"type":"ack","ids":[...]} (or
// "id": N) for alerts it has shown.
#ifndef TICKSTOCKAPP_WEB_LIVE_WS_COMMAND_H_
#define TICKSTOCKAPP_WEB_LIVE_WS_COMMAND_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::app {

struct WsCommand {
  enum class Type { kPing, kSubscribe, kUnsubscribe, kAck };
  Type type = Type::kPing;
  std::string symbol;                   // subscribe, unsubscribe: upper case
  Timeframe timeframe = Timeframe::M1;  // subscribe, unsubscribe
  std::vector<std::int64_t> alert_ids;  // ack: 1 to 500 positive ids
  // The hub's key of the chart: "SYMBOL|tf".
  std::string chart_key() const;
};

// The command in `text`; the error is what the client is told (a short reason, without echoing
// its input). `parser` is reused between messages.
Result<WsCommand> parse_ws_command(std::string_view text, simdjson::dom::parser& parser);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_LIVE_WS_COMMAND_H_
