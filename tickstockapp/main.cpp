// tickstockapp: the composition root. Parses the subcommand and hands over to it.
#include <cstdio>
#include <cstring>
#include <exception>

#include "base/log.h"
#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: tickstockapp COMMAND [options]\n\n"
    "commands:\n"
    "  serve       run the engine on a feed (synthetic, replay:FILE, redis, polygon)\n"
    "  aggregate   build bars from a ticks CSV and print them as CSV\n"
    "  scan        run the 61 TA-Lib patterns and the indicators over a bars CSV\n"
    "  migrate     create or upgrade the PostgreSQL schema (DATABASE_URL)\n"
    "  import      bulk-load a bars CSV into PostgreSQL\n"
    "  rollup      derive daily bars from stored 1-minute bars (--daily)\n"
    "  symbols     load the symbol master and symbol groups from CSV into PostgreSQL\n"
    "  user        add a dashboard account (password from stdin) or list them\n"
    "  backfill    load Polygon.io history (minute or daily bars) into PostgreSQL\n"
    "  backtest    which patterns worked on stored bars (backtest run)\n"
    "  calibrate   a backtest's hit rates as the live confidence (serve "
    "--confidence-calibration)\n\n"
    "`tickstockapp COMMAND --help` lists every option with its default.\n";

}  // namespace

int main(int argc, char** argv) {
  tickstock::app::Log log;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char* cmd = argv[1];
  try {
    if (std::strcmp(cmd, "serve") == 0) return tickstock::app::run_serve(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "aggregate") == 0)
      return tickstock::app::run_aggregate(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "scan") == 0) return tickstock::app::run_scan(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "migrate") == 0)
      return tickstock::app::run_migrate(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "import") == 0) return tickstock::app::run_import(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "rollup") == 0) return tickstock::app::run_rollup(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "symbols") == 0)
      return tickstock::app::run_symbols(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "user") == 0) return tickstock::app::run_user(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "backfill") == 0)
      return tickstock::app::run_backfill(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "backtest") == 0)
      return tickstock::app::run_backtest_command(argc - 2, argv + 2, log);
    if (std::strcmp(cmd, "calibrate") == 0)
      return tickstock::app::run_calibrate(argc - 2, argv + 2, log);
  } catch (const std::exception& e) {
    log.error(std::string("fatal: ") + e.what());
    return 1;
  }
  log.error(std::string("unknown command '") + cmd + "'");
  std::fputs(kUsage, stderr);
  return 2;
}
