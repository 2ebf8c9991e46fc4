#include "tickstock/calendar.h"

#include <catch2/catch.hpp>

using namespace tickstock;

TEST_CASE("civil dates round-trip through day numbers", "[calendar]") {
  CHECK(days_from_civil({1970, 1, 1}) == 0);
  CHECK(days_from_civil({2000, 3, 1}) == 11017);
  for (std::int64_t d = -800000; d < 800000; d += 997) {
    CHECK(days_from_civil(civil_from_days(d)) == d);
  }
  CHECK(civil_from_days(days_from_civil({2024, 2, 29})) == Date{2024, 2, 29});
}

TEST_CASE("New York offset follows the US DST rules", "[calendar][dst]") {
  const auto at = [](const char* iso) { return *parse_timestamp(iso); };
  // 2013: DST from 2013-03-10 07:00Z to 2013-11-03 06:00Z.
  CHECK(new_york_utc_offset(at("2013-03-10T06:59:59Z")) == -5 * kNanosPerHour);
  CHECK(new_york_utc_offset(at("2013-03-10T07:00:00Z")) == -4 * kNanosPerHour);
  CHECK(new_york_utc_offset(at("2013-11-03T05:59:59Z")) == -4 * kNanosPerHour);
  CHECK(new_york_utc_offset(at("2013-11-03T06:00:00Z")) == -5 * kNanosPerHour);
  // 2006 used the older rule: first Sunday of April to last Sunday of October.
  CHECK(new_york_utc_offset(at("2006-04-02T07:00:00Z")) == -4 * kNanosPerHour);
  CHECK(new_york_utc_offset(at("2006-03-20T12:00:00Z")) == -5 * kNanosPerHour);
  CHECK(new_york_utc_offset(at("2006-10-29T05:59:00Z")) == -4 * kNanosPerHour);
  CHECK(new_york_utc_offset(at("2006-10-29T06:00:00Z")) == -5 * kNanosPerHour);
}

TEST_CASE("New York dates and midnights across DST switches", "[calendar][dst]") {
  const auto at = [](const char* iso) { return *parse_timestamp(iso); };
  CHECK(new_york_date(at("2013-10-08T03:59:59Z")) == Date{2013, 10, 7});
  CHECK(new_york_date(at("2013-10-08T04:00:00Z")) == Date{2013, 10, 8});
  CHECK(new_york_date(at("2013-12-09T04:59:59Z")) == Date{2013, 12, 8});
  CHECK(new_york_midnight({2013, 10, 7}) == at("2013-10-07T04:00:00Z"));
  CHECK(new_york_midnight({2013, 12, 9}) == at("2013-12-09T05:00:00Z"));
  // Switch days: midnight is before the 02:00 switch.
  CHECK(new_york_midnight({2008, 3, 9}) == at("2008-03-09T05:00:00Z"));
  CHECK(new_york_midnight({2008, 11, 2}) == at("2008-11-02T04:00:00Z"));
  CHECK(new_york_midnight({2008, 3, 10}) == at("2008-03-10T04:00:00Z"));
}

TEST_CASE("sessions in New York time, summer and winter", "[calendar][session]") {
  const auto at = [](const char* iso) { return *parse_timestamp(iso); };
  CHECK(new_york_session(at("2013-10-07T13:29:59Z")) == Session::PreMarket);
  CHECK(new_york_session(at("2013-10-07T13:30:00Z")) == Session::Regular);
  CHECK(new_york_session(at("2013-10-07T19:59:59Z")) == Session::Regular);
  CHECK(new_york_session(at("2013-10-07T20:00:00Z")) == Session::PostMarket);
  CHECK(new_york_session(at("2013-10-08T00:00:00Z")) == Session::Overnight);
  CHECK(new_york_session(at("2013-10-07T08:00:00Z")) == Session::PreMarket);
  // Winter: regular session is 14:30-21:00Z.
  CHECK(new_york_session(at("2008-03-07T14:29:00Z")) == Session::PreMarket);
  CHECK(new_york_session(at("2008-03-07T14:30:00Z")) == Session::Regular);
  CHECK(new_york_session(at("2008-03-07T20:59:00Z")) == Session::Regular);
  CHECK(new_york_session(at("2008-03-07T21:00:00Z")) == Session::PostMarket);
  // Monday after the switch: summer hours again.
  CHECK(new_york_session(at("2008-03-10T13:30:00Z")) == Session::Regular);
  CHECK(new_york_session(at("2008-03-10T13:29:00Z")) == Session::PreMarket);
}

TEST_CASE("ISO-8601 and epoch timestamps parse and format", "[calendar][parse]") {
  CHECK(parse_timestamp("2013-10-07T13:30:00Z") == 1381152600 * kNanosPerSecond);
  CHECK(parse_timestamp("2013-10-07 13:30:00") == 1381152600 * kNanosPerSecond);
  CHECK(parse_timestamp("2013-10-07T09:30:00-04:00") == 1381152600 * kNanosPerSecond);
  CHECK(parse_timestamp("2013-10-07T13:30:00.25Z") == 1381152600 * kNanosPerSecond + 250'000'000);
  CHECK(parse_timestamp("1381152600000") == 1381152600 * kNanosPerSecond);
  CHECK(parse_timestamp("1381152600000000000") == 1381152600 * kNanosPerSecond);
  CHECK(parse_timestamp("2013-10-07") == *parse_timestamp("2013-10-07T00:00:00Z"));
  CHECK_FALSE(parse_timestamp("2013-02-30").has_value());
  CHECK_FALSE(parse_timestamp("yesterday").has_value());
  CHECK_FALSE(parse_timestamp("2013-10-07T25:00:00Z").has_value());
  CHECK(format_iso8601(1381152600 * kNanosPerSecond) == "2013-10-07T13:30:00Z");
  CHECK(format_iso8601(1381152600 * kNanosPerSecond + 5'000'000) == "2013-10-07T13:30:00.005Z");
}

TEST_CASE("Timestamps outside int64 nanoseconds (1677..2262) are refused, not overflowed",
          "[calendar][parse]") {
  CHECK(parse_timestamp("9223372036") == 9223372036 * kNanosPerSecond);  // 2262-04-11, seconds
  CHECK_FALSE(parse_timestamp("99999999999").has_value());               // seconds, past 2262
  CHECK_FALSE(parse_timestamp("9999999999999").has_value());             // milliseconds
  CHECK_FALSE(parse_timestamp("9999999999999999").has_value());          // microseconds
  CHECK(parse_timestamp("-9223372036854775808") == INT64_MIN);           // nanoseconds
  CHECK(parse_timestamp("2262-04-05T00:00:00Z").has_value());
  CHECK_FALSE(parse_timestamp("2262-04-12T00:00:00Z").has_value());
  CHECK_FALSE(parse_timestamp("9999-12-31T23:59:59+00:00").has_value());
  CHECK_FALSE(parse_timestamp("1600-01-01").has_value());
}
