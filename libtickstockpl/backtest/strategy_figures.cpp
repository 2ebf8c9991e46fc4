#include "backtest/strategy_figures.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tickstock/calendar.h"

namespace tickstock::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kNanosPerYear = 365.25 * 24 * 3600 * 1e9;

double value(const EquityPoint& p, bool benchmark) { return benchmark ? p.benchmark : p.equity; }

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (const double x : v) sum += x;
  return v.empty() ? kNaN : sum / static_cast<double>(v.size());
}

}  // namespace

void fill_drawdown(std::vector<EquityPoint>& points) {
  double peak = -std::numeric_limits<double>::infinity();
  for (EquityPoint& p : points) {
    peak = std::max(peak, p.equity);
    p.drawdown = peak > 0 ? 1 - p.equity / peak : kNaN;
  }
}

std::vector<EquityPoint> daily_closes(const std::vector<EquityPoint>& points) {
  std::vector<EquityPoint> out;
  Date last;
  for (const EquityPoint& p : points) {
    const Date date = new_york_date(p.bar);
    if (!out.empty() && date == last) {
      out.back() = p;
    } else {
      out.push_back(p);
    }
    last = date;
  }
  return out;
}

EquityMetrics equity_metrics(const std::vector<EquityPoint>& points,
                             const std::vector<EquityPoint>& daily, double initial, Timestamp start,
                             Timestamp end, bool benchmark) {
  EquityMetrics m;
  m.final_equity = points.empty() ? initial : value(points.back(), benchmark);
  m.total_return = m.final_equity / initial - 1;
  const double years = static_cast<double>(end - start) / kNanosPerYear;
  m.cagr =
      years > 0 && m.final_equity > 0 ? std::pow(m.final_equity / initial, 1 / years) - 1 : kNaN;
  double peak = -std::numeric_limits<double>::infinity();
  m.max_drawdown = 0;
  for (const EquityPoint& p : points) {
    peak = std::max(peak, value(p, benchmark));
    if (peak > 0) m.max_drawdown = std::max(m.max_drawdown, 1 - value(p, benchmark) / peak);
  }
  std::vector<double> returns, downside;
  double prev = initial;
  for (const EquityPoint& p : daily) {
    const double v = value(p, benchmark);
    returns.push_back(prev != 0 ? v / prev - 1 : kNaN);
    downside.push_back(std::min(returns.back(), 0.0) * std::min(returns.back(), 0.0));
    prev = v;
  }
  const double mean = mean_of(returns);
  double ss = 0;
  for (const double r : returns) ss += (r - mean) * (r - mean);
  const double sd =
      returns.size() >= 2 ? std::sqrt(ss / static_cast<double>(returns.size() - 1)) : kNaN;
  m.sharpe = sd > 0 ? mean / sd * std::sqrt(252.0) : kNaN;
  const double dd = std::sqrt(mean_of(downside));
  m.sortino = dd > 0 ? mean / dd * std::sqrt(252.0) : kNaN;
  return m;
}

void trade_figures(StrategyReport& r) {
  double won = 0, lost = 0, pnl = 0, pct = 0, held = 0;
  r.trades = r.trade_list.size();
  r.wins = 0;
  r.fees = 0;
  r.slippage = 0;
  for (const StrategyTrade& t : r.trade_list) {
    r.wins += t.pnl > 0 ? 1 : 0;
    (t.pnl > 0 ? won : lost) += t.pnl;
    pnl += t.pnl;
    pct += t.return_pct;
    held += t.bars_held;
    r.fees += t.fees;
    r.slippage += t.slippage_paid;
  }
  const double n = static_cast<double>(r.trades);
  r.win_rate = r.trades > 0 ? static_cast<double>(r.wins) / n : kNaN;
  r.profit_factor = lost < 0 ? won / -lost : kNaN;
  r.expectancy = r.trades > 0 ? pnl / n : kNaN;
  r.expectancy_pct = r.trades > 0 ? pct / n : kNaN;
  r.average_bars_held = r.trades > 0 ? held / n : kNaN;
}

}  // namespace tickstock::backtest
