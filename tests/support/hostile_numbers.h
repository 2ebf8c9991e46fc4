// Numbers a broken or hostile producer sends, for tests of every numeric field taken from
// outside: the edges of double and of 64-bit integers, tiny, negative, NaN and infinite.
#ifndef TICKSTOCK_TESTS_SUPPORT_HOSTILE_NUMBERS_H_
#define TICKSTOCK_TESTS_SUPPORT_HOSTILE_NUMBERS_H_

#include <string>
#include <vector>

namespace tickstock::test {

// As JSON number tokens (what simdjson parses as a number, or refuses as one).
inline const std::vector<std::string>& hostile_json_numbers() {
  static const std::vector<std::string> v{"1.7976931348623157e308",
                                          "-1.7976931348623157e308",
                                          "4.9e-324",
                                          "-0",
                                          "0",
                                          "1.5",
                                          "9223372036854775807",
                                          "9223372036854775808",
                                          "-9223372036854775808",
                                          "18446744073709551615",
                                          "1e19",
                                          "-1e19",
                                          "9.2233720368547758e18",
                                          "2147483648",
                                          "-2147483649",
                                          "1e400",
                                          "1e-7",
                                          "99999999999.9"};
  return v;
}

// The same and more as text in a JSON string: what a producer sends as a numeric string.
inline std::vector<std::string> hostile_json_strings() {
  std::vector<std::string> v;
  for (const std::string& n : hostile_json_numbers()) v.push_back("\"" + n + "\"");
  for (const char* s : {"nan", "NaN", "inf", "-inf", "infinity", "0x10", "1e-400",
                        "99999999999999999999999999", ""})
    v.push_back(std::string("\"") + s + "\"");
  return v;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_HOSTILE_NUMBERS_H_
