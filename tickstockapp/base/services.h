// Reachability checks for the external services named in the configuration.
#ifndef TICKSTOCKAPP_BASE_SERVICES_H_
#define TICKSTOCKAPP_BASE_SERVICES_H_

#include <string>
#include <string_view>

#include "tickstock/result.h"

#include "base/redact.h"

namespace tickstock::app {

// Pings PostgreSQL at a libpq conninfo/URL; the error says why it is not usable.
Result<void> check_postgres(const std::string& url);
// Where a Redis server is and how to log in.
struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string username;  // with password: AUTH username password
  std::string password;  // "" = no AUTH
  int db = 0;
};
// Parses redis://[[username]:password@]host[:port][/db] (the scheme is optional).
Result<RedisAddress> parse_redis_url(const std::string& url);
// Connects to Redis, logs in when the address has a password, and sends PING.
Result<void> check_redis(const RedisAddress& address);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_SERVICES_H_
