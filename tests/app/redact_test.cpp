// redact_url(): every form a PostgreSQL or Redis secret takes (URL userinfo, query parameters,
// conninfo pairs, libpq's echoes of them), and the binary's logs with each of them configured.
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "base/services.h"

using tickstock::app::redact_url;
using tickstock::test::run_app;

namespace {

// The redacted text, checked to hold no trace of `secret`.
std::string redacted(const std::string& text, const std::string& secret) {
  const std::string r = redact_url(text);
  INFO(text << " -> " << r);
  CHECK(r.find(secret) == std::string::npos);
  return r;
}

}  // namespace

TEST_CASE("redact_url hides the password of every URL form", "[app][redact]") {
  CHECK(redacted("postgresql://tick:s3cret@db.example:5432/market", "s3cret") ==
        "postgresql://tick:***@db.example:5432/market");
  // '@', ':' and '?' in the password: the userinfo ends at the last '@' before the path.
  CHECK(redacted("postgresql://tick:p@ss:w?rd@db:5432/market", "ss:w") ==
        "postgresql://tick:***@db:5432/market");
  CHECK(redacted("postgres://tick:a@b@db", "a@b") == "postgres://tick:***@db");
  CHECK(redacted("redis://:s3cret@127.0.0.1:6379/0", "s3cret") == "redis://:***@127.0.0.1:6379/0");
  CHECK(redacted("rediss://default:s3cret@cache.example:6380", "s3cret") ==
        "rediss://default:***@cache.example:6380");
  CHECK(redacted("postgresql://tick@db/market?password=s3cret&sslmode=require", "s3cret") ==
        "postgresql://tick@db/market?password=***&sslmode=require");
  CHECK(redacted("postgresql://db/market?sslmode=require&password=s3cret", "s3cret") ==
        "postgresql://db/market?sslmode=require&password=***");
  CHECK(redacted("postgresql://db/m?PassWord=s3cret&sslpassword=k3y#x", "k3y") ==
        "postgresql://db/m?PassWord=***&sslpassword=***#x");
  // Nothing secret: unchanged.
  CHECK(redact_url("postgresql://tick@db:5432/market?sslmode=require") ==
        "postgresql://tick@db:5432/market?sslmode=require");
  CHECK(redact_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0");
}

TEST_CASE("redact_url hides conninfo passwords, quoted or not", "[app][redact]") {
  CHECK(redacted("host=db user=tick password=s3cret dbname=market", "s3cret") ==
        "host=db user=tick password=*** dbname=market");
  CHECK(redacted("host=db password = 'a b c' dbname=market", "a b c") ==
        "host=db password = *** dbname=market");
  CHECK(redacted("password='it\\'s a \\\\ secret' host=db", "secret") == "password=*** host=db");
  CHECK(redacted("host=db sslpassword=k3y password='unterminated s3cret", "s3cret") ==
        "host=db sslpassword=*** password=***");
  // A key that merely ends in the word is not one.
  CHECK(redact_url("host=db mypassword=visible") == "host=db mypassword=visible");
  // A word without its key in a conninfo string may be a password ("password s3cret").
  CHECK(redacted("host=db port=1 s3cret dbname=m", "s3cret") == "host=db port=1 *** dbname=m");
  // A value may be a URL.
  CHECK(redacted("dbname=postgresql://u:s3cret@db/m host=x", "s3cret") ==
        "dbname=postgresql://u:***@db/m host=x");
}

TEST_CASE("libpq_url hands libpq an '@' in the password as the user meant it", "[app][redact]") {
  using tickstock::app::libpq_url;
  CHECK(libpq_url("postgresql://tick:p@ss@db:5432/m") == "postgresql://tick:p%40ss@db:5432/m");
  CHECK(libpq_url("postgres://me@corp:a@b@db/m?sslmode=require") ==
        "postgres://me%40corp:a%40b@db/m?sslmode=require");
  CHECK(libpq_url("postgresql://tick:pw@db/m") == "postgresql://tick:pw@db/m");
  CHECK(libpq_url("postgresql://db/m") == "postgresql://db/m");
  CHECK(libpq_url("host=db password=a@b") == "host=db password=a@b");
}

TEST_CASE("redact_url hides secrets inside error messages that echo them", "[app][redact]") {
  CHECK(redacted("cannot connect to PostgreSQL: end of string reached when looking for matching "
                 "\"]\" in IPv6 host address in URI: \"postgresql://u:s3cret@[::1/db\"",
                 "s3cret")
            .find("\"postgresql://u:***@[::1/db\"") != std::string::npos);
  CHECK(redacted("missing \"=\" after \"s3cret\" in connection info string", "s3cret") ==
        "missing \"=\" after \"***\" in connection info string");
  CHECK(redacted("REDIS_URL 'redis://u:s3cret@h:x': bad port", "s3cret") ==
        "REDIS_URL 'redis://u:***@h:x': bad port");
}

TEST_CASE("no password reaches the log, whatever form the URLs take", "[app][redact][serve]") {
  // Nothing listens on port 1: every connection fails, and every failure is logged.
  for (const char* db :
       {"postgresql://u:hunt3r2@127.0.0.1:1/x", "postgresql://u:hun@t3r2@127.0.0.1:1/x",
        "postgresql://u@127.0.0.1:1/x?password=hunt3r2",
        "'host=127.0.0.1 port=1 password=hunt3r2 connect_timeout=1'",
        "\"host=127.0.0.1 port=1 password='hunt3r2 too' connect_timeout=1\"",
        "'postgresql://u:hunt3r2@[::1/db'", "'host=127.0.0.1 port=1 hunt3r2'"}) {
    INFO(db);
    const auto migrate = run_app(std::string("migrate --database-url ") + db);
    CHECK(migrate.exit_code != 0);
    CHECK_FALSE(migrate.err.empty());
    CHECK(migrate.err.find("t3r2") == std::string::npos);
  }
  // serve logs the URLs it is given, the sink's connection errors, and its exit summary (after
  // waiting for the database as long as --pg-flush-timeout-ms): one run, with two forms at once.
  const auto serve = run_app(
      "serve --feed synthetic --speed max --synthetic-minutes 1 --exit-on-eof "
      "--redis-flush-timeout-ms 100 --pg-flush-timeout-ms 300 --redis-no-jobs --spill-dir '' "
      "--database-url "
      "'postgresql://u:hun@t3r2@127.0.0.1:1/x?password=hunt3r2' --redis-url "
      "redis://:hun@t3r2@127.0.0.1:1/0");
  CHECK(serve.err.find("PostgreSQL postgresql://u:***@127.0.0.1:1/x?password=***: NOT reachable") !=
        std::string::npos);
  CHECK(serve.err.find("Redis redis://:***@127.0.0.1:1/0: NOT reachable") != std::string::npos);
  CHECK(serve.err.find("cannot connect to PostgreSQL") != std::string::npos);
  CHECK(serve.err.find("t3r2") == std::string::npos);
  // The same password read as meant: libpq no longer takes "t3r2@127.0.0.1" for the host (and
  // echoes it). The test server trusts local connections, so any password logs in.
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') {
    std::string with_at(url);
    const auto scheme = with_at.find("://") + 3;
    const auto at = with_at.find('@', scheme);
    REQUIRE(at != std::string::npos);  // postgresql://user@host...
    with_at.insert(at, ":hun@t3r2");
    const auto status = run_app("migrate --status --database-url '" + with_at + "'");
    INFO(status.err);
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("database schema version") != std::string::npos);
    CHECK(status.err.find("t3r2") == std::string::npos);
  }
  const auto bad_redis =
      run_app("serve --feed synthetic --redis-url 'rediss://user:hun@t3r2@127.0.0.1:port'");
  CHECK(bad_redis.exit_code == 2);
  CHECK(bad_redis.err.find("hunt3r2") == std::string::npos);
  CHECK(bad_redis.err.find("t3r2") == std::string::npos);
}
