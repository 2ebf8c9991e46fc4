// Runs tickstockapp in the background, for tests that talk to it while it runs (a live feed)
// and then stop it with a signal, as an operator would.
#ifndef TICKSTOCK_TESTS_APP_APP_PROCESS_H_
#define TICKSTOCK_TESTS_APP_APP_PROCESS_H_

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "support/test_paths.h"

namespace tickstock::test {

class AppProcess {
 public:
  // Starts `tickstockapp ARGS...` with `env` set (an empty value unsets the variable); stdout
  // and stderr go to temporary files.
  AppProcess(const std::vector<std::string>& args,
             const std::vector<std::pair<std::string, std::string>>& env) {
    start([&] {
      for (const auto& [k, v] : env) {
        if (v.empty()) {
          unsetenv(k.c_str());
        } else {
          setenv(k.c_str(), v.c_str(), 1);
        }
      }
      std::vector<char*> argv{const_cast<char*>(tickstock::test::app_bin())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(tickstock::test::app_bin(), argv.data());
    });
  }
  // Starts `tickstockapp ARGS` through /bin/sh, so ARGS and `env` ("env -u X Y=1 ..." or "")
  // are shell words, as run_app() takes them.
  AppProcess(const std::string& args, const std::string& env) {
    // exec all the way down: the pid is tickstockapp's own.
    const std::string cmd =
        "exec " + env + " " + tickstock::test::app_bin() + " " + args + " </dev/null";
    start([&] { execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr)); });
  }
  ~AppProcess() {
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(out_path_.c_str());
    std::remove(err_path_.c_str());
  }
  AppProcess(const AppProcess&) = delete;
  AppProcess& operator=(const AppProcess&) = delete;

  void signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // Waits for the exit and returns the exit code (128 + signal when killed).
  int wait() {
    if (status_ < 0) {
      int st = 0;
      waitpid(pid_, &st, 0);
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    return status_;
  }
  // False once the process has exited (then wait() returns at once).
  bool running() {
    if (status_ >= 0) return false;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) != pid_) return true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  std::string out() const { return slurp(out_path_); }
  std::string err() const { return slurp(err_path_); }

 private:
  // Forks; the child sends stdout and stderr to temporary files and runs `exec` (which only
  // returns when the exec failed).
  template <class Exec>
  void start(Exec exec) {
    char out[] = "/tmp/tickstock-app-out-XXXXXX";
    char err[] = "/tmp/tickstock-app-err-XXXXXX";
    const int out_fd = mkstemp(out), err_fd = mkstemp(err);
    if (out_fd < 0 || err_fd < 0) throw std::runtime_error("mkstemp failed");
    out_path_ = out;
    err_path_ = err;
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out_fd, 1);
      dup2(err_fd, 2);
      exec();
      _exit(127);
    }
    close(out_fd);
    close(err_fd);
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  pid_t pid_ = -1;
  int status_ = -1;
  std::string out_path_, err_path_;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_APP_PROCESS_H_
