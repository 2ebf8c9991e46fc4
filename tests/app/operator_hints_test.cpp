// What the binary tells an operator is true and enough to act on: the schema version migrate
// reports, how to get a dashboard admin in memory, why PostgreSQL cannot be reached, and a
// password typed at a terminal that is never echoed.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/web/api_support.h"
#include "app/web/web_serve.h"
#include "support/pg_test_db.h"
#include "support/test_support.h"

using tickstock::test::run_app;
using tickstock::test::TestDatabase;

namespace {

// The highest NNN of sql/NNN_name.sql: the schema version this binary carries.
int newest_migration() {
  int newest = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(tickstock::test::scripts_dir() + "/../sql")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".sql") newest = std::max(newest, std::atoi(name.c_str()));
  }
  return newest;
}

// Runs `tickstockapp ARGS` with a pseudo-terminal as its stdin, stdout and stderr and `env`
// set; answers each prompt that ends in ": " with the next of `answers`. Returns everything
// the terminal showed (the program's output and the terminal's echo) and the exit code.
std::pair<std::string, int> run_on_terminal(const std::vector<std::string>& args,
                                            const std::string& db_url,
                                            const std::vector<std::string>& answers) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const std::string slave_name = ptsname(master);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setsid();
    const int slave = open(slave_name.c_str(), O_RDWR);  // becomes the controlling terminal
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    close(master);
    setenv("DATABASE_URL", db_url.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(tickstock::test::app_bin())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(tickstock::test::app_bin(), argv.data());
    _exit(127);
  }
  std::string shown;
  std::size_t answered = 0, seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[4096];
      const ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO: the program closed the terminal
      shown.append(buf, static_cast<std::size_t>(n));
    }
    // A prompt is a last line that ends with ": " (not a log line); each is answered once.
    const std::size_t nl = shown.rfind('\n');
    const std::string last = nl == std::string::npos ? shown : shown.substr(nl + 1);
    if (answered < answers.size() && shown.size() > seen && last.size() >= 2 &&
        last.compare(last.size() - 2, 2, ": ") == 0 && last.rfind("tickstock:", 0) != 0) {
      seen = shown.size();
      const std::string line = answers[answered++] + "\n";
      REQUIRE(write(master, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    }
  }
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == 0) {  // still waiting for input nobody will give
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  close(master);
  return {shown, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
}

}  // namespace

TEST_CASE("migrate reports the schema version of the newest file in sql/", "[app][db][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  const int newest = newest_migration();
  REQUIRE(newest > 0);
  const auto first = run_app("migrate", db.env());
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("schema version 0 -> " + std::to_string(newest) + "\n") !=
        std::string::npos);
  const auto again = run_app("migrate", db.env());
  CHECK(again.out == "schema up to date (version " + std::to_string(newest) + ")\n");
  const auto status = run_app("migrate --status", db.env());
  CHECK(status.out == "database schema version " + std::to_string(newest) + ", this binary's " +
                          std::to_string(newest) + "\n");
}

TEST_CASE("serve --http in memory without an admin says how to get one", "[app][web][serve]") {
  using tickstock::test::WebServe;
  const std::string replay = "replay:" + tickstock::test::data_dir() + "/ticks_small.csv";
  WebServe bare({"--feed", replay, "--speed", "max"});
  REQUIRE(bare.port() > 0);
  CHECK(bare.process().err().find(
            "http: accounts are in memory and there is no admin: give --admin-password-file "
            "FILE (TICKSTOCK_ADMIN_PASSWORD_FILE") != std::string::npos);
  CHECK(bare.stop() == 0);
  WebServe with_admin(tickstock::test::api_args({"--feed", replay, "--speed", "max"}));
  REQUIRE(with_admin.port() > 0);
  CHECK(with_admin.process().err().find("there is no admin") == std::string::npos);
  CHECK(with_admin.stop() == 0);
}

TEST_CASE("serve reports libpq's reason when PostgreSQL cannot be reached", "[app][serve]") {
  // No trades: nothing waits for the database at exit.
  const std::string empty =
      tickstock::test::write_temp("no-ticks.csv", "ts_ns,symbol,price,size\n");
  const auto r = run_app("serve --feed replay:" + empty +
                             " --speed max --exit-on-eof --spill-dir '' "
                             "--database-url postgresql://u:secret@127.0.0.1:1/x",
                         "env -u REDIS_URL -u REDIS_HOST");
  std::remove(empty.c_str());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("PostgreSQL postgresql://u:***@127.0.0.1:1/x: NOT reachable (connection to "
                   "server at \"127.0.0.1\", port 1 failed: Connection refused)") !=
        std::string::npos);
  CHECK(r.err.find("no response from the server") == std::string::npos);
  CHECK(r.err.find("secret") == std::string::npos);
}

TEST_CASE("user add on a terminal asks for the password twice without echo",
          "[app][web][accounts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string password = "typed-not-shown-9";
  const auto [shown, code] =
      run_on_terminal({"user", "add", "carol"}, db.url(), {password, password});
  INFO(shown);
  CHECK(code == 0);
  CHECK(shown.find("Password for carol: ") != std::string::npos);
  CHECK(shown.find("The same password again: ") != std::string::npos);
  CHECK(shown.find("added user carol (user, id ") != std::string::npos);
  CHECK(shown.find(password) == std::string::npos);  // the terminal never echoed it
  CHECK(db.query("SELECT count(*) FROM users WHERE username = 'carol'") == "1");
  const auto [differ, differ_code] =
      run_on_terminal({"user", "add", "dave"}, db.url(), {password, password + "x"});
  INFO(differ);
  CHECK(differ_code == 2);
  CHECK(differ.find("the two passwords typed differ") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM users WHERE username = 'dave'") == "0");
}
