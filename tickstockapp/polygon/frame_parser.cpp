#include "polygon/frame_parser.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <simdjson.h>

#include "tickstock/calendar.h"

#include "polygon/ticker_index.h"

namespace tickstock::app {

namespace od = simdjson::ondemand;
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

// Fields of one message; which ones count depends on `ev`. `c` is the conditions of a trade
// and the close of an aggregate, `s` the size of a trade and the start of an aggregate.
struct Fields {
  std::string_view ev, sym, status, message, id;
  double p = 0, s = 0, o = 0, h = 0, l = 0, close = 0, v = 0, vw = 0;
  std::int64_t t = 0, e = 0, x = 0, z = 0;
  std::uint32_t flags = kTickNormal;
  int conditions = 0;
  int unknown_conditions = 0;  // codes the condition table does not know
  bool not_object = false;     // the element is not an object: nothing else is set
  bool has_p = false, has_s = false, has_t = false, has_o = false, has_c = false;
  const char* bad_field = nullptr;  // first field of the wrong type
  const char* expected = nullptr;
};

// The fields the parser reads. Unread: not yet known (escaped, or not one of the fast forms).
enum class Key : std::uint8_t {
  Other,
  P,
  S,
  T,
  C,
  X,
  Z,
  I,
  O,
  H,
  L,
  V,
  E,
  Ev,
  Vw,
  Sym,
  Status,
  Message,
  Unread
};
constexpr std::string_view kKeyNames[] = {"?", "p",  "s",  "t",   "c",      "x",
                                          "z", "i",  "o",  "h",   "l",      "v",
                                          "e", "ev", "vw", "sym", "status", "message"};

Key key_named(std::string_view text) {
  for (std::size_t i = 1; i < std::size(kKeyNames); ++i)
    if (kKeyNames[i] == text) return static_cast<Key>(i);
  return Key::Other;
}

// The first `N - 1` bytes of `s` and the closing quote, as the low bytes of a word.
template <std::size_t N>
constexpr std::uint64_t quoted(const char (&s)[N]) {
  static_assert(N <= 8);
  std::uint64_t w = '"';
  for (std::size_t i = N - 1; i-- > 0;) w = (w << 8) | static_cast<unsigned char>(s[i]);
  return w;
}

// A key known from its raw bytes (past the opening quote; the padded frame makes 8 of them
// readable), without looking for its end: one letter and a quote, or one of the longer names.
[[gnu::always_inline]] inline Key key_at(const char* raw) {
  std::uint64_t w;
  std::memcpy(&w, raw, sizeof w);
  const auto low = [w](int bytes) { return w & ((std::uint64_t{1} << (8 * bytes)) - 1); };
  if (((w >> 8) & 0xff) == '"' && raw[0] != '\\') {
    switch (raw[0]) {
      case 'p':
        return Key::P;
      case 's':
        return Key::S;
      case 't':
        return Key::T;
      case 'c':
        return Key::C;
      case 'x':
        return Key::X;
      case 'z':
        return Key::Z;
      case 'i':
        return Key::I;
      case 'o':
        return Key::O;
      case 'h':
        return Key::H;
      case 'l':
        return Key::L;
      case 'v':
        return Key::V;
      case 'e':
        return Key::E;
      default:
        return Key::Other;
    }
  }
  if (low(3) == quoted("ev")) return Key::Ev;
  if (low(3) == quoted("vw")) return Key::Vw;
  if (low(4) == quoted("sym")) return Key::Sym;
  if (low(7) == quoted("status")) return Key::Status;
  if (w == quoted("message")) return Key::Message;
  return Key::Unread;
}

// The index of the first '"' or '\' among the 8 bytes at `p` (read as one word: the frame is
// padded, so a short string's closing quote and what follows are readable), or 8.
[[gnu::always_inline]] inline std::size_t quote_or_escape(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  const std::uint64_t q = v ^ (kOnes * '"'), b = v ^ (kOnes * '\\');
  const std::uint64_t m = ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs);
  return m != 0 ? static_cast<std::size_t>(__builtin_ctzll(m)) / 8 : 8;
}

// The text of a string whose raw bytes start at `raw` (past the opening quote) when it holds
// no escape, as nearly all do; nothing when it must be unescaped. The validated frame holds
// the closing quote.
[[gnu::always_inline]] inline std::optional<std::string_view> as_is(const char* raw) {
  std::size_t n = quote_or_escape(raw);
  if (n == 8)
    while (raw[n] != '"' && raw[n] != '\\') ++n;
  if (raw[n] == '\\') return std::nullopt;
  return std::string_view(raw, n);
}

// Whether a number's token is a fraction, an exponent or an integer of 64 bits or fewer.
bool fits_64_bits(std::string_view token) {
  if (token.find_first_of(".eE") != std::string_view::npos) return true;
  const char* first = token.data();
  const char* last = first + token.size();
  if (*first == '-') {
    std::int64_t i = 0;
    return std::from_chars(first, last, i).ec == std::errc{};
  }
  std::uint64_t u = 0;
  return std::from_chars(first, last, u).ec == std::errc{};
}

// A long number's token read again exactly: On-Demand (simdjson 3.0) misreads some numbers of
// more than 19 digits with a large exponent (0.000333...3e343, beyond a double, comes back as
// 6e207), which the validating parser refuses as out of range. Rare, so it may allocate.
[[gnu::noinline]] simdjson::error_code exact_double(std::string_view token, double& out) {
  while (!token.empty() && std::string_view(" \t\n\r").find(token.back()) != token.npos)
    token.remove_suffix(1);
  if (token.empty() || !fits_64_bits(token)) return simdjson::NUMBER_ERROR;
  const std::string text(token);  // strtod wants it terminated
  const double d = std::strtod(text.c_str(), nullptr);
  if (std::isinf(d)) return simdjson::NUMBER_ERROR;  // out of range; tiny ones become 0, as there
  out = d;
  return simdjson::SUCCESS;
}

// A number get_double refused: exponents of many digits (`1e-0000000000000000000001`), which
// the validating parser reads; get_number does too. Out of line: the hot path stays small.
[[gnu::noinline]] simdjson::error_code number_of(od::value& v, double& out) {
  od::number n;
  SIMDJSON_TRY(v.get_number().get(n));
  out = n.as_double();
  return exact_double(v.raw_json_token(), out);
}

// A number as a double. simdjson's validating parser refuses integers beyond 64 bits, which
// On-Demand reads as doubles; they are refused here too, so both agree on what a valid frame
// is. Numbers of many characters are read again (exact_double).
[[gnu::always_inline]] inline simdjson::error_code double_of(od::value& v, double& out) {
  if (v.get_double().get(out)) [[unlikely]]
    return number_of(v, out);
  const std::string_view token = v.raw_json_token();
  // Below both 64-bit integer limits, and at most 20 characters (with any blanks after it).
  if (token.size() <= 20 && std::fabs(out) < 9.2e18) [[likely]]
    return simdjson::SUCCESS;
  return exact_double(token, out);
}

// A field's key, unescaped only when it must be.
[[gnu::always_inline]] inline simdjson::error_code key_of(od::field& field, std::string_view& key) {
  if (auto plain = as_is(field.key().raw())) {
    key = *plain;
    return simdjson::SUCCESS;
  }
  return field.unescaped_key().get(key);
}

// A string value, unescaped only when it must be (simdjson copies every string it unescapes).
[[gnu::always_inline]] inline simdjson::error_code string_of(od::value& v, std::string_view& out) {
  const std::string_view token = v.raw_json_token();
  if (!token.empty() && token[0] == '"') {
    if (auto plain = as_is(token.data() + 1)) {
      od::raw_json_string raw;
      SIMDJSON_TRY(v.get_raw_json_string().get(raw));
      out = *plain;
      return simdjson::SUCCESS;
    }
  }
  return v.get_string().get(out);
}

}  // namespace

class PolygonFrameParser::Impl {
 public:
  Impl(SymbolTable& symbols, const ConditionTable& conditions)
      : conditions_(conditions), tickers_(symbols) {
    // On-Demand's own depth (its debug checks assert on it) runs ahead of ours by the
    // document and the value being entered: room for both.
    if (parser_.allocate(4096, kMaxDepth + 4)) throw std::bad_alloc();
  }

  bool parse(std::string_view frame, Timestamp received, PolygonHandler& h) {
    ensure_capacity(frame.size());
    std::memcpy(buf_.get(), frame.data(), frame.size());
    std::memset(buf_.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
    return parse_padded(buf_.get(), frame.size(), received, h);
  }

  bool parse_padded(const char* data, std::size_t size, Timestamp received, PolygonHandler& h) {
    ++stats_.frames;
    // Read the whole frame first, delivering nothing: a frame damaged anywhere is refused
    // whole. On-Demand reads only what is asked for, so read_frame asks for every value.
    pending_count_ = 0;
    const char* what = "not JSON";
    if (auto err = read_frame(data, size, what)) return bad_frame(h, what, err);
    for (std::size_t i = 0; i < pending_count_; ++i) deliver(pending_[i], received, h, i);
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

  // Fills pending_ from the frame; any error means the frame is not a valid JSON array (`what`
  // says which).
  simdjson::error_code read_frame(const char* data, std::size_t size, const char*& what) {
    od::document doc;
    SIMDJSON_TRY(parser_.iterate(data, size, size + simdjson::SIMDJSON_PADDING).get(doc));
    od::json_type type;
    SIMDJSON_TRY(doc.type().get(type));
    if (type != od::json_type::array) {
      SIMDJSON_TRY(validate_document(doc, type, data + size));
      what = "not a JSON array";
      return simdjson::INCORRECT_TYPE;
    }
    od::array arr;
    SIMDJSON_TRY(doc.get_array().get(arr));
    for (auto element_result : arr) {
      SIMDJSON_TRY(element_result.error());
      od::value& element = element_result.value_unsafe();  // in place, as fields are
      Fields& f = next_pending();
      od::object obj;
      if (const auto err = element.get_object().get(obj)) {
        if (err != simdjson::INCORRECT_TYPE) return err;
        f.not_object = true;
        SIMDJSON_TRY(validate(element, 1));
        continue;
      }
      SIMDJSON_TRY(read_fields(obj, f));
    }
    return at_end(doc);
  }

  // Refuses content after the document's value.
  static simdjson::error_code at_end(od::document& doc) {
    return doc.current_location().error() == simdjson::OUT_OF_BOUNDS ? simdjson::SUCCESS
                                                                     : simdjson::TAPE_ERROR;
  }

  Fields& next_pending() {
    if (pending_count_ == pending_.size()) pending_.resize(pending_.size() * 2 + 64);
    Fields& f = pending_[pending_count_++];
    f = Fields{};
    return f;
  }

  // Checks a value nobody asked for (an unknown field, a value of the wrong type), as a
  // validating parser would: On-Demand skips such values without looking inside them.
  simdjson::error_code validate(od::value& v, int depth) {
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    switch (type) {
      case od::json_type::array: {
        od::array a;
        SIMDJSON_TRY(v.get_array().get(a));
        for (auto e : a) {
          if (depth + 1 >= kMaxDepth) return simdjson::DEPTH_ERROR;
          SIMDJSON_TRY(e.error());
          SIMDJSON_TRY(validate(e.value_unsafe(), depth + 1));
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::object: {
        od::object o;
        SIMDJSON_TRY(v.get_object().get(o));
        for (auto field_result : o) {
          if (depth + 1 >= kMaxDepth) return simdjson::DEPTH_ERROR;
          SIMDJSON_TRY(field_result.error());
          od::field& field = field_result.value_unsafe();
          std::string_view key;
          SIMDJSON_TRY(key_of(field, key));
          SIMDJSON_TRY(validate(field.value(), depth + 1));
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::number: {
        double d;
        return double_of(v, d);
      }
      case od::json_type::string: {
        std::string_view text;
        return string_of(v, text);
      }
      case od::json_type::boolean:
        return v.get_bool().error();
      case od::json_type::null: {
        bool null = false;
        SIMDJSON_TRY(v.is_null().get(null));
        return null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
      }
    }
    return simdjson::TAPE_ERROR;
  }

  // The same for a frame that is not an array, up to its end.
  simdjson::error_code validate_document(od::document& doc, od::json_type type, const char* end) {
    switch (type) {
      case od::json_type::object: {
        od::value v;
        SIMDJSON_TRY(doc.get_value().get(v));
        SIMDJSON_TRY(validate(v, 0));
        return at_end(doc);
      }
      case od::json_type::number:
        SIMDJSON_TRY(doc.get_number().error());
        return at_end(doc);
      case od::json_type::string:
        SIMDJSON_TRY(doc.get_string().error());
        return at_end(doc);
      case od::json_type::boolean:
      case od::json_type::null: {
        // On-Demand (3.0) misreads these alone in a document (`false-` is false, `false ` is
        // no boolean): the token, which runs to the next structural character or the end,
        // is checked here.
        std::string_view token;
        SIMDJSON_TRY(doc.raw_json_token().get(token));
        const bool whole = token.data() + token.size() == end;
        while (!token.empty() && std::string_view(" \t\n\r").find(token.back()) != token.npos)
          token.remove_suffix(1);
        return whole && (token == "true" || token == "false" || token == "null")
                   ? simdjson::SUCCESS
                   : simdjson::T_ATOM_ERROR;
      }
      default:
        return simdjson::TAPE_ERROR;
    }
  }

  // A value read as `T` (a double, an integer or a string).
  template <typename T>
  static simdjson::error_code get_as(od::value& v, T& out) {
    if constexpr (std::is_same_v<T, double>)
      return double_of(v, out);
    else if constexpr (std::is_same_v<T, std::int64_t>)
      return v.get_int64().get(out);
    else
      return string_of(v, out);
  }

  // A value read as `T`; when it is not one, the value is still checked (a damaged value
  // damages the frame) and the field noted as bad.
  template <typename T>
  simdjson::error_code read(od::value& v, T& out, bool& ok, Fields& f, Key key,
                            const char* expected) {
    ok = !get_as(v, out);
    if (ok) return simdjson::SUCCESS;
    SIMDJSON_TRY(validate(v, 2));
    note_bad(f, key, expected);
    return simdjson::SUCCESS;
  }

  // A value kept only when it is a `T`; anything else (checked) is ignored.
  template <typename T>
  simdjson::error_code read_or_ignore(od::value& v, T& out) {
    if (!get_as(v, out)) return simdjson::SUCCESS;
    out = T{};
    return validate(v, 2);
  }

  static void note_bad(Fields& f, Key key, const char* expected) {
    if (f.bad_field != nullptr) return;
    f.bad_field = kKeyNames[static_cast<std::size_t>(key)].data();  // literals: NUL-terminated
    f.expected = expected;
  }

  // Reads every field once; a value of the wrong type is noted in f.bad_field.
  simdjson::error_code read_fields(od::object obj, Fields& f) {
    static constexpr const char* kNumber = "a number";
    static constexpr const char* kInteger = "an integer";
    static constexpr const char* kString = "a string";
    bool ok = false;
    for (auto field_result : obj) {
      SIMDJSON_TRY(field_result.error());
      od::field& field = field_result.value_unsafe();  // in place: a copy measured slower
      Key key = key_at(field.key().raw());
      if (key == Key::Unread) {
        std::string_view text;
        SIMDJSON_TRY(key_of(field, text));
        key = key_named(text);
      }
      od::value& val = field.value();
      simdjson::error_code err = simdjson::SUCCESS;
      switch (key) {
        case Key::P:
          err = read(val, f.p, f.has_p, f, key, kNumber);
          break;
        case Key::S:
          err = read(val, f.s, f.has_s, f, key, kNumber);
          break;
        case Key::T:
          err = read(val, f.t, f.has_t, f, key, kInteger);
          break;
        case Key::C:
          err = read_c(val, f);
          break;
        case Key::X:
          err = read(val, f.x, ok, f, key, kInteger);
          break;
        case Key::Z:  // tape of a trade (average size of an aggregate: unused)
          err = read_or_ignore(val, f.z);
          break;
        case Key::I:  // a trade's id
          err = read_or_ignore(val, f.id);
          break;
        case Key::O:
          err = read(val, f.o, f.has_o, f, key, kNumber);
          break;
        case Key::H:
          err = read(val, f.h, ok, f, key, kNumber);
          break;
        case Key::L:
          err = read(val, f.l, ok, f, key, kNumber);
          break;
        case Key::V:
          err = read(val, f.v, ok, f, key, kNumber);
          break;
        case Key::E:
          err = read(val, f.e, ok, f, key, kInteger);
          break;
        case Key::Ev:
          err = read(val, f.ev, ok, f, key, kString);
          break;
        case Key::Vw:
          err = read(val, f.vw, ok, f, key, kNumber);
          break;
        case Key::Sym:
          err = read(val, f.sym, ok, f, key, kString);
          break;
        case Key::Status:
          err = read(val, f.status, ok, f, key, kString);
          break;
        case Key::Message:
          err = read(val, f.message, ok, f, key, kString);
          break;
        case Key::Other:
        case Key::Unread: {
          double d;  // most often a number (Polygon's q, trfi, ...)
          if (double_of(val, d)) err = validate(val, 2);
          break;
        }
      }
      SIMDJSON_TRY(err);
    }
    return simdjson::SUCCESS;
  }

  // `c`: a trade's conditions (array) or an aggregate's close (number).
  simdjson::error_code read_c(od::value& val, Fields& f) {
    static constexpr const char* kExpected = "a number or an array of integers";
    od::json_type type;
    SIMDJSON_TRY(val.type().get(type));
    if (type == od::json_type::number) return read(val, f.close, f.has_c, f, Key::C, kExpected);
    if (type != od::json_type::array) {
      SIMDJSON_TRY(validate(val, 2));
      note_bad(f, Key::C, kExpected);
      return simdjson::SUCCESS;
    }
    od::array codes;
    SIMDJSON_TRY(val.get_array().get(codes));
    for (auto code_result : codes) {
      SIMDJSON_TRY(code_result.error());
      od::value& code = code_result.value_unsafe();
      std::int64_t c = 0;
      if (code.get_int64().get(c)) {
        SIMDJSON_TRY(validate(code, 3));
        note_bad(f, Key::C, kExpected);
        continue;
      }
      ++f.conditions;
      if (!conditions_.known(static_cast<int>(c < 0 || c > 255 ? -1 : c))) ++f.unknown_conditions;
      f.flags |= conditions_.flags(c);
    }
    return simdjson::SUCCESS;
  }

  void deliver(const Fields& f, Timestamp received, PolygonHandler& h, std::size_t index) {
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

  void aggregate(const Fields& f, Timestamp received, bool per_minute, PolygonHandler& h,
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

  const ConditionTable& conditions_;
  // simdjson's limit for a validating parse, which counts only arrays and objects that hold
  // something (the frame's array is at depth 0): deeper frames are refused the same way.
  static constexpr int kMaxDepth = static_cast<int>(simdjson::DEFAULT_MAX_DEPTH);
  od::parser parser_;
  std::vector<Fields> pending_;  // the frame's elements, read before any is delivered
  std::size_t pending_count_ = 0;
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
