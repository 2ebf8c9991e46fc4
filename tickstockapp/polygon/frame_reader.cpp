#include "polygon/frame_reader.h"

#include <bit>
#include <cstring>
#include <iterator>
#include <new>
#include <string_view>
#include <type_traits>

#include "polygon/json_validator.h"

namespace tickstock::app {

namespace od = simdjson::ondemand;
static_assert(std::endian::native == std::endian::little, "keys are read as words");
using strict_json::double_of;
using strict_json::key_of;
using strict_json::string_of;

namespace {

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

// The readers below are declared inline on purpose: GCC then inlines get_as<> into the field
// loop, as it did when they were class members; without it, callgrind counted 7% more
// instructions per message.

// Notes the first field of the wrong type.
inline void note_bad(PolygonFields& f, Key key, const char* expected) {
  if (f.bad_field != nullptr) return;
  f.bad_field = kKeyNames[static_cast<std::size_t>(key)].data();  // literals: NUL-terminated
  f.expected = expected;
}

// A value read as `T` (a double, an integer or a string).
template <typename T>
inline simdjson::error_code get_as(od::value& v, T& out) {
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
inline simdjson::error_code read(od::value& v, T& out, bool& ok, PolygonFields& f, Key key,
                                 const char* expected) {
  ok = !get_as(v, out);
  if (ok) return simdjson::SUCCESS;
  SIMDJSON_TRY(strict_json::validate(v, 2));
  note_bad(f, key, expected);
  return simdjson::SUCCESS;
}

// A value kept only when it is a `T`; anything else (checked) is ignored.
template <typename T>
inline simdjson::error_code read_or_ignore(od::value& v, T& out) {
  if (!get_as(v, out)) return simdjson::SUCCESS;
  out = T{};
  return strict_json::validate(v, 2);
}

// `c`: a trade's conditions (array) or an aggregate's close (number).
inline simdjson::error_code read_c(od::value& val, const ConditionTable& conditions,
                                   PolygonFields& f) {
  static constexpr const char* kExpected = "a number or an array of integers";
  od::json_type type;
  SIMDJSON_TRY(val.type().get(type));
  if (type == od::json_type::number) return read(val, f.close, f.has_c, f, Key::C, kExpected);
  if (type != od::json_type::array) {
    SIMDJSON_TRY(strict_json::validate(val, 2));
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
      SIMDJSON_TRY(strict_json::validate(code, 3));
      note_bad(f, Key::C, kExpected);
      continue;
    }
    ++f.conditions;
    if (!conditions.known(static_cast<int>(c < 0 || c > 255 ? -1 : c))) ++f.unknown_conditions;
    f.flags |= conditions.flags(c);
  }
  return simdjson::SUCCESS;
}

// Reads every field once; a value of the wrong type is noted in f.bad_field.
inline simdjson::error_code read_polygon_fields(od::object obj, const ConditionTable& conditions,
                                                PolygonFields& f) {
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
        err = read_c(val, conditions, f);
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
        if (double_of(val, d)) err = strict_json::validate(val, 2);
        break;
      }
    }
    SIMDJSON_TRY(err);
  }
  return simdjson::SUCCESS;
}

}  // namespace

PolygonFrameReader::PolygonFrameReader(const ConditionTable& conditions) : conditions_(conditions) {
  // On-Demand's own depth (its debug checks assert on it) runs ahead of ours by the document
  // and the value being entered: room for both.
  if (parser_.allocate(4096, strict_json::kMaxDepth + 4)) throw std::bad_alloc();
}

simdjson::error_code PolygonFrameReader::read(const char* data, std::size_t size,
                                              const char*& what) {
  count_ = 0;
  od::document doc;
  SIMDJSON_TRY(parser_.iterate(data, size, size + simdjson::SIMDJSON_PADDING).get(doc));
  od::json_type type;
  SIMDJSON_TRY(doc.type().get(type));
  if (type != od::json_type::array) {
    SIMDJSON_TRY(strict_json::validate_document(doc, type, data + size));
    what = "not a JSON array";
    return simdjson::INCORRECT_TYPE;
  }
  od::array arr;
  SIMDJSON_TRY(doc.get_array().get(arr));
  for (auto element_result : arr) {
    SIMDJSON_TRY(element_result.error());
    od::value& element = element_result.value_unsafe();  // in place, as fields are
    PolygonFields& f = next();
    od::object obj;
    if (const auto err = element.get_object().get(obj)) {
      if (err != simdjson::INCORRECT_TYPE) return err;
      f.not_object = true;
      SIMDJSON_TRY(strict_json::validate(element, 1));
      continue;
    }
    SIMDJSON_TRY(read_polygon_fields(obj, conditions_, f));
  }
  return strict_json::at_end(doc);
}

}  // namespace tickstock::app
