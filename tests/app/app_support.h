// Runs the tickstockapp binary in tests and captures what it prints.
#ifndef TICKSTOCK_TESTS_APP_APP_SUPPORT_H_
#define TICKSTOCK_TESTS_APP_APP_SUPPORT_H_

#include <array>
#include <csignal>
#include <cstdio>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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

// tickstockapp running in the background (so that a test can signal it), its output going to
// temporary files until wait().
class AppProcess {
 public:
  // Starts `tickstockapp ARGS` (shell-quoted) with `env` ("env X=1 ..." or "") in front.
  AppProcess(const std::string& args, const std::string& env = "") {
    char out[] = "/tmp/tickstock-app-out-XXXXXX";
    char err[] = "/tmp/tickstock-app-err-XXXXXX";
    close(mkstemp(out));
    close(mkstemp(err));
    out_ = out;
    err_ = err;
    // exec all the way down: the pid is tickstockapp's own.
    const std::string cmd = "exec " + env + " " + TICKSTOCK_APP_BIN + " " + args + " >" + out_ +
                            " 2>" + err_ + " </dev/null";
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  AppProcess(const AppProcess&) = delete;
  AppProcess& operator=(const AppProcess&) = delete;
  ~AppProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(out_.c_str());
    std::remove(err_.c_str());
  }
  void signal(int sig) const { kill(pid_, sig); }
  // What it has written to stderr so far.
  std::string err_so_far() const { return slurp(err_); }
  // Waits for the exit and returns what it printed.
  RunResult wait() {
    RunResult r;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_);
    r.err = slurp(err_);
    return r;
  }

 private:
  static std::string slurp(const std::string& path) {
    std::string s;
    if (FILE* f = fopen(path.c_str(), "r")) {
      std::array<char, 65536> buf{};
      std::size_t n = 0;
      while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) s.append(buf.data(), n);
      fclose(f);
    }
    return s;
  }
  pid_t pid_ = -1;
  std::string out_, err_;
};

// Writes `text` to a file under /tmp named for this process and `name`; returns its path.
inline std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/tickstock-test-" + std::to_string(getpid()) + "-" + name;
  if (FILE* f = fopen(path.c_str(), "w")) {
    fputs(text.c_str(), f);
    fclose(f);
  }
  return path;
}

// The lines of `out` that are JSON objects of `"type":"<type>"` (serve prints one per line).
inline std::vector<std::string> json_lines(const std::string& out, const std::string& type) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  const std::string prefix = "{\"type\":\"" + type + "\"";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  return lines;
}

// The raw value of `key` in a flat JSON line: a string's text without its quotes (no escapes
// decoded), or a number's text; "" when the key is absent.
inline std::string json_field(const std::string& line, const std::string& key) {
  const std::string k = "\"" + key + "\":";
  std::size_t p = line.find(k);
  if (p == std::string::npos) return "";
  p += k.size();
  if (line[p] == '"') {
    std::size_t e = p + 1;
    while (e < line.size() && line[e] != '"') e += line[e] == '\\' ? 2 : 1;
    return line.substr(p + 1, e - p - 1);
  }
  return line.substr(p, line.find_first_of(",}", p) - p);
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_APP_SUPPORT_H_
