// Reachability checks for the external services named in the configuration.
#ifndef TICKSTOCKAPP_SERVICES_H_
#define TICKSTOCKAPP_SERVICES_H_

#include <string>
#include <string_view>

#include "tickstock/result.h"

namespace tickstock::app {

// `text` with every secret replaced by "***", safe to log: the password of a URL
// (scheme://user:PASSWORD@host, postgresql:// and redis(s):// alike, '@' in the password
// included), secret query parameters (?password=..., &sslpassword=...), conninfo pairs
// (password=... or password='a b c') and the word libpq echoes from a conninfo it cannot
// parse. For a URL, a conninfo string or an error message that may contain either.
std::string redact_url(std::string_view text);
// The database URL as libpq must be given it: libpq ends the password at its first '@', so an
// '@' in the user name or password (before the last '@' ahead of the host) is percent-encoded.
// Anything else (a conninfo string) as it is.
std::string libpq_url(std::string_view url);
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

#endif  // TICKSTOCKAPP_SERVICES_H_
