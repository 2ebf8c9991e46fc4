// tickstockapp symbols [--load FILE] [--groups FILE] [--database-url URL]
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "db/symbol_load.h"
#include "settings/settings.h"

namespace tickstock::app {

int run_symbols(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--load", "", "", "symbols CSV: symbol[,name,type,exchange,active]");
  s.add("--groups", "", "",
        "groups CSV: group,kind,symbol[,weight,description] (kind ETF|SECTOR|THEME|UNIVERSE)");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL or conninfo");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("symbols: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp symbols [--load FILE] [--groups FILE]\n\n"
        "Loads the symbol master and the symbol groups (ETFs, sectors, themes, universes) into\n"
        "PostgreSQL. Each file is checked whole and written in one transaction: a bad line loads\n"
        "nothing (exit 3, file:line). A group in the groups file gets exactly the members\n"
        "listed for it.\n\n%s",
        s.help().c_str());
    return 0;
  }
  const std::string& url = s.get("--database-url");
  if (s.get("--load").empty() && s.get("--groups").empty()) {
    log.error("symbols: nothing to do: give --load FILE and/or --groups FILE (see --help)");
    return 2;
  }
  if (url.empty()) {
    log.error("symbols: no database: set DATABASE_URL or pass --database-url");
    return 2;
  }
  // Errors in a file start with its name (file:line); others are the database's.
  auto code = [](const Error& e, const std::string& file) {
    return e.message.rfind(file + ":", 0) == 0 ? 3 : 1;
  };
  if (const std::string& f = s.get("--load"); !f.empty()) {
    auto r = load_symbols(url, f);
    if (!r) {
      log.error("symbols: " + r.error().message + " (nothing loaded)");
      return code(r.error(), f);
    }
    std::printf("loaded %llu symbols (%llu added or changed)\n",
                static_cast<unsigned long long>(r->rows),
                static_cast<unsigned long long>(r->changed));
  }
  if (const std::string& f = s.get("--groups"); !f.empty()) {
    auto r = load_groups(url, f);
    if (!r) {
      log.error("symbols: " + r.error().message + " (nothing loaded)");
      return code(r.error(), f);
    }
    std::printf("loaded %llu groups with %llu members (%llu members added, changed or removed)\n",
                static_cast<unsigned long long>(r->groups),
                static_cast<unsigned long long>(r->rows),
                static_cast<unsigned long long>(r->changed));
  }
  return 0;
}

}  // namespace tickstock::app
