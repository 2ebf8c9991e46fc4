// Strict number parsing for the API's parameters.
#include "web/api/api_params.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace tickstock::app {
namespace {

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

HttpResponse bad_value(std::string_view name, std::string_view value, const std::string& want) {
  return json_error(400, "bad_request",
                    std::string(name) + ": '" + quote_value(value) + "' is not " + want);
}

}  // namespace

std::optional<std::int64_t> parse_int64(std::string_view text) {
  const std::string_view body = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  if (!digits(body)) return std::nullopt;
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view text) {
  std::string_view body = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  const auto dot = body.find('.');
  if (!digits(body.substr(0, dot)) ||
      (dot != std::string_view::npos && !digits(body.substr(dot + 1))))
    return std::nullopt;
  if (text.size() > 64) return std::nullopt;  // no one writes a confidence that long
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string quote_value(std::string_view value) {
  return value.size() <= 40 ? std::string(value) : std::string(value.substr(0, 40)) + "...";
}

std::optional<HttpResponse> int_param(const HttpRequest& req, std::string_view name,
                                      std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  const std::string* v = req.param(name);
  if (v == nullptr) return std::nullopt;
  const auto n = parse_int64(*v);
  if (!n || *n < lo || *n > hi)
    return bad_value(name, *v,
                     "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  out = *n;
  return std::nullopt;
}

std::optional<HttpResponse> int_param(const HttpRequest& req, std::string_view name, int lo, int hi,
                                      int& out) {
  std::int64_t wide = out;
  if (auto e = int_param(req, name, std::int64_t{lo}, std::int64_t{hi}, wide)) return e;
  out = static_cast<int>(wide);
  return std::nullopt;
}

std::optional<HttpResponse> number_param(const HttpRequest& req, std::string_view name, double lo,
                                         double hi, double& out) {
  const std::string* v = req.param(name);
  if (v == nullptr) return std::nullopt;
  const auto d = parse_decimal(*v);
  if (!d || *d < lo || *d > hi) {
    char range[64];
    std::snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
    return bad_value(name, *v, range);
  }
  out = *d;
  return std::nullopt;
}

std::optional<HttpResponse> id_segment(std::string_view text, std::string_view what,
                                       std::int64_t& out) {
  const auto n = parse_int64(text);
  if (!n || *n < 1)
    return json_error(400, "bad_request",
                      std::string(what) + ": '" + quote_value(text) +
                          "' is not a positive integer (1 to 9223372036854775807)");
  out = *n;
  return std::nullopt;
}

}  // namespace tickstock::app
