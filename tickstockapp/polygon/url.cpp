#include "polygon/url.h"

#include <cstdlib>

namespace tickstock::app {

std::string Url::host_header() const {
  const bool default_port = port == (tls() ? "443" : "80");
  return default_port ? host : host + ":" + port;
}

Result<Url> parse_url(const std::string& text) {
  Url u;
  const auto colon = text.find("://");
  if (colon == std::string::npos)
    return fail("URL '", text, "': expected scheme://host[:port]/path");
  u.scheme = text.substr(0, colon);
  if (u.scheme != "ws" && u.scheme != "wss" && u.scheme != "http" && u.scheme != "https")
    return fail("URL '", text, "': scheme '", u.scheme, "' is not ws, wss, http or https");
  const std::string rest = text.substr(colon + 3);
  const auto slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (u.target[0] == '?') u.target = "/" + u.target;
  if (authority.find('@') != std::string::npos)
    return fail("URL '", text, "': credentials in the URL are not supported");
  const auto pc = authority.rfind(':');
  if (pc != std::string::npos) {
    u.port = authority.substr(pc + 1);
    authority.resize(pc);
    char* end = nullptr;
    const long p = std::strtol(u.port.c_str(), &end, 10);
    if (u.port.empty() || *end != '\0' || p <= 0 || p > 65535)
      return fail("URL '", text, "': port '", u.port, "' is not a number in 1..65535");
  } else {
    u.port = u.tls() ? "443" : "80";
  }
  if (authority.empty()) return fail("URL '", text, "': no host");
  u.host = authority;
  return u;
}

}  // namespace tickstock::app
