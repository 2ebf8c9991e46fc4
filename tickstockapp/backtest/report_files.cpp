#include "backtest/report_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "backtest/equity_chart.h"
#include "backtest/report_html.h"

namespace tickstock::app {

Result<void> write_report_files(const BacktestReport& r, const std::string& dir) {
  const std::string html = dir + "/report.html";
  std::ofstream f(html, std::ios::binary | std::ios::trunc);
  f << report_html(r);
  if (!f.flush()) return fail(html, ": ", std::strerror(errno));
  if (r.strategy && r.strategy->equity_daily.size() >= 2)
    return write_equity_png(r.strategy->equity_daily, dir + "/equity.png");
  return {};
}

}  // namespace tickstock::app
