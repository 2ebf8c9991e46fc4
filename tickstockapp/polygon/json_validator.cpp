#include "polygon/json_validator.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace tickstock::app::strict_json {

namespace {

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

}  // namespace

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

}  // namespace tickstock::app::strict_json
