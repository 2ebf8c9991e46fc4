// The API's numeric parameters, read strictly: plain decimal digits (an optional '-'), no
// spaces, signs or exponents, and within the route's range. Anything else (too large, negative,
// fractional, garbage) gets a 400 that names the parameter and quotes the value.
#ifndef TICKSTOCKAPP_WEB_API_API_PARAMS_H_
#define TICKSTOCKAPP_WEB_API_API_PARAMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "web/http/http_types.h"

namespace tickstock::app {

// `text` as a decimal integer: [-]digits that fit an int64.
std::optional<std::int64_t> parse_int64(std::string_view text);
// `text` as a finite decimal number ([-]digits[.digits]), no exponent, hex, inf or nan.
std::optional<double> parse_decimal(std::string_view text);
// `value` for an error message: at most 40 bytes, then "...".
std::string quote_value(std::string_view value);

// Query parameter `name` as an integer from lo to hi: absent leaves `out` as it is.
std::optional<HttpResponse> int_param(const HttpRequest& req, std::string_view name,
                                      std::int64_t lo, std::int64_t hi, std::int64_t& out);
std::optional<HttpResponse> int_param(const HttpRequest& req, std::string_view name, int lo, int hi,
                                      int& out);
// Query parameter `name` as a number from lo to hi: absent leaves `out` as it is.
std::optional<HttpResponse> number_param(const HttpRequest& req, std::string_view name, double lo,
                                         double hi, double& out);
// A path segment that is an id (1 to 2^63-1); `what` names it ("the subscription id").
std::optional<HttpResponse> id_segment(std::string_view text, std::string_view what,
                                       std::int64_t& out);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_API_PARAMS_H_
