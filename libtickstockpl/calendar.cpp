#include "tickstock/calendar.h"

#include <charconv>
#include <cstdio>
#include <limits>

namespace tickstock {
namespace {

constexpr Timestamp kEst = -5 * kNanosPerHour;
constexpr Timestamp kEdt = -4 * kNanosPerHour;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// 0 = Sunday.
int weekday(std::int64_t days) {
  const std::int64_t w = (days + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

std::int64_t nth_sunday(int year, int month, int n) {
  const std::int64_t first = days_from_civil({year, month, 1});
  return first + (7 - weekday(first)) % 7 + 7 * (n - 1);
}

std::int64_t last_sunday(int year, int month) {
  const std::int64_t next =
      month == 12 ? days_from_civil({year + 1, 1, 1}) : days_from_civil({year, month + 1, 1});
  const std::int64_t last = next - 1;
  return last - weekday(last);
}

// [start, end) of daylight-saving time in `year`, as UTC instants.
void dst_window(int year, Timestamp& start, Timestamp& end) {
  std::int64_t s = 0, e = 0;
  if (year >= 2007) {
    s = nth_sunday(year, 3, 2);
    e = nth_sunday(year, 11, 1);
  } else if (year >= 1987) {
    s = nth_sunday(year, 4, 1);
    e = last_sunday(year, 10);
  } else {
    s = last_sunday(year, 4);
    e = last_sunday(year, 10);
  }
  start = s * kNanosPerDay + 7 * kNanosPerHour;  // 02:00 EST
  end = e * kNanosPerDay + 6 * kNanosPerHour;    // 02:00 EDT
}

// UTC instant of local time-of-day `tod` (ns after local midnight, >= 03:00) on day `days`.
Timestamp local_instant(std::int64_t days, Timestamp tod) {
  Timestamp c = days * kNanosPerDay + tod + 5 * kNanosPerHour;
  if (new_york_utc_offset(c) == kEdt) c -= kNanosPerHour;
  return c;
}

bool parse_int(std::string_view s, int& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::int64_t days_from_civil(Date d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

Timestamp new_york_utc_offset(Timestamp t) {
  const int year = civil_from_days(floor_div(t + kEst, kNanosPerDay)).year;
  Timestamp start = 0, end = 0;
  dst_window(year, start, end);
  return (t >= start && t < end) ? kEdt : kEst;
}

Date new_york_date(Timestamp t) {
  return civil_from_days(floor_div(t + new_york_utc_offset(t), kNanosPerDay));
}

Timestamp new_york_midnight(Date d) {
  const std::int64_t days = days_from_civil(d);
  Timestamp c = days * kNanosPerDay + 5 * kNanosPerHour;
  if (new_york_utc_offset(c) == kEdt) c -= kNanosPerHour;
  return c;
}

Session new_york_session(Timestamp t) {
  NewYorkDayCache cache;
  return cache.session(t);
}

void NewYorkDayCache::load(Timestamp t) {
  const Date d = new_york_date(t);
  const std::int64_t days = days_from_civil(d);
  begin_ = new_york_midnight(d);
  end_ = new_york_midnight(civil_from_days(days + 1));
  pre_ = local_instant(days, 4 * kNanosPerHour);
  open_ = local_instant(days, 9 * kNanosPerHour + 30 * kNanosPerMinute);
  close_ = local_instant(days, 16 * kNanosPerHour);
  post_ = local_instant(days, 20 * kNanosPerHour);
}

Timestamp NewYorkDayCache::day_start(Timestamp t) {
  if (t < begin_ || t >= end_) load(t);
  return begin_;
}

Timestamp NewYorkDayCache::day_end(Timestamp t) {
  if (t < begin_ || t >= end_) load(t);
  return end_;
}

Timestamp NewYorkDayCache::regular_close(Timestamp t) {
  if (t < begin_ || t >= end_) load(t);
  return close_;
}

Session NewYorkDayCache::session(Timestamp t) {
  if (t < begin_ || t >= end_) load(t);
  if (t >= open_ && t < close_) return Session::Regular;
  if (t >= pre_ && t < open_) return Session::PreMarket;
  if (t >= close_ && t < post_) return Session::PostMarket;
  return Session::Overnight;
}

std::string format_date(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_iso8601(Timestamp t) {
  const std::int64_t days = floor_div(t, kNanosPerDay);
  const Timestamp tod = t - days * kNanosPerDay;
  const Date d = civil_from_days(days);
  const auto secs = tod / kNanosPerSecond;
  const auto frac = tod % kNanosPerSecond;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day,
                        static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                        static_cast<int>(secs % 60));
  if (frac != 0) {
    int digits = 9;
    auto f = frac;
    while (f % 10 == 0) {
      f /= 10;
      --digits;
    }
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%0*lld", digits,
                       static_cast<long long>(f));
  }
  std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "Z");
  return buf;
}

std::optional<Date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  Date d;
  if (!parse_int(s.substr(0, 4), d.year) || !parse_int(s.substr(5, 2), d.month) ||
      !parse_int(s.substr(8, 2), d.day))
    return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return std::nullopt;
  if (civil_from_days(days_from_civil(d)) != d) return std::nullopt;  // e.g. 02-30
  return d;
}

std::optional<Timestamp> parse_timestamp(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.find('-', 1) == std::string_view::npos) {  // integer epoch
    long long v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    const long long a = v < 0 ? -(v + 1) : v;  // |v| without overflowing at the minimum
    const long long unit = a >= 100'000'000'000'000'000LL ? 1           // ns
                           : a >= 100'000'000'000'000LL   ? 1000        // us
                           : a >= 100'000'000'000LL       ? 1'000'000   // ms
                                                          : kNanosPerSecond;  // s
    // Beyond 1677..2262 a time does not fit in int64 nanoseconds.
    if (a > std::numeric_limits<Timestamp>::max() / unit) return std::nullopt;
    return v * unit;
  }
  auto date = parse_date(s.substr(0, std::min<std::size_t>(10, s.size())));
  if (!date) return std::nullopt;
  const std::int64_t days = days_from_civil(*date);
  // A few days' margin for the time of day and a zone offset.
  constexpr std::int64_t kMaxDays = std::numeric_limits<Timestamp>::max() / kNanosPerDay - 5;
  if (days > kMaxDays || days < -kMaxDays) return std::nullopt;
  Timestamp t = days * kNanosPerDay;
  if (s.size() == 10) return t;
  if ((s[10] != 'T' && s[10] != ' ') || s.size() < 19 || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!parse_int(s.substr(11, 2), hh) || !parse_int(s.substr(14, 2), mm) ||
      !parse_int(s.substr(17, 2), ss) || hh > 23 || mm > 59 || ss > 60)
    return std::nullopt;
  t += hh * kNanosPerHour + mm * kNanosPerMinute + ss * kNanosPerSecond;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    Timestamp scale = kNanosPerSecond / 10;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      t += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  std::string_view zone = s.substr(i);
  if (zone.empty() || zone == "Z") return t;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!parse_int(zone.substr(1, 2), oh) || !parse_int(zone.substr(4, 2), om)) return std::nullopt;
    const Timestamp off = oh * kNanosPerHour + om * kNanosPerMinute;
    return zone[0] == '+' ? t - off : t + off;
  }
  return std::nullopt;
}

}  // namespace tickstock
