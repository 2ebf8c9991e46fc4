// The files a backtest's output directory gets besides the library's (results.json and the CSV
// files): report.html, and equity.png when the signals were traded.
#ifndef TICKSTOCKAPP_BACKTEST_REPORT_FILES_H_
#define TICKSTOCKAPP_BACKTEST_REPORT_FILES_H_

#include <string>

#include "tickstock/backtest.h"
#include "tickstock/result.h"

namespace tickstock::app {

// Writes DIR/report.html and, with a strategy of 2 or more daily equity points, DIR/equity.png.
// REQUIRES: `dir` exists.
Result<void> write_report_files(const BacktestReport& r, const std::string& dir);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BACKTEST_REPORT_FILES_H_
