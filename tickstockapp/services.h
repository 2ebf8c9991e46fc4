// Reachability checks for the external services named in the configuration.
#ifndef TICKSTOCKAPP_SERVICES_H_
#define TICKSTOCKAPP_SERVICES_H_

#include <string>

#include "tickstock/result.h"

namespace tickstock::app {

// A URL with any password replaced by "***", safe to log.
std::string redact_url(const std::string& url);
// Pings PostgreSQL at a libpq conninfo/URL; the error says why it is not usable.
Result<void> check_postgres(const std::string& url);
// Parses redis://[:password@]host:port[/db] into host and port.
Result<std::pair<std::string, int>> parse_redis_url(const std::string& url);
// Connects to Redis and sends PING.
Result<void> check_redis(const std::string& host, int port);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SERVICES_H_
