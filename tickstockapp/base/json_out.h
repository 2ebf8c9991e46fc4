// Builds JSON text for the API: objects, arrays and values in the order written, strings
// escaped to valid UTF-8 (the library's escaping), reals as the shortest round-trip text
// (non-finite as null). Commas are placed by the builder; nesting is the caller's.
#ifndef TICKSTOCKAPP_BASE_JSON_OUT_H_
#define TICKSTOCKAPP_BASE_JSON_OUT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tickstock::app {

class JsonOut {
 public:
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // `"k":` before the next value, object or array.
  void key(std::string_view k);
  // Values (inside an array, or after key()).
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(double v);
  void value(std::int64_t v);
  void value(int v) { value(static_cast<std::int64_t>(v)); }
  void value(std::uint64_t v);
  void value(bool v);
  void null();
  // A value whose JSON text the caller made (e.g. a stored JSON object).
  void raw(std::string_view json);
  // key() then value().
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void open(char c);
  void close(char c);
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_JSON_OUT_H_
