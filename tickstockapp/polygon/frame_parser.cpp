#include "polygon/frame_parser.h"

#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

namespace tickstock::app {

namespace dom = simdjson::dom;
static_assert(PolygonFrameParser::kPadding >= simdjson::SIMDJSON_PADDING);

std::optional<Timestamp> polygon_epoch_to_ns(std::int64_t t) {
  if (t < 0) return std::nullopt;
  const std::int64_t unit = t >= 100'000'000'000'000'000LL ? 1           // ns: 18+ digits
                            : t >= 100'000'000'000'000LL   ? 1000        // µs: 15-17 digits
                            : t >= 100'000'000'000LL       ? 1'000'000   // ms: 12-14 digits
                                                           : kNanosPerSecond;  // seconds
  Timestamp ns = 0;
  if (__builtin_mul_overflow(t, unit, &ns)) return std::nullopt;
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

// Fields of one message; which ones count depends on `ev`. `c` is the conditions of a trade
// and the close of an aggregate, `s` the size of a trade and the start of an aggregate.
struct Fields {
  std::string_view ev, sym, status, message, id;
  double p = 0, s = 0, o = 0, h = 0, l = 0, close = 0, v = 0, vw = 0;
  std::int64_t t = 0, e = 0, x = 0, z = 0;
  std::uint32_t flags = kTickNormal;
  int conditions = 0;
  bool has_p = false, has_s = false, has_t = false, has_o = false, has_c = false;
  const char* bad_field = nullptr;  // first field of the wrong type
  const char* expected = nullptr;
};

struct SymbolViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {  // FNV-1a: tickers are a few bytes
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

}  // namespace

class PolygonFrameParser::Impl {
 public:
  Impl(SymbolTable& symbols, const ConditionTable& conditions)
      : symbols_(symbols), conditions_(conditions) {}

  bool parse(std::string_view frame, Timestamp received, PolygonHandler& h) {
    ensure_capacity(frame.size());
    std::memcpy(buf_.get(), frame.data(), frame.size());
    std::memset(buf_.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
    return parse_padded(buf_.get(), frame.size(), received, h);
  }

  bool parse_padded(const char* data, std::size_t size, Timestamp received, PolygonHandler& h) {
    ++stats_.frames;
    // The DOM parser validates the whole frame first (a damaged frame is refused whole) and
    // dispatches to the CPU's SIMD kernels at run time.
    dom::element doc;
    if (auto err = parser_.parse(data, size, false).get(doc)) return bad_frame(h, "not JSON", err);
    dom::array arr;
    if (auto err = doc.get_array().get(arr)) return bad_frame(h, "not a JSON array", err);
    std::size_t index = 0;
    for (dom::element element : arr) {
      dom::object obj;
      if (element.get_object().get(obj)) {
        bad_message(h, index++, "not an object");
        continue;
      }
      Fields f;
      read_fields(obj, f);
      deliver(f, received, h, index++);
    }
    return true;
  }

  const PolygonParseStats& stats() const { return stats_; }

 private:
  void ensure_capacity(std::size_t n) {
    if (n + simdjson::SIMDJSON_PADDING <= capacity_) return;
    capacity_ = std::max<std::size_t>(4096, (n + simdjson::SIMDJSON_PADDING) * 2);
    buf_ = std::make_unique<char[]>(capacity_);
  }

  // Reads every field once; a value of the wrong type is noted in f.bad_field.
  void read_fields(dom::object obj, Fields& f) {
    for (dom::key_value_pair field : obj) {
      const std::string_view key = field.key;
      const dom::element val = field.value;
      simdjson::error_code err = simdjson::SUCCESS;
      const char* expected = "a number";
      switch (key.size()) {
        case 1:
          switch (key[0]) {
            case 'p':
              err = val.get_double().get(f.p);
              f.has_p = !err;
              break;
            case 's':
              err = val.get_double().get(f.s);
              f.has_s = !err;
              break;
            case 't':
              err = val.get_int64().get(f.t);
              expected = "an integer";
              f.has_t = !err;
              break;
            case 'c':
              err = read_c(val, f);
              expected = "a number or an array of integers";
              break;
            case 'x':
              err = val.get_int64().get(f.x);
              expected = "an integer";
              break;
            case 'z': {
              std::int64_t z = 0;  // tape of a trade (average size of an aggregate: unused)
              if (!val.get_int64().get(z)) f.z = z;
              break;
            }
            case 'i':
              if (val.is_string()) err = val.get_string().get(f.id);
              break;
            case 'o':
              err = val.get_double().get(f.o);
              f.has_o = !err;
              break;
            case 'h':
              err = val.get_double().get(f.h);
              break;
            case 'l':
              err = val.get_double().get(f.l);
              break;
            case 'v':
              err = val.get_double().get(f.v);
              break;
            case 'e':
              err = val.get_int64().get(f.e);
              expected = "an integer";
              break;
            default:
              break;
          }
          break;
        case 2:
          if (key == "ev") {
            err = val.get_string().get(f.ev);
            expected = "a string";
          } else if (key == "vw") {
            err = val.get_double().get(f.vw);
          }
          break;
        case 3:
          if (key == "sym") {
            err = val.get_string().get(f.sym);
            expected = "a string";
          }
          break;
        case 6:
          if (key == "status") {
            err = val.get_string().get(f.status);
            expected = "a string";
          }
          break;
        case 7:
          if (key == "message") {
            err = val.get_string().get(f.message);
            expected = "a string";
          }
          break;
        default:
          break;
      }
      if (err && f.bad_field == nullptr) {
        f.bad_field = field_name(key);
        f.expected = expected;
      }
    }
  }

  // `c`: a trade's conditions (array) or an aggregate's close (number).
  simdjson::error_code read_c(dom::element val, Fields& f) {
    if (val.is_number()) {
      f.has_c = true;
      return val.get_double().get(f.close);
    }
    dom::array codes;
    if (auto err = val.get_array().get(codes)) return err;
    for (dom::element code : codes) {
      std::int64_t c = 0;
      if (auto err = code.get_int64().get(c)) return err;
      ++f.conditions;
      if (!conditions_.known(static_cast<int>(c < 0 || c > 255 ? -1 : c)))
        ++stats_.unknown_conditions;
      f.flags |= conditions_.flags(c);
    }
    return simdjson::SUCCESS;
  }

  // A stable name for a known field (for error messages).
  static const char* field_name(std::string_view key) {
    static constexpr const char* kNames[] = {"p",  "s",  "t",   "c",      "x",      "z",
                                             "i",  "o",  "h",   "l",      "v",      "e",
                                             "ev", "vw", "sym", "status", "message"};
    for (const char* n : kNames)
      if (key == n) return n;
    return "?";
  }

  void deliver(const Fields& f, Timestamp received, PolygonHandler& h, std::size_t index) {
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
        return aggregate(f, ev == Ev::Minute, h, index);
      case Ev::Status:
        ++stats_.statuses;
        h.on_status(f.status, f.message);
        return;
      default:
        return;
    }
  }

  void trade(const Fields& f, Timestamp received, PolygonHandler& h, std::size_t index) {
    const char* missing = f.sym.empty() ? "sym"
                          : !f.has_p    ? "p"
                          : !f.has_s    ? "s"
                          : !f.has_t    ? "t"
                                        : nullptr;
    if (missing != nullptr)
      return bad_message(h, index, std::string("T without '") + missing + "'");
    const auto when = polygon_epoch_to_ns(f.t);
    if (!when) return bad_message(h, index, "field 't': " + std::to_string(f.t) + " is no time");
    ++stats_.trades;
    Tick t;
    t.symbol = intern(f.sym);
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

  void aggregate(const Fields& f, bool per_minute, PolygonHandler& h, std::size_t index) {
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
    ++(per_minute ? stats_.minute_aggregates : stats_.second_aggregates);
    Bar b;
    b.symbol = intern(f.sym);
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

  // Tickers of up to 8 bytes (nearly all) are found in an open-addressing table keyed by their
  // bytes as one integer; longer ones in a map.
  Symbol intern(std::string_view name) {
    if (name.size() <= 8 && !name.empty()) {
      std::uint64_t key = 0;
      std::memcpy(&key, name.data(), name.size());
      std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 52) & mask_;
      for (;; i = (i + 1) & mask_) {
        Slot& slot = slots_[i];
        if (slot.key == key) return slot.symbol;
        if (slot.key == 0) break;
      }
      const Symbol sym = symbols_.intern(name);
      if (++short_count_ * 2 > slots_.size()) grow();
      insert(key, sym);
      return sym;
    }
    auto it = index_.find(name);
    if (it != index_.end()) return it->second;
    const Symbol sym = symbols_.intern(name);
    index_.emplace(sym.name(), sym);  // the table's copy of the name never moves
    return sym;
  }

  struct Slot {
    std::uint64_t key = 0;  // the ticker's bytes (zero-padded); 0 = empty
    Symbol symbol;
  };

  void insert(std::uint64_t key, Symbol sym) {
    std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 52) & mask_;
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{key, sym};
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.resize(old.size() * 2);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.key != 0) insert(s.key, s.symbol);
  }

  bool bad_frame(PolygonHandler& h, const char* what, simdjson::error_code err) {
    ++stats_.bad_frames;
    h.on_bad_input("frame " + std::to_string(stats_.frames) + ": " + what + " (" +
                   simdjson::error_message(err) + ")");
    return false;
  }

  void bad_message(PolygonHandler& h, std::size_t index, const std::string& what) {
    ++stats_.bad_messages;
    h.on_bad_input("frame " + std::to_string(stats_.frames) + ": element " + std::to_string(index) +
                   ": " + what);
  }

  SymbolTable& symbols_;
  const ConditionTable& conditions_;
  dom::parser parser_;
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;
  std::vector<Slot> slots_ = std::vector<Slot>(4096);  // a power of two
  std::size_t mask_ = 4095;
  std::size_t short_count_ = 0;
  std::unordered_map<std::string_view, Symbol, SymbolViewHash, std::equal_to<>> index_;
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

}  // namespace tickstock::app
