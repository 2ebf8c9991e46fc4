// A backtest's report.html: one self-contained page (inline CSS, a small inline script that
// sorts the tables, inline SVG; no network) with the parameters, warnings, the summary, equity
// and drawdown, the pooled cells with their significance, the pattern × horizon heat map of
// excess returns and the confidence calibration. Served with report_csp(), which allows exactly
// its inline style and script by their sha256.
#ifndef TICKSTOCKAPP_BACKTEST_REPORT_HTML_H_
#define TICKSTOCKAPP_BACKTEST_REPORT_HTML_H_

#include <string>

#include "tickstock/backtest.h"

namespace tickstock::app {

// The page; the same bytes for the same report.
std::string report_html(const BacktestReport& r);
// The Content-Security-Policy report.html is served with: default-src 'none', its inline
// style and script by hash, images from data: URLs.
const std::string& report_csp();

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BACKTEST_REPORT_HTML_H_
