// tickstockapp import --bars FILE [--timeframe 1m|1d] [--symbol NAME] [--database-url URL]
#include <cstdio>
#include <string>

#include "tickstock/types.h"

#include "base/progress.h"
#include "base/services.h"
#include "cli/commands.h"
#include "db/bar_import.h"
#include "settings/settings.h"

namespace tickstock::app {

int run_import(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--bars", "", "", "bars CSV (ts,open,high,low,close,volume[,symbol]; .gz ok; - = stdin)");
  s.add("--timeframe", "", "1m", "1m (ohlcv_1min) or 1d (ohlcv_daily, ts = New York date)");
  s.add("--symbol", "", "", "the symbol of a file without a symbol column (required there)");
  s.add_switch("--sparse-minutes", "",
               "1m: the bars are 1-minute bars though every one starts on a 5-minute boundary "
               "and none of a symbol are closer than 5 minutes (else refused as longer bars)");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL or conninfo");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("import: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp import --bars FILE [--timeframe 1m|1d] [--symbol NAME] "
        "[--sparse-minutes]\n\n"
        "Bulk-loads a bars CSV with COPY in one transaction: new symbols are registered, a bar "
        "already\nstored is replaced, and a bad line imports nothing (exit 3, file:line). A file "
        "without a symbol\ncolumn needs --symbol. Bars of another timeframe are refused: for 1m, "
        "starts off the minute,\nor 5-minute (or longer) bars; for 1d, two bars of a symbol "
        "on one day.\n\n%s",
        s.help().c_str());
    return 0;
  }
  ImportOptions o;
  o.path = s.get("--bars");
  o.url = s.get("--database-url");
  o.symbol = s.get("--symbol");
  o.sparse_minutes = s.on("--sparse-minutes");
  const std::string& tf = s.get("--timeframe");
  if (tf == "1m") {
    o.timeframe = Timeframe::M1;
  } else if (tf == "1d") {
    o.timeframe = Timeframe::D1;
  } else {
    log.error("import: --timeframe '" + tf + "': expected 1m or 1d");
    return 2;
  }
  if (o.path.empty()) {
    log.error("import: --bars FILE is required (see --help)");
    return 2;
  }
  if (auto ok = check_symbol("symbol", o.symbol); !o.symbol.empty() && !ok) {
    log.error("import: --symbol: " + ok.error().message);
    return 2;
  }
  if (o.url.empty()) {
    log.error("import: no database: set DATABASE_URL or pass --database-url");
    return 2;
  }
  ProgressBar bar("import");
  auto report = import_bars(o, [&](std::int64_t done, std::int64_t total, std::uint64_t rows) {
    bar.update(done, total, rows);
  });
  bar.finish();
  if (!report) {
    log.error("import: " + report.error().message);
    const bool bad_input = report.error().message.find("nothing imported") != std::string::npos;
    return bad_input ? 3 : 1;
  }
  std::printf("imported %llu bars (%llu stored or changed, %llu new symbols)\n",
              static_cast<unsigned long long>(report->rows),
              static_cast<unsigned long long>(report->stored),
              static_cast<unsigned long long>(report->new_symbols));
  return 0;
}

}  // namespace tickstock::app
