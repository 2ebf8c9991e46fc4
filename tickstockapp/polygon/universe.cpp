#include "polygon/universe.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "tickstock/types.h"

#include "db/pg_util.h"

namespace tickstock::app {
namespace {

std::string trim_upper(std::string_view s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return "";
  const auto b = s.find_last_not_of(" \t\r");
  std::string out(s.substr(a, b - a + 1));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Adds the comma-separated items of `line` to `out` (keeping `seen` unique).
Result<void> add_items(std::string_view line, const std::string& where,
                       std::vector<std::string>& out, std::set<std::string>& seen) {
  std::size_t from = 0;
  while (from <= line.size()) {
    const auto comma = line.find(',', from);
    const auto item =
        trim_upper(line.substr(from, comma == std::string_view::npos ? line.npos : comma - from));
    if (!item.empty()) {
      if (item != "*") {
        if (auto ok = check_symbol("symbol", item); !ok)
          return fail(where, ": ", ok.error().message);
      }
      if (seen.insert(item).second) out.push_back(item);
    }
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> parse_symbol_list(const std::string& text,
                                                   const std::string& where) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (auto r = add_items(text, where, out, seen); !r) return r.error();
  if (seen.count("*") > 0) return std::vector<std::string>{"*"};
  return out;
}

Result<std::vector<std::string>> read_symbols_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path, ": cannot open the symbols file");
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (auto r = add_items(line, path + ":" + std::to_string(n), out, seen); !r) return r.error();
  }
  if (seen.count("*") > 0) return std::vector<std::string>{"*"};
  if (out.empty()) return fail(path, ": no symbols in the file");
  return out;
}

Result<std::vector<std::string>> load_symbol_group(const std::string& database_url,
                                                   const std::string& group) {
  if (database_url.empty())
    return fail("--universe '", group, "': needs the database (DATABASE_URL)");
  auto conn = pg_connect(database_url);
  if (!conn) return conn.error();
  std::vector<std::string> out;
  bool exists = false;
  auto r = pg_stream(
      conn->get(),
      "SELECT m.symbol FROM symbol_groups g LEFT JOIN symbol_group_members m ON m.group_name = "
      "g.name WHERE g.name = $1 ORDER BY m.symbol",
      {group.c_str()},
      [&](const PGresult* row) {
        exists = true;
        if (PQgetisnull(row, 0, 0) == 0) out.emplace_back(PQgetvalue(row, 0, 0));
      },
      "reading symbol group '" + group + "'");
  if (!r) return r.error();
  if (!exists)
    return fail("--universe '", group,
                "': no such symbol group in the database (load groups with `tickstockapp "
                "symbols --groups FILE`)");
  if (out.empty()) return fail("--universe '", group, "': the group has no members");
  for (const std::string& symbol : out) {  // stored before the grammar was enforced, perhaps
    if (auto ok = check_symbol("symbol", symbol); !ok)
      return fail("--universe '", group, "': a member in the database: ", ok.error().message);
  }
  return out;
}

Result<std::vector<std::string>> resolve_universe(const UniverseOptions& o) {
  const std::string& list = o.symbols;
  const std::string& file = o.symbols_file;
  const std::string& group = o.group;
  const int given = (list.empty() ? 0 : 1) + (file.empty() ? 0 : 1) + (group.empty() ? 0 : 1);
  if (given > 1)
    return fail("give one of --symbols, --symbols-file and --universe (",
                "TICKSTOCK_SYMBOLS, TICKSTOCK_SYMBOLS_FILE, TICKSTOCK_UNIVERSE), not several");
  if (!file.empty()) return read_symbols_file(file);
  if (!group.empty()) return load_symbol_group(o.database_url, group);
  return parse_symbol_list(list);
}

}  // namespace tickstock::app
