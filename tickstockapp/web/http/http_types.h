// A request and a response as the dashboard's handlers see them: plain values, no Beast, so
// that routing and handlers stay independent of the transport.
#ifndef TICKSTOCKAPP_WEB_HTTP_HTTP_TYPES_H_
#define TICKSTOCKAPP_WEB_HTTP_HTTP_TYPES_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tickstock::app {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string client_ip;  // the client's address: the TCP peer's, or behind a trusted proxy the
                          // one it forwarded (X-Forwarded-For)
  bool tls = false;       // this connection is TLS
  bool secure = false;    // the client's side is HTTPS: TLS here, or X-Forwarded-Proto: https
                          // from a trusted proxy
  bool cookie_secure = false;  // cookies set in the answer get Secure (secure, or --cookie-secure)
  std::chrono::steady_clock::time_point received;

  // The first header named `name` (lower case), or "" when absent.
  std::string_view header(std::string_view name) const;
  // The first query parameter named `name`, or nullptr.
  const std::string* param(std::string_view name) const;
  // The value of cookie `name` from the Cookie header, or "".
  std::string cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // added as given
  std::string route;       // the route that answered, for the metrics ("" = unmatched)
  std::string log_detail;  // not sent: why a 500 happened, for the server's log
};

// Answers a request exactly once, from any thread.
using Reply = std::function<void(HttpResponse)>;

// Splits `target` into the decoded path and query; false when the path's percent-encoding is
// malformed or decodes to a NUL byte.
bool parse_target(std::string_view target, std::string& path,
                  std::vector<std::pair<std::string, std::string>>& query);
// `s` with %XX sequences (and, when `plus_is_space`, '+') decoded; false when malformed.
bool percent_decode(std::string_view s, std::string& out, bool plus_is_space);

// A JSON error body {"error": code, "detail": text}.
HttpResponse json_error(int status, std::string_view code, std::string_view detail);
// The standard reason phrase-like code for `status` ("not_found", "unauthorized", ...).
const char* status_code_name(int status);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_HTTP_TYPES_H_
