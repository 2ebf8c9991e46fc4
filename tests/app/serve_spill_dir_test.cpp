// Two serve processes on one database and one spill directory (so one spill file): the second
// is refused at start, told which directory and which process holds it, and the first keeps it.
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/app_process.h"
#include "app/app_support.h"
#include "support/pg_test_db.h"

using tickstock::test::AppProcess;
using tickstock::test::run_app;
using tickstock::test::TestDatabase;

TEST_CASE("serve refuses a spill file that another serve holds, naming its dir and that process",
          "[app][serve][db][spill]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("tickstock-spill-dir-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  // A live run (synthetic at real time) that holds the directory until stopped.
  AppProcess first({"serve", "--feed", "synthetic", "--no-bar-events", "--spill-dir", dir.string()},
                   {{"DATABASE_URL", db.url()}, {"REDIS_URL", ""}, {"REDIS_HOST", ""}});
  bool storing = false;
  for (int i = 0; i < 300 && !storing; ++i) {
    storing = first.err().find("PostgreSQL: storing") != std::string::npos;
    if (!storing) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(first.err());
  REQUIRE(storing);
  const std::string args =
      "serve --feed synthetic --speed max --synthetic-minutes 1 --exit-on-eof "
      "--no-bar-events --spill-dir " +
      dir.string();
  const std::string env = db.env() + " REDIS_URL= REDIS_HOST=";
  const auto second = run_app(args, env);
  CHECK(second.exit_code == 2);
  CHECK(second.err.find("spill dir " + dir.string() + " is in use by process " +
                        std::to_string(first.pid())) != std::string::npos);
  CHECK(second.out.empty());  // it did not run
  first.signal(SIGINT);
  CHECK(first.wait() == 0);
  // Let go of at exit: the next run takes it.
  const auto third = run_app(args, env);
  INFO(third.err);
  CHECK(third.exit_code == 0);
  std::filesystem::remove_all(dir);
}
