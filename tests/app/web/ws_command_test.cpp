// The /ws client message parser on its own (the fuzz target tickstock_fuzz_ws drives it too).
#include "web/live/ws_command.h"

#include <string>

#include <catch2/catch.hpp>

using tickstock::app::parse_ws_command;
using tickstock::app::WsCommand;

TEST_CASE("parse_ws_command reads ping, subscribe, unsubscribe and ack", "[app][web][ws]") {
  simdjson::dom::parser parser;
  auto ping = parse_ws_command("{\"type\":\"ping\"}", parser);
  REQUIRE(ping);
  CHECK(ping->type == WsCommand::Type::kPing);
  auto sub = parse_ws_command("{\"type\":\"subscribe\",\"symbol\":\"brk.b\",\"timeframe\":\"1d\"}",
                              parser);
  REQUIRE(sub);
  CHECK(sub->type == WsCommand::Type::kSubscribe);
  CHECK(sub->chart_key() == "BRK.B|1d");
  auto ack = parse_ws_command("{\"type\":\"ack\",\"ids\":[3,9223372036854775807]}", parser);
  REQUIRE(ack);
  CHECK(ack->type == WsCommand::Type::kAck);
  CHECK(ack->alert_ids == std::vector<std::int64_t>{3, INT64_MAX});
}

TEST_CASE("parse_ws_command refuses what it cannot use, without echoing it", "[app][web][ws]") {
  simdjson::dom::parser parser;
  for (const char* text :
       {"", "nul", "[]", "{\"type\":1}", "{\"type\":\"dance\"}", "{\"type\":\"subscribe\"}",
        "{\"type\":\"subscribe\",\"symbol\":\"S P Y\",\"timeframe\":\"1m\"}",
        "{\"type\":\"subscribe\",\"symbol\":\"SPY\",\"timeframe\":\"2m\"}",
        "{\"type\":\"ack\",\"ids\":[]}", "{\"type\":\"ack\",\"ids\":[0]}",
        "{\"type\":\"ack\",\"ids\":[9223372036854775808]}", "{\"type\":\"ack\"}"}) {
    INFO(text);
    const auto cmd = parse_ws_command(text, parser);
    REQUIRE(!cmd);
    CHECK(!cmd.error().message.empty());
    if (std::string(text).size() > 3) CHECK(cmd.error().message.find(text) == std::string::npos);
  }
}
