#include "feeds/tick_message.h"

#include <charconv>
#include <cmath>

#include "tickstock/calendar.h"

namespace tickstock::app {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// The whole of `text` as a finite double.
std::optional<double> parse_double(std::string_view text) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// A number, or a string holding one.
Result<double> number(element e, std::string_view name) {
  double v = 0;
  if (e.type() == element_type::STRING) {
    if (auto d = parse_double(std::string_view(e.get_string().value_unsafe()))) return *d;
  } else if (e.get_double().get(v) == simdjson::SUCCESS && std::isfinite(v)) {
    return v;
  }
  return fail("field '", name, "': ", shown(e), " is not a number");
}

// Epoch seconds, ms, us or ns (by magnitude, as parse_timestamp), possibly fractional. A double
// holds about 16 digits, so a fraction is taken to the microsecond (exact for what producers
// send, e.g. 1704205800.123), not to the nanosecond.
std::optional<Timestamp> epoch_to_ns(double v) {
  constexpr double kLimit = 9.2233720368547758e18;  // 2^63, exactly representable
  const double a = std::fabs(v);
  if (a >= 1e17) {
    if (!(a < kLimit)) return std::nullopt;
    return static_cast<Timestamp>(std::round(v));
  }
  const double per_unit_us = a >= 1e14 ? 1 : a >= 1e11 ? 1e3 : 1e6;
  const double us = std::round(v * per_unit_us);
  if (!(std::fabs(us) < kLimit / 1000)) return std::nullopt;
  return static_cast<Timestamp>(us) * 1000;  // whole microseconds, multiplied exactly
}

Result<Timestamp> timestamp(element e) {
  std::optional<Timestamp> t;
  switch (e.type()) {
    case element_type::INT64:
    case element_type::UINT64: {
      // Integers go through parse_timestamp's own rules, so that text and numbers agree.
      char buf[24];
      const auto r = e.type() == element_type::INT64
                         ? std::to_chars(buf, buf + sizeof buf, e.get_int64().value_unsafe())
                         : std::to_chars(buf, buf + sizeof buf, e.get_uint64().value_unsafe());
      t = parse_timestamp(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
      break;
    }
    case element_type::DOUBLE:
      t = epoch_to_ns(e.get_double().value_unsafe());
      break;
    case element_type::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      t = parse_timestamp(s);
      if (!t) {
        if (const auto d = parse_double(s)) t = epoch_to_ns(*d);
      }
      break;
    }
    default:
      break;
  }
  if (!t) {
    return fail("field 'timestamp': ", shown(e),
                " is not an ISO-8601 time or epoch s/ms/us/ns between 1677 and 2262");
  }
  return *t;
}

// The first of `names` present in `o` (nullopt when none is).
std::optional<element> field(object o, std::initializer_list<std::string_view> names) {
  for (const std::string_view n : names) {
    element e;
    if (o.at_key(n).get(e) == simdjson::SUCCESS) return e;
  }
  return std::nullopt;
}

// The first of `names` present, as a number that must pass `ok` (described by `want`).
template <class Ok>
Result<double> checked_number(object o, std::string_view name,
                              std::initializer_list<std::string_view> names, Ok ok,
                              const char* want) {
  const auto e = field(o, names);
  if (!e) return fail("missing field '", name, "'");
  auto v = number(*e, name);
  if (v && !ok(*v)) return fail("field '", name, "': ", shown(*e), " is not ", want);
  return v;
}

Result<double> positive(object o, std::string_view name) {
  return checked_number(
      o, name, {name}, [](double v) { return v > 0; }, "> 0");
}

Result<double> volume(object o, std::initializer_list<std::string_view> names) {
  return checked_number(
      o, "volume", names, [](double v) { return v >= 0; }, ">= 0");
}

// The item of object `o` at event time `ts`, without its symbol.
Result<FeedItem> item_of(object o, Timestamp ts) {
  FeedItem item;
  if (field(o, {"open", "high", "low", "close"})) {  // a minute bar
    const auto open = positive(o, "open"), high = positive(o, "high"), low = positive(o, "low"),
               close = positive(o, "close");
    const auto vol = volume(o, {"volume"});
    for (const auto* r : {&open, &high, &low, &close, &vol}) {
      if (!*r) return r->error();
    }
    if (*high < *low || *open > *high || *open < *low || *close > *high || *close < *low) {
      return fail("bar: open ", std::to_string(*open), " and close ", std::to_string(*close),
                  " must lie within low ", std::to_string(*low), " and high ",
                  std::to_string(*high));
    }
    item.kind = FeedItem::Kind::MinuteBar;
    Bar& b = item.bar;
    b.timeframe = Timeframe::M1;
    b.start = ts - ts % kNanosPerMinute;
    b.open = *open;
    b.high = *high;
    b.low = *low;
    b.close = *close;
    b.volume = *vol;
    b.vwap = *close;
    item.now = b.start + kNanosPerMinute;  // a minute bar is known once its minute is over
    return item;
  }
  if (!field(o, {"price"})) {
    return fail("neither a trade ('price') nor a bar ('open', 'high', 'low', 'close')");
  }
  const auto price = positive(o, "price");
  if (!price) return price.error();
  const auto size = volume(o, {"volume", "size"});
  if (!size) return size.error();
  item.kind = FeedItem::Kind::Tick;
  item.tick = Tick{Symbol(), ts, 0, *price, *size, kTickNormal};
  item.now = ts;
  return item;
}

}  // namespace

Result<FeedItem> TickMessageParser::parse(std::string_view message, Timestamp now,
                                          Timestamp max_future) {
  refusal_ = Refusal::Malformed;
  auto read = reader_.read(message);
  if (!read) return read.error();
  const object o = *read;
  const auto sym = field(o, {"ticker", "symbol"});
  if (!sym) return fail("missing field 'ticker' (or 'symbol')");
  const std::string_view key = o.at_key("ticker").error() ? "symbol" : "ticker";
  std::string_view name;
  if (sym->get_string().get(name) != simdjson::SUCCESS)
    return fail("field '", key, "': ", shown(*sym), " is not a string");
  if (auto ok = check_symbol(key, name); !ok) return ok.error();
  const auto ts_field = field(o, {"timestamp"});
  if (!ts_field) return fail("missing field 'timestamp'");
  const auto ts = timestamp(*ts_field);
  if (!ts) return ts.error();
  // Market data lies after 1970; kMaxEventTime keeps a bar's end within range.
  if (*ts < 0 || *ts > kMaxEventTime) {
    return fail("field 'timestamp': ", shown(*ts_field), " is not a time from 1970 to 2261");
  }

  auto item = item_of(o, *ts);
  if (!item) return item.error();
  // Checked before the symbol is made: a refused message leaves nothing behind.
  if (max_future >= 0 && item->now > now && item->now - now > max_future) {
    refusal_ = Refusal::FutureTime;
    return fail("field 'timestamp': ", format_iso8601(*ts), " is ",
                std::to_string((item->now - now) / 1'000'000), " ms ahead of the clock (at most ",
                std::to_string(max_future / 1'000'000), " ms)");
  }
  const auto symbol = symbols_.try_intern(name);
  if (!symbol) {
    refusal_ = Refusal::SymbolLimit;
    return fail("field '", key, "': '", name, "' is a new symbol and the limit of ",
                std::to_string(symbols_.capacity()), " symbols is reached");
  }
  (item->kind == FeedItem::Kind::Tick ? item->tick.symbol : item->bar.symbol) = *symbol;
  return item;
}

}  // namespace tickstock::app
