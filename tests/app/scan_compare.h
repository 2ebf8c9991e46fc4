// Comparing `scan` output with TA-Lib's (the oracle's CSV): shared by the scan tests and the
// real-data comparison.
#ifndef TICKSTOCK_TESTS_APP_SCAN_COMPARE_H_
#define TICKSTOCK_TESTS_APP_SCAN_COMPARE_H_

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace tickstock::test {

using Table = std::vector<std::vector<std::string>>;

// The rows of `got` (with columns ts[,symbol] first) whose symbol is `symbol` ("" = all).
inline Table rows_of(const Table& got, const std::string& symbol) {
  Table out{got[0]};
  const bool has_symbol = got[0].size() > 1 && got[0][1] == "symbol";
  for (std::size_t r = 1; r < got.size(); ++r)
    if (symbol.empty() || (has_symbol && got[r][1] == symbol)) out.push_back(got[r]);
  return out;
}

// Every column of `want` (an oracle output) equals the same-named column of `got`: integers
// as text, reals as the same double. Returns the cells compared.
inline std::size_t compare(const Table& got, const Table& want, const std::string& label) {
  REQUIRE(got.size() == want.size());
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < got[0].size(); ++c) col[got[0][c]] = c;
  std::size_t cells = 0;
  for (std::size_t c = 0; c < want[0].size(); ++c) {
    const std::string& name = want[0][c];
    INFO(label << " column " << name);
    REQUIRE(col.count(name) == 1);
    const std::size_t gc = col.at(name);
    for (std::size_t r = 1; r < want.size(); ++r) {
      const std::string& w = c < want[r].size() ? want[r][c] : "";
      const std::string& g = gc < got[r].size() ? got[r][gc] : "";
      INFO("row " << r << ": got '" << g << "', TA-Lib '" << w << "'");
      if (w.empty() || g.empty() || name == "ts") {
        REQUIRE(g == w);
      } else {
        REQUIRE(std::strtod(g.c_str(), nullptr) == std::strtod(w.c_str(), nullptr));
      }
      ++cells;
    }
  }
  return cells;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_SCAN_COMPARE_H_
