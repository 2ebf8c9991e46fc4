// The JSON text of payloads: escaping, UTF-8, numbers, timestamps, and the ring they wait in.
#include <cmath>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/json.h"

#include "redis/event_payload.h"
#include "redis/event_ring.h"

using tickstock::append_json_number;
using tickstock::append_json_string;
using tickstock::JsonWriter;

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string number(double v) {
  std::string out;
  append_json_number(out, v);
  return out;
}

}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes and control bytes and keep valid UTF-8",
          "[redis][json]") {
  CHECK(quoted("SPY") == "\"SPY\"");
  CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quoted(std::string_view("\n\t\0", 3)) == "\"\\u000a\\u0009\\u0000\"");
  CHECK(quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x88") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x88\"");
}

TEST_CASE("JSON strings replace bytes that are not UTF-8 with U+FFFD", "[redis][json]") {
  CHECK(quoted("a\xff") == "\"a\\ufffd\"");
  CHECK(quoted("\xc3") == "\"\\ufffd\"");                                   // cut short
  CHECK(quoted("\xc0\xaf") == "\"\\ufffd\\ufffd\"");                        // overlong
  CHECK(quoted("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
  CHECK(quoted("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // past U+10FFFF
}

TEST_CASE("JSON numbers are the shortest round-trip text, non-finite values are null",
          "[redis][json]") {
  CHECK(number(0.1) == "0.1");
  CHECK(number(101) == "101");
  CHECK(number(-2.5e-7) == "-2.5e-07");
  CHECK(std::stod(number(1.0 / 3)) == 1.0 / 3);
  CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(number(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("JsonWriter separates members and nests objects", "[redis][json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.integer("a", -1);
  w.key("o");
  w.begin_object();
  w.str("k", "v");
  w.boolean("t", true);
  w.end_object();
  w.uinteger("u", 18446744073709551615ull);
  w.end_object();
  CHECK(out == R"({"a":-1,"o":{"k":"v","t":true},"u":18446744073709551615})");
}

TEST_CASE("Payload timestamps are ISO-8601 UTC with six fraction digits", "[redis][json]") {
  std::string out;
  tickstock::detail::append_timestamp_us(
      out, *tickstock::parse_timestamp("2024-01-02T14:35:02.1234569Z"));
  CHECK(out == "\"2024-01-02T14:35:02.123456Z\"");
  out.clear();
  tickstock::detail::append_timestamp_us(out, -1);  // just before the epoch
  CHECK(out == "\"1969-12-31T23:59:59.999999Z\"");
}

TEST_CASE("EventRing keeps the newest items and says when it overwrote one", "[redis]") {
  tickstock::detail::EventRing<int> ring(3);
  CHECK_FALSE(ring.push(1));
  CHECK_FALSE(ring.push(2));
  CHECK_FALSE(ring.push(3));
  CHECK(ring.push(4));
  CHECK(ring.size() == 3);
  int v = 0;
  ring.pop(v);
  CHECK(v == 2);
  CHECK_FALSE(ring.push(5));
  for (const int want : {3, 4, 5}) {
    ring.pop(v);
    CHECK(v == want);
  }
  CHECK(ring.empty());
}

TEST_CASE(
    "EventRing starts again at its first slot once empty, so a short queue stays in the "
    "same memory",
    "[redis]") {
  tickstock::detail::EventRing<int> ring(1000);
  int v = 0;
  for (int i = 0; i < 5000; ++i) {  // one in, one out: always the first slot
    CHECK_FALSE(ring.push(i));
    ring.pop(v);
    CHECK(v == i);
  }
  CHECK(ring.slots_used() == 1);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(ring.push(i));  // a burst of ten
  CHECK(ring.slots_used() == 10);
  while (!ring.empty()) ring.pop(v);
  CHECK_FALSE(ring.push(7));
  CHECK(ring.slots_used() == 10);
  for (int i = 0; i < 1000; ++i) (void)ring.push(i);  // full and overwriting: everything used
  CHECK(ring.slots_used() == 1000);
}
