#include "services.h"

#include <cstdlib>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

namespace tickstock::app {

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Result<void> check_postgres(const std::string& url) {
  switch (PQping(url.c_str())) {
    case PQPING_OK:
      return {};
    case PQPING_REJECT:
      return fail("server is up but refuses connections");
    case PQPING_NO_RESPONSE:
      return fail("no response from the server");
    default:
      return fail("invalid connection string");
  }
}

Result<std::pair<std::string, int>> parse_redis_url(const std::string& url) {
  std::string rest = url;
  if (rest.rfind("redis://", 0) == 0) rest = rest.substr(8);
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
  std::string host = rest;
  int port = 6379;
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    char* end = nullptr;
    const long p = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || p <= 0 || p > 65535) return fail("REDIS_URL '", url, "': bad port");
    port = static_cast<int>(p);
  }
  if (host.empty()) return fail("REDIS_URL '", url, "': no host");
  return std::pair{host, port};
}

Result<void> check_redis(const std::string& host, int port) {
  timeval tv{2, 0};
  redisContext* c = redisConnectWithTimeout(host.c_str(), port, tv);
  if (c == nullptr) return fail("cannot allocate a connection");
  if (c->err != 0) {
    std::string why = c->errstr;
    redisFree(c);
    return fail(why);
  }
  auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
  std::string why;
  if (reply == nullptr) {
    why = c->errstr;
  } else if (reply->type == REDIS_REPLY_ERROR) {
    why = reply->str;
  }
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(c);
  if (!why.empty()) return fail(why);
  return {};
}

}  // namespace tickstock::app
