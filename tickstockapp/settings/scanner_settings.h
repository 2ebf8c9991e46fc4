// The pattern-engine settings that `serve` and `scan` share: the repeatable `--set
// NAME.param=value` and the `--patterns` selection, parsed once so both commands read them alike.
#ifndef TICKSTOCKAPP_SETTINGS_SCANNER_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_SCANNER_SETTINGS_H_

#include <bitset>
#include <string>
#include <vector>

#include "tickstock/patterns.h"
#include "tickstock/result.h"
#include "tickstock/scanner.h"

namespace tickstock::app {

// Takes the repeatable `--set X` / `--set=X` arguments out of argv, leaving the rest for
// Settings::parse (which knows only single-valued flags). Error: `--set` without a value.
Result<std::vector<std::string>> take_sets(int& argc, char** argv);
// Applies each "NAME.param=value" to `options`; the error names the assignment.
Result<void> apply_sets(const std::vector<std::string>& sets, ScannerOptions& options);
// What `--set` takes, for the --help of `scan` and `serve`: every name family with an example,
// the values of CANDLE.*.range and the on/off alerts. A test sets each value it lists.
extern const char* const kSetHelp;
// "all", or comma-separated TA-Lib names ("CDLDOJI,CDLENGULFING"; spaces around names are
// ignored). The error names the first unknown name.
Result<std::bitset<kPatternCount>> parse_pattern_list(const std::string& list);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_SCANNER_SETTINGS_H_
