// load_symbols(), load_groups(): read and check the whole file, then write it in one
// transaction with array parameters.
#include "db/symbol_load.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <vector>

#include "tickstock/types.h"

#include "db/pg_util.h"

namespace tickstock::app {

bool split_csv(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch != '"') {
        field += ch;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (ch != '\r') {
      field += ch;
    }
  }
  fields.push_back(std::move(field));
  return !quoted;
}

namespace {

// A CSV file with a header: its rows as column name -> value, each with its line number.
struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::pair<int, std::vector<std::string>>> rows;

  // The index of `name`, or -1.
  int column(const std::string& name) const {
    const auto it = std::find(columns.begin(), columns.end(), name);
    return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
  }
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Result<CsvTable> read_csv(const std::string& path, const std::vector<std::string>& required,
                          const std::vector<std::string>& known) {
  std::ifstream in(path);
  if (!in) return fail(path, ": cannot open");
  CsvTable t;
  std::string line;
  std::vector<std::string> fields;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (trim(line).empty()) continue;
    if (!split_csv(line, fields)) return fail(path, ":", std::to_string(n), ": unclosed quote");
    for (std::string& f : fields) f = trim(std::move(f));
    if (t.columns.empty()) {
      for (const std::string& c : fields) {
        if (std::find(known.begin(), known.end(), c) == known.end()) {
          std::string list;
          for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
          return fail(path, ":", std::to_string(n), ": unknown column '", c, "' (expected ", list,
                      ")");
        }
      }
      t.columns = fields;
      for (const std::string& r : required)
        if (t.column(r) < 0) return fail(path, ":", std::to_string(n), ": no '", r, "' column");
      continue;
    }
    if (fields.size() != t.columns.size())
      return fail(path, ":", std::to_string(n), ": ", std::to_string(fields.size()),
                  " fields, the header has ", std::to_string(t.columns.size()));
    t.rows.emplace_back(n, fields);
  }
  if (t.columns.empty()) return fail(path, ": empty (no header line)");
  return t;
}

std::string where(const std::string& path, int line, const std::string& field,
                  const std::string& value) {
  return path + ":" + std::to_string(line) + ": field '" + field + "': '" + printable(value) + "' ";
}

// Ok when `s` is a symbol (check_symbol); else the error, with file:line.
Result<void> symbol_at(const std::string& path, int line, const std::string& s) {
  if (auto ok = check_symbol("symbol", s); !ok)
    return fail(path, ":", std::to_string(line), ": ", ok.error().message);
  return {};
}

// Runs `sql` with text parameters (null: NULL); returns the rows it affected.
Result<std::uint64_t> exec_params(PGconn* c, const std::string& sql,
                                  const std::vector<const char*>& params, const char* what) {
  PgResult r(PQexecParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                          nullptr, nullptr, 0),
             &PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail(what, ": ", pg_error(c));
  return std::strtoull(PQcmdTuples(r.get()), nullptr, 10);
}

// "{a,b,NULL}": a text[] literal where an empty optional value is NULL.
std::string array_with_nulls(const std::vector<std::string>& items, bool empty_is_null) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    if (empty_is_null && item.empty()) {
      out += "NULL";
      continue;
    }
    out += pg_text_array({item}).substr(1, std::string::npos);
    out.pop_back();
  }
  return out + "}";
}

}  // namespace

// A statement and its text parameters.
struct Statement {
  std::string sql;
  std::vector<const char*> params;
};

// Runs the statements one by one in one transaction; the rows each affected.
Result<std::vector<std::uint64_t>> write_all(const std::string& url,
                                             const std::vector<Statement>& statements) {
  auto conn = pg_connect(url);
  if (!conn) return conn.error();
  PGconn* c = conn->get();
  if (auto r = pg_exec(c, "BEGIN", "starting the load"); !r) return r.error();
  std::vector<std::uint64_t> counts;
  for (const Statement& st : statements) {
    auto n = exec_params(c, st.sql, st.params, "loading");
    if (!n) return n.error();  // the connection's end rolls the transaction back
    counts.push_back(*n);
  }
  if (auto r = pg_exec(c, "COMMIT", "committing the load"); !r) return r.error();
  return counts;
}

Result<SymbolLoadReport> load_symbols(const std::string& url, const std::string& path) {
  auto t = read_csv(path, {"symbol"}, {"symbol", "name", "type", "exchange", "active"});
  if (!t) return t.error();
  std::vector<std::string> cols[5];  // symbol, name, type, exchange, active
  std::map<std::string, int> seen;
  for (const auto& [line, fields] : t->rows) {
    const auto& f = fields;  // captured below: clang 14 (clang-tidy) cannot capture a binding
    auto get = [&](const char* col) {
      const int i = t->column(col);
      return i < 0 ? std::string() : f[static_cast<std::size_t>(i)];
    };
    const std::string s = get("symbol");
    if (auto ok = symbol_at(path, line, s); !ok) return ok.error();
    if (auto [it, fresh] = seen.emplace(s, line); !fresh)
      return fail(where(path, line, "symbol", s), "is listed twice (also on line ",
                  std::to_string(it->second), ")");
    std::string a = get("active");
    std::transform(a.begin(), a.end(), a.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (a == "true" || a == "yes" || a == "1" || a == "t" || a == "y") {
      a = "true";
    } else if (a == "false" || a == "no" || a == "0" || a == "f" || a == "n") {
      a = "false";
    } else if (!a.empty()) {
      return fail(where(path, line, "active", get("active")), "is not true or false");
    }
    cols[0].push_back(s);
    cols[1].push_back(get("name"));
    cols[2].push_back(get("type"));
    cols[3].push_back(get("exchange"));
    cols[4].push_back(a);
  }
  // Empty cells (or missing columns) are NULL: a new symbol takes the defaults, a stored one
  // keeps what it has.
  std::vector<std::string> arrays;
  for (int i = 0; i < 5; ++i) arrays.push_back(array_with_nulls(cols[i], i > 0));
  const std::string u =
      "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS u(symbol, name, "
      "type, exchange, active)";
  const std::vector<const char*> params = {arrays[0].c_str(), arrays[1].c_str(), arrays[2].c_str(),
                                           arrays[3].c_str(), arrays[4].c_str()};
  auto counts = write_all(
      url,
      {{"INSERT INTO symbols (symbol, name, type, exchange, active, auto_added) SELECT u.symbol, "
        "u.name, coalesce(u.type, 'stock'), u.exchange, coalesce(u.active, true), false FROM " +
            u + " ON CONFLICT (symbol) DO NOTHING",
        params},
       {"UPDATE symbols s SET name = coalesce(u.name, s.name), type = coalesce(u.type, s.type), "
        "exchange = coalesce(u.exchange, s.exchange), active = coalesce(u.active, s.active), "
        "auto_added = false FROM " +
            u +
            " WHERE s.symbol = u.symbol AND (s.name, s.type, s.exchange, s.active, s.auto_added) "
            "IS DISTINCT FROM (coalesce(u.name, s.name), coalesce(u.type, s.type), "
            "coalesce(u.exchange, s.exchange), coalesce(u.active, s.active), false)",
        params}});
  if (!counts) return counts.error();
  SymbolLoadReport report;
  report.rows = t->rows.size();
  report.changed = (*counts)[0] + (*counts)[1];
  return report;
}

Result<SymbolLoadReport> load_groups(const std::string& url, const std::string& path) {
  auto t = read_csv(path, {"group", "kind", "symbol"},
                    {"group", "kind", "symbol", "weight", "description"});
  if (!t) return t.error();
  std::vector<std::string> group, symbol, weight;
  std::map<std::string, std::pair<std::string, std::string>> groups;  // kind, description
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const auto& [line, fields] : t->rows) {
    const auto& f = fields;  // captured below: clang 14 (clang-tidy) cannot capture a binding
    auto get = [&](const char* col) {
      const int i = t->column(col);
      return i < 0 ? std::string() : f[static_cast<std::size_t>(i)];
    };
    const std::string g = get("group");
    if (g.empty()) return fail(where(path, line, "group", g), "is empty");
    std::string kind = get("kind");
    std::transform(kind.begin(), kind.end(), kind.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (kind != "ETF" && kind != "SECTOR" && kind != "THEME" && kind != "UNIVERSE")
      return fail(where(path, line, "kind", get("kind")),
                  "is not one of ETF, SECTOR, THEME, UNIVERSE");
    const std::string s = get("symbol");
    if (auto ok = symbol_at(path, line, s); !ok) return ok.error();
    const std::string w = get("weight");
    if (!w.empty()) {
      char* end = nullptr;
      const double v = std::strtod(w.c_str(), &end);
      if (*end != '\0' || !std::isfinite(v))
        return fail(where(path, line, "weight", w), "is not a number");
    }
    auto [it, fresh] = groups.emplace(g, std::make_pair(kind, get("description")));
    if (!fresh && it->second.first != kind)
      return fail(where(path, line, "kind", get("kind")), "differs from the group's kind ",
                  it->second.first, " given before");
    if (it->second.second.empty()) it->second.second = get("description");
    if (auto [at, first] = seen.emplace(std::make_pair(g, s), line); !first)
      return fail(where(path, line, "symbol", s), "is listed twice in group ", g, " (also on line ",
                  std::to_string(at->second), ")");
    group.push_back(g);
    symbol.push_back(s);
    weight.push_back(w);
  }
  std::vector<std::string> names, kinds, descriptions;
  for (const auto& [name, kd] : groups) {
    names.push_back(name);
    kinds.push_back(kd.first);
    descriptions.push_back(kd.second);
  }
  const std::string a[] = {pg_text_array(group),           pg_text_array(symbol),
                           array_with_nulls(weight, true), pg_text_array(names),
                           pg_text_array(kinds),           array_with_nulls(descriptions, true)};
  const std::string members = "unnest($1::text[], $2::text[], $3::float8[]) AS m(g, s, w)";
  const std::vector<const char*> member_params = {a[0].c_str(), a[1].c_str(), a[2].c_str()};
  auto counts = write_all(
      url,
      {{"INSERT INTO symbols (symbol, auto_added) SELECT DISTINCT s, false FROM " + members +
            " ON CONFLICT (symbol) DO NOTHING",
        member_params},
       {"INSERT INTO symbol_groups AS sg (name, kind, description) SELECT * FROM "
        "unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (name) DO UPDATE SET kind = "
        "EXCLUDED.kind, description = coalesce(EXCLUDED.description, sg.description)",
        {a[3].c_str(), a[4].c_str(), a[5].c_str()}},
       // Each group listed gets exactly the file's members.
       {"DELETE FROM symbol_group_members x WHERE x.group_name = ANY($4::text[]) AND NOT EXISTS "
        "(SELECT 1 FROM " +
            members + " WHERE m.g = x.group_name AND m.s = x.symbol)",
        {a[0].c_str(), a[1].c_str(), a[2].c_str(), a[3].c_str()}},
       {"INSERT INTO symbol_group_members AS x (group_name, symbol, weight) SELECT * FROM " +
            members +
            " ON CONFLICT (group_name, symbol) DO UPDATE SET weight = EXCLUDED.weight WHERE "
            "x.weight IS DISTINCT FROM EXCLUDED.weight",
        member_params}});
  if (!counts) return counts.error();
  SymbolLoadReport report;
  report.rows = t->rows.size();
  report.groups = names.size();
  report.changed = (*counts)[2] + (*counts)[3];
  return report;
}

}  // namespace tickstock::app
