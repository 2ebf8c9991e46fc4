// Runs the tickstockapp binary in tests and captures what it prints.
#ifndef TICKSTOCK_TESTS_APP_APP_SUPPORT_H_
#define TICKSTOCK_TESTS_APP_APP_SUPPORT_H_

#include <array>
#include <cstdio>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "support/test_paths.h"

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
  const std::string cmd = env + " " + tickstock::test::app_bin() + " " + args + " 2>" + errpath;
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
