// Starts `tickstockapp serve --http 127.0.0.1:0 ...` for a test and finds its port.
#ifndef TICKSTOCK_TESTS_APP_WEB_WEB_SERVE_H_
#define TICKSTOCK_TESTS_APP_WEB_WEB_SERVE_H_

#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/app_process.h"

namespace tickstock::test {

// Without a database or Redis unless `env` gives them.
inline std::vector<std::pair<std::string, std::string>> memory_env() {
  return {{"DATABASE_URL", ""}, {"REDIS_URL", ""}, {"REDIS_HOST", ""}, {"TICKSTOCK_HTTP", ""}};
}

class WebServe {
 public:
  // Runs serve with `args` after `serve --http 127.0.0.1:0 --no-bar-events`; waits up to 30 s
  // for its "http: listening on" line. port() is 0 when it did not come.
  WebServe(const std::vector<std::string>& args,
           const std::vector<std::pair<std::string, std::string>>& env = memory_env())
      : proc_(with_serve(args), env) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string err = proc_.err();
      const auto at = err.find("http: listening on http");
      if (at != std::string::npos) {
        const auto colon = err.find(':', err.find("127.0.0.1", at));
        port_ = std::stoi(err.substr(colon + 1));
        return;
      }
      if (err.find("error:") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  int port() const { return port_; }
  AppProcess& process() { return proc_; }
  // SIGINT, then the exit code.
  int stop() {
    proc_.signal(SIGINT);
    return proc_.wait();
  }

 private:
  static std::vector<std::string> with_serve(const std::vector<std::string>& args) {
    std::vector<std::string> all{"serve", "--http", "127.0.0.1:0", "--no-bar-events"};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }
  AppProcess proc_;
  int port_ = 0;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_WEB_WEB_SERVE_H_
