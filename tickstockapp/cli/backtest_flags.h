// The settings `backtest run` and `backtest submit` share, read into BacktestOptions: the
// symbols and range, what is measured, the strategy. Errors name the flag.
#ifndef TICKSTOCKAPP_CLI_BACKTEST_FLAGS_H_
#define TICKSTOCKAPP_CLI_BACKTEST_FLAGS_H_

#include <string>
#include <vector>

#include "tickstock/backtest.h"

#include "settings/settings.h"

namespace tickstock::app {

// Declares the shared flags on `s`.
void declare_backtest_flags(Settings& s);
// The options of the parsed flags and the --set list; the error names the flag.
Result<BacktestOptions> options_from_flags(const Settings& s, const std::vector<std::string>& sets);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_CLI_BACKTEST_FLAGS_H_
