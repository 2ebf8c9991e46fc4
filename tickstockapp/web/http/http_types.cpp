// Request helpers: headers, query parameters, cookies, target parsing, JSON errors.
#include "web/http/http_types.h"

#include "base/json_out.h"

namespace tickstock::app {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

const std::string* HttpRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

std::string HttpRequest::cookie(std::string_view name) const {
  std::string_view all = header("cookie");
  while (!all.empty()) {
    const auto semi = all.find(';');
    std::string_view item = trim(all.substr(0, semi));
    all = semi == std::string_view::npos ? std::string_view() : all.substr(semi + 1);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && trim(item.substr(0, eq)) == name)
      return std::string(trim(item.substr(eq + 1)));
  }
  return {};
}

bool percent_decode(std::string_view s, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

bool parse_target(std::string_view target, std::string& path,
                  std::vector<std::pair<std::string, std::string>>& query) {
  const auto q = target.find('?');
  if (!percent_decode(target.substr(0, q), path, false)) return false;
  if (path.find('\0') != std::string::npos) return false;
  query.clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    std::string k, v;
    if (!percent_decode(item.substr(0, eq), k, true)) return false;
    if (eq != std::string_view::npos && !percent_decode(item.substr(eq + 1), v, true)) return false;
    query.emplace_back(std::move(k), std::move(v));
  }
  return true;
}

const char* status_code_name(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 423:
      return "locked";
    case 429:
      return "too_many_requests";
    case 431:
      return "headers_too_large";
    case 500:
      return "internal_error";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

HttpResponse json_error(int status, std::string_view code, std::string_view detail) {
  HttpResponse r;
  r.status = status;
  JsonOut j;
  j.begin_object();
  j.field("error", code);
  j.field("detail", detail);
  j.end_object();
  r.body = j.take();
  return r;
}

}  // namespace tickstock::app
