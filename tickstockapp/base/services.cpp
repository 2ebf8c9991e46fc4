#include "base/services.h"

#include <cstdlib>
#include <memory>
#include <vector>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

namespace tickstock::app {

namespace {

// Why libpq could not reach the server ("connection to server at ... failed: Connection
// refused"): PQping() only says that it could not. One more attempt, bounded by the URL's
// connect_timeout or 5 s; the first line of libpq's message, URLs and secrets redacted.
std::string unreachable_reason(const std::string& url) {
  const std::string conninfo = libpq_url(url);
  // Later keywords win, so the URL's own connect_timeout (if any) overrides ours.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"5", conninfo.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  std::string why = c == nullptr ? std::string() : std::string(PQerrorMessage(c));
  PQfinish(c);
  why = why.substr(0, why.find('\n'));
  if (why.empty()) return "no response from the server";
  return redact_url(why);
}

}  // namespace

Result<void> check_postgres(const std::string& url) {
  switch (PQping(libpq_url(url).c_str())) {
    case PQPING_OK:
      return {};
    case PQPING_REJECT:
      return fail("server is up but refuses connections");
    case PQPING_NO_RESPONSE:
      return fail(unreachable_reason(url));
    default:
      return fail("invalid connection string");
  }
}

Result<RedisAddress> parse_redis_url(const std::string& url) {
  RedisAddress a;
  std::string rest = url;
  if (rest.rfind("redis://", 0) == 0) rest = rest.substr(8);
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string login = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = login.find(':');
    // As the redis:// scheme defines it: user[:password]; without a password there is no AUTH.
    a.username = login.substr(0, colon);
    if (colon != std::string::npos) a.password = login.substr(colon + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      char* end = nullptr;
      const long d = std::strtol(db.c_str(), &end, 10);
      if (*end != '\0' || d < 0 || d > 1'000'000)
        return fail("REDIS_URL '", redact_url(url), "': bad database number '", db, "'");
      a.db = static_cast<int>(d);
    }
  }
  a.host = rest;
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    a.host = rest.substr(0, colon);
    char* end = nullptr;
    const long p = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || p <= 0 || p > 65535)
      return fail("REDIS_URL '", redact_url(url), "': bad port");
    a.port = static_cast<int>(p);
  }
  if (a.host.empty()) return fail("REDIS_URL '", redact_url(url), "': no host");
  return a;
}

Result<void> check_redis(const RedisAddress& address) {
  struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  struct ReplyFree {
    void operator()(void* r) const { freeReplyObject(r); }
  };
  const timeval tv{2, 0};
  std::unique_ptr<redisContext, ContextFree> c(
      redisConnectWithTimeout(address.host.c_str(), address.port, tv));
  if (c == nullptr) return fail("cannot allocate a connection");
  if (c->err != 0) return fail(c->errstr);
  redisSetTimeout(c.get(), tv);
  auto ask = [&](std::vector<std::string> args) -> Result<void> {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& x : args) {
      argv.push_back(x.c_str());
      lens.push_back(x.size());
    }
    std::unique_ptr<void, ReplyFree> r(
        redisCommandArgv(c.get(), static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (r == nullptr) return fail(c->errstr);
    const auto* reply = static_cast<redisReply*>(r.get());
    if (reply->type == REDIS_REPLY_ERROR) return fail(args[0], ": ", reply->str);
    return {};
  };
  if (!address.password.empty()) {
    auto auth = address.username.empty() ? ask({"AUTH", address.password})
                                         : ask({"AUTH", address.username, address.password});
    if (!auth) return auth;
  }
  return ask({"PING"});
}

}  // namespace tickstock::app
