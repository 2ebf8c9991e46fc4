// Loading the symbol master and the symbol groups (ETFs, sectors, themes, universes) from CSV.
#ifndef TICKSTOCKAPP_DB_SYMBOL_LOAD_H_
#define TICKSTOCKAPP_DB_SYMBOL_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

struct SymbolLoadReport {
  std::uint64_t rows = 0;     // data lines read
  std::uint64_t changed = 0;  // symbols added or changed (symbols), or members (groups)
  std::uint64_t groups = 0;   // groups written (groups only)
};

// A symbols CSV: header with `symbol` and any of `name`, `type`, `exchange`, `active`
// (true/false, yes/no, 1/0). Each symbol is added or updated (no longer marked auto_added);
// columns the file lacks are left as they are. One transaction: a bad line loads nothing and
// the error says file:line, field and value.
Result<SymbolLoadReport> load_symbols(const std::string& url, const std::string& path);

// A groups CSV: header with `group`, `kind` (ETF, SECTOR, THEME or UNIVERSE) and `symbol`, and
// optionally `weight` and `description`. Each group in the file gets exactly the members the
// file lists for it; unknown member symbols are registered. One transaction, as above.
Result<SymbolLoadReport> load_groups(const std::string& url, const std::string& path);

// Splits one CSV line (RFC 4180 quotes: "a, b" and "say ""hi"""); false on an unclosed quote.
bool split_csv(const std::string& line, std::vector<std::string>& fields);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_SYMBOL_LOAD_H_
