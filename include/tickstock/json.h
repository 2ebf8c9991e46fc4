// The project's one JSON writer: strings escaped to valid UTF-8 JSON (quote, backslash and every
// control character escaped), reals as the shortest text that reads back to the same double
// (non-finite as null). JsonWriter appends objects to a string, keys and values in order; it
// does not check nesting: the caller opens and closes what it writes.
#ifndef TICKSTOCK_JSON_H_
#define TICKSTOCK_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tickstock {

// Appends `s` as a JSON string (with quotes): `"` and `\` escaped, control characters as
// \u00XX, bytes that are not valid UTF-8 as \ufffd.
void append_json_string(std::string& out, std::string_view s);
// Appends `v` as a JSON number, shortest round-trip; NaN and infinities as null.
void append_json_number(std::string& out, double v);

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out) : out_(out) {}

  // `{`, after a comma when a value came before.
  void begin_object() {
    separate();
    out_ += '{';
    need_comma_ = false;
  }
  // `}`.
  void end_object() {
    out_ += '}';
    need_comma_ = true;
  }
  // `"key":` before a value or begin_object().
  void key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    need_comma_ = false;
  }
  // `"k":"v"`, `"k":number`, `"k":integer` and `"k":true|false`.
  void str(std::string_view k, std::string_view v) {
    key(k);
    append_json_string(out_, v);
    need_comma_ = true;
  }
  void num(std::string_view k, double v) {
    key(k);
    append_json_number(out_, v);
    need_comma_ = true;
  }
  void integer(std::string_view k, std::int64_t v);
  void uinteger(std::string_view k, std::uint64_t v);
  void boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    need_comma_ = true;
  }
  // `"k":[`; elements or objects follow, then end_array().
  void begin_array(std::string_view k) {
    key(k);
    out_ += '[';
    need_comma_ = false;
  }
  // `]`.
  void end_array() {
    out_ += ']';
    need_comma_ = true;
  }
  // An array element: a string or a number.
  void element(std::string_view v) {
    separate();
    append_json_string(out_, v);
    need_comma_ = true;
  }
  void element(double v) {
    separate();
    append_json_number(out_, v);
    need_comma_ = true;
  }
  // `"k":{"name":"value",...}`: named strings as an object, in order.
  void string_object(std::string_view k,
                     const std::vector<std::pair<std::string, std::string>>& fields);
  // A value whose JSON text the caller made (e.g. a timestamp written in place).
  std::string& raw_value(std::string_view k) {
    key(k);
    need_comma_ = true;
    return out_;
  }

 private:
  template <class Int>
  void append_integer(Int v);
  void separate() {
    if (need_comma_) out_ += ',';
  }
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace tickstock

#endif  // TICKSTOCK_JSON_H_
