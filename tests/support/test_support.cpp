#include "support/test_support.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <zlib.h>

namespace tickstock::test {

static std::optional<std::string> env_dir(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::optional<std::string> real_data_dir() { return env_dir("TICKSTOCK_DATA_DIR"); }
std::optional<std::string> reference_dir() { return env_dir("TICKSTOCK_REFERENCE_DIR"); }

std::string read_file(const std::string& path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) throw std::runtime_error("cannot open " + path);
    std::string out;
    char buf[1 << 16];
    int n = 0;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    gzclose(f);
    if (n < 0) throw std::runtime_error("cannot gunzip " + path);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) {
      std::vector<std::string> fields;
      std::size_t f = 0;
      while (true) {
        std::size_t c = line.find(',', f);
        fields.emplace_back(line.substr(f, c == std::string_view::npos ? line.size() - f : c - f));
        if (c == std::string_view::npos) break;
        f = c + 1;
      }
      rows.push_back(std::move(fields));
    }
    pos = end + 1;
  }
  return rows;
}

}  // namespace tickstock::test
