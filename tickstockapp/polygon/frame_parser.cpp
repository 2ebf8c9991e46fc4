// PolygonFrameParser: a frame read whole and checked (frame_reader.h, json_validator.h),
// then each message mapped to a Tick, Bar or status (tickers interned by ticker_index.h).
#include "polygon/frame_parser.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include <simdjson.h>

#include "tickstock/calendar.h"

#include "polygon/frame_reader.h"
#include "polygon/ticker_index.h"

namespace tickstock::app {

static_assert(PolygonFrameParser::kPadding >= simdjson::SIMDJSON_PADDING);
static_assert(std::endian::native == std::endian::little, "tickers and keys are read as words");

std::optional<Timestamp> polygon_epoch_to_ns(std::int64_t t) {
  if (t < 0) return std::nullopt;
  const std::int64_t unit = t >= 100'000'000'000'000'000LL ? 1           // ns: 18+ digits
                            : t >= 100'000'000'000'000LL   ? 1000        // µs: 15-17 digits
                            : t >= 100'000'000'000LL       ? 1'000'000   // ms: 12-14 digits
                                                           : kNanosPerSecond;  // seconds
  Timestamp ns = 0;
  if (__builtin_mul_overflow(t, unit, &ns) || ns > kMaxEventTime) return std::nullopt;
  return ns;
}

namespace {

enum class Ev : std::uint8_t { None, Trade, Quote, Second, Minute, Status, Other };

Ev classify(std::string_view ev) {
  if (ev == "T") return Ev::Trade;
  if (ev == "Q") return Ev::Quote;
  if (ev == "AM") return Ev::Minute;
  if (ev == "A") return Ev::Second;
  if (ev == "status") return Ev::Status;
  return Ev::Other;
}

}  // namespace

class PolygonFrameParser::Impl {
 public:
  Impl(SymbolTable& symbols, const ConditionTable& conditions)
      : reader_(conditions), tickers_(symbols) {}

  bool parse(std::string_view frame, Timestamp received, PolygonHandler& h) {
    ensure_capacity(frame.size());
    std::memcpy(buf_.get(), frame.data(), frame.size());
    std::memset(buf_.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
    return parse_padded(buf_.get(), frame.size(), received, h);
  }

  bool parse_padded(const char* data, std::size_t size, Timestamp received, PolygonHandler& h) {
    ++stats_.frames;
    // Read the whole frame first, delivering nothing: a frame damaged anywhere is refused
    // whole.
    const char* what = "not JSON";
    if (auto err = reader_.read(data, size, what)) return bad_frame(h, what, err);
    for (std::size_t i = 0; i < reader_.size(); ++i) deliver(reader_[i], received, h, i);
    return true;
  }

  const PolygonParseStats& stats() const { return stats_; }
  void set_max_future(Timestamp ns) { max_future_ = ns; }

 private:
  void ensure_capacity(std::size_t n) {
    if (n + simdjson::SIMDJSON_PADDING <= capacity_) return;
    capacity_ = std::max<std::size_t>(4096, (n + simdjson::SIMDJSON_PADDING) * 2);
    buf_ = std::make_unique<char[]>(capacity_);
  }

  void deliver(const PolygonFields& f, Timestamp received, PolygonHandler& h, std::size_t index) {
    if (f.not_object) return bad_message(h, index, "not an object");
    const Ev ev = f.ev.empty() ? Ev::None : classify(f.ev);
    if (ev == Ev::None || ev == Ev::Other) {
      ++stats_.unknown_events;
      return;
    }
    if (f.bad_field != nullptr) {
      bad_message(h, index, std::string("field '") + f.bad_field + "': expected " + f.expected);
      return;
    }
    switch (ev) {
      case Ev::Trade:
        return trade(f, received, h, index);
      case Ev::Quote:
        ++stats_.quotes;
        return;
      case Ev::Minute:
      case Ev::Second:
        return aggregate(f, received, ev == Ev::Minute, h, index);
      case Ev::Status:
        ++stats_.statuses;
        h.on_status(f.status, f.message);
        return;
      default:
        return;
    }
  }

  void trade(const PolygonFields& f, Timestamp received, PolygonHandler& h, std::size_t index) {
    const char* missing = f.sym.empty() ? "sym"
                          : !f.has_p    ? "p"
                          : !f.has_s    ? "s"
                          : !f.has_t    ? "t"
                                        : nullptr;
    if (missing != nullptr)
      return bad_message(h, index, std::string("T without '") + missing + "'");
    const auto when = polygon_epoch_to_ns(f.t);
    if (!when) return bad_message(h, index, "field 't': " + std::to_string(f.t) + " is no time");
    if (too_far_ahead(*when, received)) return future_time(h, index, "t", *when, received);
    Tick t;
    t.symbol = tickers_.find_or_add(f.sym);
    if (!t.symbol) return refuse_symbol(h, index, f.sym);
    ++stats_.trades;
    stats_.unknown_conditions += static_cast<std::uint64_t>(f.unknown_conditions);
    t.ts_event = *when;
    t.ts_recv = received;
    t.price = f.p;
    t.size = f.s;
    t.flags = f.flags;
    PolygonTradeInfo info;
    info.exchange = static_cast<int>(f.x);
    info.tape = static_cast<int>(f.z);
    info.id = f.id;
    info.conditions = f.conditions;
    h.on_trade(t, info);
  }

  void aggregate(const PolygonFields& f, Timestamp received, bool per_minute, PolygonHandler& h,
                 std::size_t index) {
    const char* missing = f.sym.empty() ? "sym"
                          : !f.has_o    ? "o"
                          : !f.has_c    ? "c"
                          : !f.has_s    ? "s"
                                        : nullptr;
    if (missing != nullptr)
      return bad_message(h, index,
                         std::string(per_minute ? "AM" : "A") + " without '" + missing + "'");
    // `s` is read as a number of any kind; only a whole one in range is a time.
    const auto when = f.s >= 0 && f.s < 9.2e18 && f.s == std::floor(f.s)
                          ? polygon_epoch_to_ns(static_cast<std::int64_t>(f.s))
                          : std::nullopt;
    if (!when)
      return bad_message(h, index, std::string(per_minute ? "AM" : "A") + ": field 's' is no time");
    if (too_far_ahead(*when, received)) return future_time(h, index, "s", *when, received);
    Bar b;
    b.symbol = tickers_.find_or_add(f.sym);
    if (!b.symbol) return refuse_symbol(h, index, f.sym);
    ++(per_minute ? stats_.minute_aggregates : stats_.second_aggregates);
    b.timeframe = Timeframe::M1;
    b.start = *when;
    b.open = f.o;
    b.high = f.h;
    b.low = f.l;
    b.close = f.close;
    b.volume = f.v;
    b.vwap = f.vw;
    h.on_aggregate(b, per_minute);
  }

  bool too_far_ahead(Timestamp t, Timestamp received) const {
    return max_future_ >= 0 && t > received && t - received > max_future_;
  }

  [[gnu::noinline]] void future_time(PolygonHandler& h, std::size_t index, const char* field,
                                     Timestamp t, Timestamp received) {
    ++stats_.future_times;
    bad_message(h, index,
                std::string("field '") + field + "': " + format_iso8601(t) + " is " +
                    std::to_string((t - received) / 1'000'000) +
                    " ms ahead of the clock (at most " + std::to_string(max_future_ / 1'000'000) +
                    " ms)");
  }

  [[gnu::noinline]] void refuse_symbol(PolygonHandler& h, std::size_t index,
                                       std::string_view name) {
    if (tickers_.refusal() == TickerIndex::Refusal::Grammar) {
      ++stats_.bad_symbols;
      return bad_message(h, index, check_symbol("sym", name).error().message);
    }
    ++stats_.bad_messages;
    ++stats_.symbols_refused;
    h.on_symbol_refused(where(index) + "field 'sym': '" + std::string(name) +
                        "' is a new symbol and the limit of " +
                        std::to_string(tickers_.symbols().capacity()) + " symbols is reached");
  }

  bool bad_frame(PolygonHandler& h, const char* what, simdjson::error_code err) {
    ++stats_.bad_frames;
    h.on_bad_input("frame " + std::to_string(stats_.frames) + ": " + what + " (" +
                   simdjson::error_message(err) + ")");
    return false;
  }

  void bad_message(PolygonHandler& h, std::size_t index, const std::string& what) {
    ++stats_.bad_messages;
    h.on_bad_input(where(index) + what);
  }

  std::string where(std::size_t index) const {
    return "frame " + std::to_string(stats_.frames) + ": element " + std::to_string(index) + ": ";
  }

  PolygonFrameReader reader_;  // the frame's elements, read before any is delivered
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;
  TickerIndex tickers_;
  Timestamp max_future_ = -1;  // see set_max_future
  PolygonParseStats stats_;
};

PolygonFrameParser::PolygonFrameParser(SymbolTable& symbols, const ConditionTable& conditions)
    : impl_(std::make_unique<Impl>(symbols, conditions)) {}
PolygonFrameParser::~PolygonFrameParser() = default;
bool PolygonFrameParser::parse(std::string_view frame, Timestamp received, PolygonHandler& h) {
  return impl_->parse(frame, received, h);
}
bool PolygonFrameParser::parse_padded(const char* data, std::size_t size, Timestamp received,
                                      PolygonHandler& h) {
  return impl_->parse_padded(data, size, received, h);
}
const PolygonParseStats& PolygonFrameParser::stats() const { return impl_->stats(); }
void PolygonFrameParser::set_max_future(Timestamp ns) { impl_->set_max_future(ns); }

}  // namespace tickstock::app
