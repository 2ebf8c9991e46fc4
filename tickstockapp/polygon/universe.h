// The universe: which symbols the Polygon feed subscribes to and `backfill` loads. One of a
// list (--symbols / TICKSTOCK_SYMBOLS, comma-separated, `*` for all), a file (--symbols-file) or
// a symbol group in the database (--universe, the groups `tickstockapp symbols --groups` loads).
#ifndef TICKSTOCKAPP_POLYGON_UNIVERSE_H_
#define TICKSTOCKAPP_POLYGON_UNIVERSE_H_

#include <string>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

// Splits a comma-separated list, trims blanks, upper-cases, drops empties and duplicates;
// a `*` anywhere makes it {"*"}. The error names a symbol that is not a ticker.
Result<std::vector<std::string>> parse_symbol_list(const std::string& text,
                                                   const std::string& where = "--symbols");
// Symbols of a file: one per line or comma-separated, `#` starts a comment. Errors name
// file:line and the symbol.
Result<std::vector<std::string>> read_symbols_file(const std::string& path);
// Members of a symbol group in the database, sorted. An unknown or empty group is an error.
Result<std::vector<std::string>> load_symbol_group(const std::string& database_url,
                                                   const std::string& group);
// Where the universe comes from: --symbols, --symbols-file and --universe as given ("": not
// given). cli/ fills it in from its settings.
struct UniverseOptions {
  std::string symbols;       // --symbols
  std::string symbols_file;  // --symbols-file
  std::string group;         // --universe
  std::string database_url;  // needed for a group
};

// The universe from --symbols, --symbols-file and --universe (exactly one may be given; none
// gives an empty list).
Result<std::vector<std::string>> resolve_universe(const UniverseOptions& o);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_UNIVERSE_H_
