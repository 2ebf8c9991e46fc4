// A migrated PostgreSQL test database behind a TcpProxy, for tests of serve while the database
// goes away (cut) or goes silent.
#ifndef TICKSTOCK_TESTS_APP_WEB_PROXIED_DATABASE_H_
#define TICKSTOCK_TESTS_APP_WEB_PROXIED_DATABASE_H_

#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "app/app_support.h"
#include "app/web/web_serve.h"
#include "support/pg_test_db.h"
#include "support/tcp_proxy.h"

namespace tickstock::test {

// A migrated test database, a proxy in front of it, and serve's environment pointing through the
// proxy (with a spill directory of its own).
struct ProxiedDatabase {
  explicit ProxiedDatabase(const std::string& name)
      : proxy(url_port(db.url())),
        spill("/tmp/tickstock-test-" + std::to_string(getpid()) + "-" + name + "-spill") {
    if (run_app("migrate", db.env()).exit_code != 0) throw std::runtime_error("migrate failed");
    env = memory_env();
    env[0].second = url_via(db.url(), proxy.port());
  }
  ~ProxiedDatabase() { std::filesystem::remove_all(spill); }
  TestDatabase db;
  TcpProxy proxy;
  std::string spill;
  std::vector<std::pair<std::string, std::string>> env;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_WEB_PROXIED_DATABASE_H_
