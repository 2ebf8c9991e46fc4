#include "backtest/strategy_output.h"

#include <cmath>

#include "tickstock/calendar.h"

namespace tickstock::backtest {
namespace {

void write_metrics(JsonWriter& w, const char* key, const EquityMetrics& m) {
  w.key(key);
  w.begin_object();
  w.num("cagr", m.cagr);
  w.num("final_equity", m.final_equity);
  w.num("max_drawdown", m.max_drawdown);
  w.num("sharpe", m.sharpe);
  w.num("sortino", m.sortino);
  w.num("total_return", m.total_return);
  w.end_object();
}

void write_options(JsonWriter& w, const StrategyOptions& o) {
  w.key("options");
  w.begin_object();
  w.boolean("allow_short", o.allow_short);
  w.num("commission", o.commission);
  w.num("initial_capital", o.initial_capital);
  w.str("intrabar", intrabar_name(o.intrabar));
  w.integer("max_hold_bars", o.max_hold_bars);
  w.num("max_position", o.max_position);
  w.num("slippage", o.slippage);
  w.num("stop_loss", o.stop_loss);
  w.num("take_profit", o.take_profit);
  w.str("timeframe", o.timeframe ? timeframe_name(*o.timeframe) : "");
  w.end_object();
}

}  // namespace

void csv_num(std::string& out, double v) {
  if (std::isfinite(v)) append_json_number(out, v);
}

void write_strategy_json(JsonWriter& w, const StrategyReport& r) {
  w.key("strategy");
  w.begin_object();
  w.uinteger("ambiguous_bars", r.ambiguous_bars);
  w.num("average_bars_held", r.average_bars_held);
  write_metrics(w, "benchmark", r.benchmark);
  w.num("expectancy", r.expectancy);
  w.num("expectancy_pct", r.expectancy_pct);
  w.num("exposure", r.exposure);
  w.num("fees", r.fees);
  write_metrics(w, "metrics", r.metrics);
  write_options(w, r.options);
  w.num("profit_factor", r.profit_factor);
  w.key("skipped");
  w.begin_object();
  for (const auto& [reason, n] : r.skipped) w.uinteger(reason, n);
  w.end_object();
  w.num("slippage", r.slippage);
  w.uinteger("trades", r.trades);
  w.begin_array("warnings");
  for (const std::string& s : r.warnings) w.element(s);
  w.end_array();
  w.num("win_rate", r.win_rate);
  w.uinteger("wins", r.wins);
  w.end_object();
}

std::string trades_csv(const StrategyReport& r) {
  std::string out =
      "symbol,pattern,direction,confidence,signal_bar,entry_bar,exit_bar,entry_price,exit_price,"
      "shares,fees,slippage,pnl,return_pct,bars_held,exit_reason,ambiguous\n";
  for (const StrategyTrade& t : r.trade_list) {
    out += t.symbol + ',' + std::string(pattern_info(t.pattern).talib_name) +
           (t.direction > 0 ? ",long," : ",short,");
    csv_num(out, t.confidence);
    out += ',' + format_iso8601(t.signal_bar) + ',' + format_iso8601(t.entry_bar) + ',' +
           format_iso8601(t.exit_bar);
    for (const double v :
         {t.entry_price, t.exit_price, t.shares, t.fees, t.slippage_paid, t.pnl, t.return_pct}) {
      out += ',';
      csv_num(out, v);
    }
    out += ',' + std::to_string(t.bars_held) + ',' + std::string(exit_reason_name(t.reason)) +
           (t.ambiguous ? ",true\n" : ",false\n");
  }
  return out;
}

std::string equity_csv(const std::vector<EquityPoint>& points) {
  std::string out = "bar,equity,drawdown,benchmark,positions\n";
  for (const EquityPoint& p : points) {
    out += format_iso8601(p.bar);
    for (const double v : {p.equity, p.drawdown, p.benchmark}) {
      out += ',';
      csv_num(out, v);
    }
    out += ',' + std::to_string(p.positions) + '\n';
  }
  return out;
}

}  // namespace tickstock::backtest
