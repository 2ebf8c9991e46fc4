// parse_ws_command: simdjson's DOM, every field checked.
#include "web/live/ws_command.h"

#include "web/api/api.h"

namespace tickstock::app {

std::string WsCommand::chart_key() const {
  return symbol + "|" + std::string(timeframe_name(timeframe));
}

Result<WsCommand> parse_ws_command(std::string_view text, simdjson::dom::parser& parser) {
  simdjson::dom::object o;
  std::string_view type;
  if (parser.parse(text.data(), text.size()).get_object().get(o) != simdjson::SUCCESS ||
      o["type"].get_string().get(type) != simdjson::SUCCESS)
    return fail("expected a JSON object with a type");
  WsCommand c;
  if (type == "ping") return c;
  if (type == "ack") {
    auto ids = read_alert_ids(o);
    if (!ids) return ids.error();
    c.type = WsCommand::Type::kAck;
    c.alert_ids = std::move(*ids);
    return c;
  }
  if (type != "subscribe" && type != "unsubscribe")
    return fail("type must be subscribe, unsubscribe, ack or ping");
  c.type = type == "subscribe" ? WsCommand::Type::kSubscribe : WsCommand::Type::kUnsubscribe;
  std::string_view s, t;
  if (o["symbol"].get_string().get(s) != simdjson::SUCCESS ||
      o["timeframe"].get_string().get(t) != simdjson::SUCCESS)
    return fail("subscribe needs symbol and timeframe");
  const auto sym = parse_symbol(s);
  const auto tf = parse_timeframe(t);
  if (!sym || !tf) return fail("bad symbol or timeframe");
  c.symbol = *sym;
  c.timeframe = *tf;
  return c;
}

}  // namespace tickstock::app
