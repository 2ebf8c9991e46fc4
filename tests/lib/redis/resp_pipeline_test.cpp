// RespPipeline: which bytes are written when, and what survives a broken connection.
#include "redis/resp_pipeline.h"

#include <string>

#include <catch2/catch.hpp>

using tickstock::detail::append_resp_command;
using tickstock::detail::CommandKind;
using tickstock::detail::RespPipeline;
using tickstock::detail::SetupCommand;

namespace {

std::string resp(std::initializer_list<std::string_view> args) {
  std::string s;
  append_resp_command(s, args);
  return s;
}

}  // namespace

TEST_CASE("RespPipeline formats commands as RESP arrays of bulk strings", "[redis]") {
  CHECK(resp({"PUBLISH", "ch", "a b"}) == "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$3\r\na b\r\n");
  CHECK(resp({"SET", "k", ""}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  CHECK(resp({"X", std::string_view("\0\r\n", 3)}) ==
        std::string("*2\r\n$1\r\nX\r\n$3\r\n\0\r\n\r\n", 20));
}

TEST_CASE("RespPipeline writes in order, one write at a time, and matches replies in order",
          "[redis]") {
  RespPipeline p;
  CHECK(p.start_connection({}) == 0);
  p.add({"PUBLISH", "a", "1"}, CommandKind::Publish, true);
  const std::string_view w1 = p.begin_write();
  CHECK(w1 == resp({"PUBLISH", "a", "1"}));
  CHECK(p.begin_write().empty());  // one write in flight
  p.add({"PUBLISH", "b", "2"}, CommandKind::Publish, false);
  p.add({"XADD", "s", "1-0", "f", "v"}, CommandKind::Xadd, true);
  CHECK(p.unanswered() == 3);
  CHECK(p.sent_unanswered() == 1);
  const auto first = p.on_reply();  // replies may come before the write reports completion
  CHECK(first.kind == CommandKind::Publish);
  CHECK(first.ends_event);
  p.end_write();
  const std::string_view w2 = p.begin_write();
  CHECK(w2 == resp({"PUBLISH", "b", "2"}) + resp({"XADD", "s", "1-0", "f", "v"}));
  p.end_write();
  CHECK(p.sent_unanswered() == 2);
  CHECK_FALSE(p.on_reply().ends_event);
  CHECK(p.on_reply().kind == CommandKind::Xadd);
  CHECK(p.unanswered() == 0);
  CHECK(p.unanswered_bytes() == 0);
  CHECK(p.begin_write().empty());
}

TEST_CASE(
    "RespPipeline keeps unanswered data commands across a broken connection, after the new "
    "connection's setup",
    "[redis]") {
  RespPipeline p;
  const std::vector<SetupCommand> setup{{{"CLIENT", "SETNAME", "x"}, CommandKind::Setup}};
  p.start_connection(setup);
  CHECK(p.begin_write() == resp({"CLIENT", "SETNAME", "x"}));
  p.end_write();
  CHECK(p.on_reply().kind == CommandKind::Setup);
  p.release_data();
  p.add({"PUBLISH", "a", "1"}, CommandKind::Publish, true);
  p.add({"PUBLISH", "b", "2"}, CommandKind::Publish, true);
  (void)p.begin_write();
  p.end_write();
  p.add({"PING"}, CommandKind::Ping, false);
  p.add({"PUBLISH", "c", "3"}, CommandKind::Publish, true);  // queued, never written
  CHECK(p.on_reply().kind == CommandKind::Publish);          // "a" answered
  (void)p.begin_write();                                     // PING and "c" in flight...
  p.on_disconnect();                                         // ...when the connection breaks
  p.end_write();                                             // the aborted write reports back
  CHECK(p.begin_write().empty());                            // nothing is written while down

  const std::vector<SetupCommand> again{
      {{"AUTH", "pw"}, CommandKind::Setup},
      {{"XREVRANGE", "s", "+", "-", "COUNT", "1"}, CommandKind::StreamTop}};
  CHECK(p.start_connection(again) == 2);  // "b" and "c"; the PING belonged to the old link
  // The setup alone first: a server that refuses it (LOADING after a restart) must not see data.
  CHECK(p.begin_write() == resp({"AUTH", "pw"}) + resp({"XREVRANGE", "s", "+", "-", "COUNT", "1"}));
  p.end_write();
  CHECK(p.sent_unanswered() == 2);
  p.add({"PUBLISH", "d", "4"}, CommandKind::Publish, true);
  CHECK(p.begin_write().empty());  // held until the setup is answered
  CHECK(p.on_reply().kind == CommandKind::Setup);
  CHECK(p.on_reply().kind == CommandKind::StreamTop);
  p.release_data();
  CHECK(p.begin_write() ==
        resp({"PUBLISH", "b", "2"}) + resp({"PUBLISH", "c", "3"}) + resp({"PUBLISH", "d", "4"}));
  p.end_write();
  CHECK(p.sent_unanswered() == 3);
  const auto b = p.on_reply();
  const auto c = p.on_reply();
  CHECK(b.resent);                   // it was written on the old connection
  CHECK(c.resent);                   // it was in the write that was cut off
  CHECK_FALSE(p.on_reply().resent);  // "d" was never written before
  CHECK(p.unanswered() == 0);
}

TEST_CASE("RespPipeline compacts answered bytes without losing the unanswered ones", "[redis]") {
  RespPipeline p;
  CHECK(p.start_connection({}) == 0);
  const std::string big(1000, 'x');
  std::string expected;
  for (int round = 0; round < 200; ++round) {
    p.add({"PUBLISH", "ch", big}, CommandKind::Publish, true);
    p.add({"PUBLISH", "ch", std::to_string(round)}, CommandKind::Publish, true);
    const std::string_view w = p.begin_write();
    REQUIRE(w == resp({"PUBLISH", "ch", big}) + resp({"PUBLISH", "ch", std::to_string(round)}));
    p.end_write();
    (void)p.on_reply();  // one of the two answered each round
  }
  CHECK(p.unanswered() == 200);
  CHECK(p.unanswered_bytes() < 200 * 1100);
}
