// Strict JSON over simdjson On-Demand, for the Polygon frame parser: numbers, strings and keys
// are read as simdjson's validating (DOM) parser reads them, and the values nobody asked for
// are checked all the same, so that a frame read through On-Demand is refused exactly when the
// validating parser would refuse it. The readers every field goes through are inline; the
// rare paths (long numbers, unknown values, documents that are not arrays) are not.
#ifndef TICKSTOCKAPP_POLYGON_JSON_VALIDATOR_H_
#define TICKSTOCKAPP_POLYGON_JSON_VALIDATOR_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include <simdjson.h>

namespace tickstock::app::strict_json {

namespace od = simdjson::ondemand;

// simdjson's limit for a validating parse, which counts only arrays and objects that hold
// something (the frame's array is at depth 0): deeper frames are refused the same way.
inline constexpr int kMaxDepth = static_cast<int>(simdjson::DEFAULT_MAX_DEPTH);

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

// A long number's token read again exactly (see the .cpp). Rare, so it may allocate.
[[gnu::noinline]] simdjson::error_code exact_double(std::string_view token, double& out);

// A number get_double refused (see the .cpp). Out of line: the hot path stays small.
[[gnu::noinline]] simdjson::error_code number_of(od::value& v, double& out);

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
// Refuses content after the document's value.
inline simdjson::error_code at_end(od::document& doc) {
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS ? simdjson::SUCCESS
                                                                   : simdjson::TAPE_ERROR;
}

// Checks a value nobody asked for (an unknown field, a value of the wrong type), as a
// validating parser would: On-Demand skips such values without looking inside them. `depth`:
// of the value, the frame's array being at 0.
simdjson::error_code validate(od::value& v, int depth);

// The same for a frame that is not an array (of JSON type `type`), up to its `end`.
simdjson::error_code validate_document(od::document& doc, od::json_type type, const char* end);

}  // namespace tickstock::app::strict_json

#endif  // TICKSTOCKAPP_POLYGON_JSON_VALIDATOR_H_
