// New York market calendar arithmetic and time formatting, without a tz database:
// US daylight-saving rules are fixed by law (2007+: second Sunday of March to first Sunday of
// November at 02:00 local; 1987-2006: first Sunday of April to last Sunday of October).
#ifndef TICKSTOCK_CALENDAR_H_
#define TICKSTOCK_CALENDAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tickstock/types.h"

namespace tickstock {

// A civil date.
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend bool operator==(const Date&, const Date&) = default;
};

// Days since 1970-01-01 for a civil date (proleptic Gregorian).
std::int64_t days_from_civil(Date d);
// Civil date of a day number (days since 1970-01-01).
Date civil_from_days(std::int64_t days);

// Offset of America/New_York from UTC at instant `t`, in ns (-5h or -4h).
Timestamp new_york_utc_offset(Timestamp t);
// New York local date of instant `t`.
Date new_york_date(Timestamp t);
// UTC instant of New York local midnight starting `d`.
Timestamp new_york_midnight(Date d);
// The session that New York local time at `t` falls in.
Session new_york_session(Timestamp t);

// Caches the New York day around the last instant asked about, so that classifying a stream of
// nearby instants costs a couple of comparisons. Not thread-safe.
class NewYorkDayCache {
 public:
  // New York midnight (UTC ns) of the trading date containing `t`.
  Timestamp day_start(Timestamp t);
  // UTC instant of the next New York midnight after `t`.
  Timestamp day_end(Timestamp t);
  // UTC instant of 16:00 New York time on the trading date containing `t`.
  Timestamp regular_close(Timestamp t);
  // Session of `t`.
  Session session(Timestamp t);

 private:
  void load(Timestamp t);
  Timestamp begin_ = 1;  // [begin_, end_) is the cached local day; empty until first use
  Timestamp end_ = 0;
  Timestamp pre_ = 0, open_ = 0, close_ = 0, post_ = 0;  // 04:00 09:30 16:00 20:00 local
};

// "2013-10-07T13:30:00Z" (whole seconds) or with ".123456789" when `t` has a fraction.
std::string format_iso8601(Timestamp t);
// "2013-10-07".
std::string format_date(Date d);
// Parses ISO-8601 UTC ("2013-10-07T13:30:00Z", "...:00.5Z", "...+00:00", a space instead of T),
// a date "2013-10-07" (as UTC midnight), or integer epoch ns / ms / s (chosen by magnitude).
std::optional<Timestamp> parse_timestamp(std::string_view text);
// Parses "YYYY-MM-DD".
std::optional<Date> parse_date(std::string_view text);

}  // namespace tickstock

#endif  // TICKSTOCK_CALENDAR_H_
