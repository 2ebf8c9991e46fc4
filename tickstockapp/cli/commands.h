// The subcommands of tickstockapp. Each returns the process exit code.
#ifndef TICKSTOCKAPP_CLI_COMMANDS_H_
#define TICKSTOCKAPP_CLI_COMMANDS_H_

#include "base/log.h"

namespace tickstock::app {

int run_serve(int argc, char** argv, Log& log);
int run_aggregate(int argc, char** argv, Log& log);
int run_scan(int argc, char** argv, Log& log);
int run_migrate(int argc, char** argv, Log& log);
int run_import(int argc, char** argv, Log& log);
int run_rollup(int argc, char** argv, Log& log);
int run_symbols(int argc, char** argv, Log& log);
int run_user(int argc, char** argv, Log& log);
int run_backfill(int argc, char** argv, Log& log);
int run_backtest_command(int argc, char** argv, Log& log);
int run_calibrate(int argc, char** argv, Log& log);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_CLI_COMMANDS_H_
