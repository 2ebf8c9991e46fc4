// The equity and drawdown chart of a backtest's strategy, one series for both renderings: an
// inline SVG for report.html and a PNG (cairo) for equity.png. The series is the equity at each
// New York trading date's last close (equity_daily), against buy and hold, with the drawdown
// below.
#ifndef TICKSTOCKAPP_BACKTEST_EQUITY_CHART_H_
#define TICKSTOCKAPP_BACKTEST_EQUITY_CHART_H_

#include <string>
#include <vector>

#include "tickstock/backtest_strategy.h"
#include "tickstock/result.h"

namespace tickstock::app {

// An SVG element (width 100 %, viewBox 1000 × 420); "" for fewer than 2 points.
std::string equity_svg(const std::vector<EquityPoint>& daily);
// Writes equity.png (1200 × 600) to `path`; an error says why not. REQUIRES: 2 or more points.
Result<void> write_equity_png(const std::vector<EquityPoint>& daily, const std::string& path);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BACKTEST_EQUITY_CHART_H_
