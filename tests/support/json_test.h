// Reading JSON payloads in tests (simdjson's DOM, exceptions on: a wrong type fails the test).
#ifndef TICKSTOCK_TESTS_SUPPORT_JSON_TEST_H_
#define TICKSTOCK_TESTS_SUPPORT_JSON_TEST_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace tickstock::test {

// One parsed JSON document. Throws simdjson_error when the text is not JSON or a field is
// missing or of another type.
class Json {
 public:
  explicit Json(const std::string& text) : root_(parser_.parse(text)) {}
  simdjson::dom::element root() const { return root_; }
  simdjson::dom::element operator[](std::string_view key) const { return root_[key]; }
  std::string str(std::string_view key) const { return std::string(std::string_view(root_[key])); }
  double num(std::string_view key) const { return double(root_[key]); }
  std::int64_t integer(std::string_view key) const { return std::int64_t(root_[key]); }
  bool boolean(std::string_view key) const { return bool(root_[key]); }
  bool has(std::string_view key) const { return root_[key].error() == simdjson::SUCCESS; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_JSON_TEST_H_
