// tickstockapp rollup --daily --from DATE [--to DATE] [--all-sessions] [--symbol S]
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "db/daily_rollup.h"
#include "settings/settings.h"

namespace tickstock::app {

int run_rollup(int argc, char** argv, Log& log) {
  Settings s;
  s.add_switch("--daily", "", "derive daily bars from the stored 1-minute bars");
  s.add("--from", "", "", "first New York trading date (YYYY-MM-DD)");
  s.add("--to", "", "", "last New York trading date, inclusive");
  s.show_default("--to", "--from");
  s.add_switch("--all-sessions", "", "include pre/post-market minutes");
  s.show_default("--all-sessions", "off: the regular session only");
  s.add("--symbol", "", "", "only this symbol");
  s.show_default("--symbol", "every symbol");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL or conninfo");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("rollup: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp rollup --daily --from DATE [--to DATE] [--all-sessions] "
        "[--symbol S]\n\n"
        "End-of-day processing: writes ohlcv_daily from ohlcv_1min for each symbol and New "
        "York date\nin the range (regular session unless --all-sessions); rows already there "
        "are replaced.\n\n%s",
        s.help().c_str());
    return 0;
  }
  if (!s.on("--daily")) {
    log.error("rollup: say what to roll up: --daily (see --help)");
    return 2;
  }
  RollupOptions o;
  const auto from = parse_date(s.get("--from"));
  if (!from) {
    log.error("rollup: --from '" + s.get("--from") + "': expected a date YYYY-MM-DD");
    return 2;
  }
  const std::string to_text = s.given("--to") ? s.get("--to") : s.get("--from");
  const auto to = parse_date(to_text);
  if (!to || days_from_civil(*to) < days_from_civil(*from)) {
    log.error("rollup: --to '" + to_text + "': expected a date YYYY-MM-DD not before --from");
    return 2;
  }
  o.from = *from;
  o.to = *to;
  o.all_sessions = s.on("--all-sessions");
  o.symbol = s.get("--symbol");
  o.url = s.get("--database-url");
  if (o.url.empty()) {
    log.error("rollup: no database: set DATABASE_URL or pass --database-url");
    return 2;
  }
  auto n = rollup_daily(o);
  if (!n) {
    log.error("rollup: " + n.error().message);
    return 1;
  }
  std::printf("rolled up %llu daily bars (%s..%s)\n", static_cast<unsigned long long>(*n),
              format_date(o.from).c_str(), format_date(o.to).c_str());
  return 0;
}

}  // namespace tickstock::app
