// A throwaway PostgreSQL database for one test, on the server scripts/test starts
// (DATABASE_URL). Created empty, dropped at the end.
#ifndef TICKSTOCK_TESTS_SUPPORT_PG_TEST_DB_H_
#define TICKSTOCK_TESTS_SUPPORT_PG_TEST_DB_H_

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <libpq-fe.h>

#include "support/test_paths.h"

namespace tickstock::test {

// True when DATABASE_URL is set; otherwise tests needing PostgreSQL skip (never in CI).
inline bool have_database() {
  const char* db = std::getenv("DATABASE_URL");
  if (db != nullptr && *db != '\0') return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true")
    throw std::runtime_error("CI must provide DATABASE_URL (scripts/test starts PostgreSQL)");
  return false;
}

// Returns from the enclosing test, with a warning, when there is no database to test against.
#define TICKSTOCK_SKIP_WITHOUT_DATABASE()                           \
  do {                                                              \
    if (!::tickstock::test::have_database()) {                      \
      WARN("skipped: DATABASE_URL not set (scripts/test sets it)"); \
      return;                                                       \
    }                                                               \
  } while (false)

// Runs one statement on `url`; throws with PostgreSQL's message on failure. Returns the first
// column of the first row ("" when none).
inline std::string pg_query(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK)
    throw std::runtime_error("connect " + url + ": " + PQerrorMessage(c.get()));
  PQsetNoticeProcessor(
      c.get(), [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error(sql + ": " + PQerrorMessage(c.get()));
  return PQntuples(r.get()) > 0 && PQnfields(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
}

class TestDatabase {
 public:
  // REQUIRES: have_database(); DATABASE_URL is a URL ending in /DBNAME.
  TestDatabase() : admin_(std::getenv("DATABASE_URL")) {
    static std::atomic<int> n{0};
    name_ = "tickstock_test_" + std::to_string(getpid()) + "_" + std::to_string(n++);
    const auto slash = admin_.rfind('/');
    if (slash == std::string::npos || admin_.find("://") == std::string::npos)
      throw std::runtime_error("DATABASE_URL must be a postgresql:// URL");
    url_ = admin_.substr(0, slash + 1) + name_;
    pg_query(admin_, "DROP DATABASE IF EXISTS " + name_);
    pg_query(admin_, "CREATE DATABASE " + name_);
  }
  ~TestDatabase() {
    try {
      pg_query(admin_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {  // a leftover database in a throwaway cluster is harmless
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // The database's URL.
  const std::string& url() const { return url_; }
  // A shell prefix that gives a command this database: "env DATABASE_URL='...'".
  std::string env() const { return "env DATABASE_URL='" + url_ + "'"; }
  // The first column of the first row of `sql` on this database.
  std::string query(const std::string& sql) const { return pg_query(url_, sql); }
  // Runs sql/NNN_*.sql in order (what `tickstockapp migrate` applies).
  void apply_schema() const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(sql_dir()))
      if (e.path().extension() == ".sql") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream sql;
      sql << in.rdbuf();
      query(sql.str());
    }
  }

 private:
  std::string admin_, name_, url_;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_PG_TEST_DB_H_
