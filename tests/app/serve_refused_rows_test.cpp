// serve with a database that refuses some rows (a constraint the operator added): the other
// symbols' rows of the same batches are stored, the refused ones are kept in the refused file
// beside the spill file, and the exit summary and /metrics count them.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/web/web_serve.h"
#include "support/pg_test_db.h"
#include "support/web_client.h"

using namespace tickstock::test;

TEST_CASE("serve stores the rest of a batch the database partly refuses and keeps the refused",
          "[app][serve][db][refused]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // The database takes no 5-minute bar of SYN01.
  db.query("ALTER TABLE ohlcv_5min ADD CONSTRAINT no_syn01 CHECK (symbol <> 'SYN01')");
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tickstock-refused-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  WebServe serve({"--speed", "max", "--synthetic-minutes", "60", "--synthetic-symbols", "3",
                  "--spill-dir", dir.string()},
                 {{"DATABASE_URL", db.url()}, {"REDIS_URL", ""}, {"REDIS_HOST", ""}});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  std::string metrics;
  for (int i = 0; i < 300; ++i) {
    metrics = c.get("/metrics").body;
    if (metrics.find("tickstock_feed_running 0\n") != std::string::npos &&
        metrics.find("tickstock_postgres_refused_rows_total{kept=\"yes\"} 12\n") !=
            std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(serve.process().err());
  CHECK(metrics.find("tickstock_postgres_refused_rows_total{kept=\"yes\"} 12\n") !=
        std::string::npos);
  CHECK(metrics.find("tickstock_postgres_refused_rows_total{kept=\"no\"} 0\n") !=
        std::string::npos);
  CHECK(serve.stop() == 0);
  const std::string err = serve.process().err();
  // Every other row is there: the other symbols' 5-minute bars, and SYN01's other bars.
  CHECK(db.query("SELECT count(*) FROM ohlcv_5min") == "24");
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min WHERE symbol = 'SYN01'") == "60");
  CHECK(db.query("SELECT count(*) FROM ohlcv_15min WHERE symbol = 'SYN01'") == "4");
  // Kept one line each, with the reason, beside the spill file.
  std::string refused_file;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".refused") refused_file = e.path().string();
  REQUIRE_FALSE(refused_file.empty());
  std::ifstream in(refused_file);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    CHECK(line.find("\"table\":\"ohlcv_5min\"") != std::string::npos);
    CHECK(line.find("\"symbol\":\"SYN01\"") != std::string::npos);
    CHECK(line.find("no_syn01") != std::string::npos);
  }
  CHECK(lines == 12);
  CHECK(err.find("; 12 rows refused by the database (12 kept in " + refused_file + ")") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}
