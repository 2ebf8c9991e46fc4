// URLs of the Polygon endpoints: ws:// wss:// http:// https://, host, port, path and query.
#ifndef TICKSTOCKAPP_POLYGON_URL_H_
#define TICKSTOCKAPP_POLYGON_URL_H_

#include <string>

#include "tickstock/result.h"

namespace tickstock::app {

struct Url {
  std::string scheme;  // ws, wss, http or https
  std::string host;    // name or IPv4 address
  std::string port;    // given, or the scheme's default (80 / 443)
  std::string target;  // path and query, "/" when none
  // True for wss and https.
  bool tls() const { return scheme == "wss" || scheme == "https"; }
  // The Host header: host, and :port when it is not the scheme's default.
  std::string host_header() const;
};

// Parses `text`; the error names the URL and what is wrong with it.
Result<Url> parse_url(const std::string& text);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_URL_H_
