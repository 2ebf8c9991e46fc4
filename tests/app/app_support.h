// Runs the tickstockapp binary in tests and captures what it prints.
#ifndef TICKSTOCK_TESTS_APP_APP_SUPPORT_H_
#define TICKSTOCK_TESTS_APP_APP_SUPPORT_H_

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace tickstock::test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr (captured through a temporary file)
};

// Runs `tickstockapp ARGS` through /bin/sh; ARGS must already be shell-quoted.
inline RunResult run_app(const std::string& args, const std::string& env = "") {
  RunResult r;
  char errpath[] = "/tmp/tickstock-app-err-XXXXXX";
  const int fd = mkstemp(errpath);
  if (fd >= 0) close(fd);
  const std::string cmd = env + " " + TICKSTOCK_APP_BIN + " " + args + " 2>" + errpath;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 65536> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (FILE* e = fopen(errpath, "r")) {
    while ((n = fread(buf.data(), 1, buf.size(), e)) > 0) r.err.append(buf.data(), n);
    fclose(e);
  }
  std::remove(errpath);
  return r;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_APP_SUPPORT_H_
