// results_json and write_backtest_csv: a report as files anyone can recompute from.
// Reals are written as the shortest text that reads back to the same double; undefined values
// are null in JSON and empty in CSV.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/json.h"

#include "backtest/calibration.h"
#include "backtest/strategy_output.h"

namespace tickstock {
namespace {

// The options with every default filled in, keys sorted.
void write_params(JsonWriter& w, const BacktestOptions& o) {
  w.key("params");
  w.begin_object();
  w.num("commission", o.commission);
  w.str("end", format_iso8601(o.end));
  w.str("entry", o.entry == EntryPrice::NextOpen ? "next_open" : "close");
  w.str("hit_threshold", o.hit_threshold == HitThreshold::Zero ? "zero" : "cost");
  w.begin_array("horizons");
  for (const int h : o.horizons) w.element(static_cast<double>(h));
  w.end_array();
  w.num("min_confidence", o.min_confidence);
  w.begin_array("patterns");
  for (const std::string& p : o.patterns) w.element(p);
  w.end_array();
  w.boolean("session_bound", o.session_bound);
  w.num("slippage", o.slippage);
  w.str("start", format_iso8601(o.start));
  w.boolean("strategy", o.strategy.has_value());
  w.begin_array("symbols");
  for (const std::string& s : o.symbols) w.element(s);
  w.end_array();
  w.begin_array("timeframes");
  for (const Timeframe tf : o.timeframes) w.element(timeframe_name(tf));
  w.end_array();
  w.integer("warmup_bars", o.warmup_bars);
  w.end_object();
}

void write_data(JsonWriter& w, const BacktestReport& r) {
  w.key("data");
  w.begin_object();
  w.uinteger("bars", r.bars_read);
  w.uinteger("censored", r.censored);
  w.uinteger("events", r.events);
  w.str("fingerprint", r.fingerprint);
  w.begin_array("series");
  for (const BacktestReport::SeriesRead& s : r.series) {
    w.begin_object();
    w.uinteger("bars", s.bars);
    w.str("first", s.bars > s.warmup ? format_iso8601(s.first) : "");
    w.str("last", s.bars > s.warmup ? format_iso8601(s.last) : "");
    w.str("symbol", s.symbol);
    w.str("timeframe", timeframe_name(s.timeframe));
    w.uinteger("warmup", s.warmup);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_cell(JsonWriter& w, const StatCell& c) {
  w.begin_object();
  w.num("baseline_mean", c.baseline_mean);
  w.uinteger("baseline_n", c.baseline_n);
  w.num("baseline_p0", c.baseline_p0);
  w.num("baseline_std", c.baseline_std);
  w.uinteger("censored", c.censored);
  w.str("direction", signal_side_name(c.side));
  w.uinteger("events", c.events);
  w.num("excess", c.excess);
  w.num("hit_rate", c.hit_rate);
  w.num("hit_rate_hi", c.hit_hi);
  w.num("hit_rate_lo", c.hit_lo);
  w.uinteger("hits", c.hits);
  w.uinteger("hits_eff", c.hits_eff);
  w.integer("horizon", c.horizon);
  w.num("mae", c.mae);
  w.num("mean", c.mean);
  w.num("mean_eff", c.mean_eff);
  w.num("median", c.median);
  w.num("mfe", c.mfe);
  w.uinteger("n", c.n);
  w.uinteger("n_eff", c.n_eff);
  w.num("naive_t", c.naive_t);
  w.num("naive_t_over_sqrt_h", c.naive_t / std::sqrt(static_cast<double>(c.horizon)));
  w.num("p", c.p);
  w.num("p_hit", c.p_hit);
  w.str("pattern", pattern_info(c.pattern).talib_name);
  w.num("q", c.q);
  w.boolean("significant", c.significant);
  w.num("std", c.std);
  w.num("std_eff", c.std_eff);
  w.str("symbol", c.symbol);
  if (c.symbol == "ALL") {
    w.uinteger("symbols_positive", c.symbols_positive);
    w.uinteger("symbols_total", c.symbols_total);
  }
  w.str("timeframe", timeframe_name(c.timeframe));
  w.num("welch_df", c.welch_df);
  w.num("welch_t", c.welch_t);
  w.end_object();
}

std::string stats_csv(const BacktestReport& r) {
  std::string out =
      "pattern,symbol,timeframe,direction,horizon,events,censored,n,hits,hit_rate,hit_rate_lo,"
      "hit_rate_hi,mean,median,std,mfe,mae,baseline_mean,baseline_std,baseline_n,baseline_p0,"
      "excess,n_eff,hits_eff,mean_eff,std_eff,welch_t,welch_df,p,q,naive_t,p_hit,significant\n";
  for (const StatCell& c : r.stats) {
    out += pattern_info(c.pattern).talib_name;
    out += ',' + c.symbol + ',' + std::string(timeframe_name(c.timeframe)) + ',' +
           std::string(signal_side_name(c.side)) + ',' + std::to_string(c.horizon) + ',' +
           std::to_string(c.events) + ',' + std::to_string(c.censored) + ',' + std::to_string(c.n) +
           ',' + std::to_string(c.hits);
    for (const double v : {c.hit_rate, c.hit_lo, c.hit_hi, c.mean, c.median, c.std, c.mfe, c.mae,
                           c.baseline_mean, c.baseline_std}) {
      out += ',';
      backtest::csv_num(out, v);
    }
    out += ',' + std::to_string(c.baseline_n) + ',';
    backtest::csv_num(out, c.baseline_p0);
    out += ',';
    backtest::csv_num(out, c.excess);
    out += ',' + std::to_string(c.n_eff) + ',' + std::to_string(c.hits_eff);
    for (const double v :
         {c.mean_eff, c.std_eff, c.welch_t, c.welch_df, c.p, c.q, c.naive_t, c.p_hit}) {
      out += ',';
      backtest::csv_num(out, v);
    }
    out += c.significant ? ",true\n" : ",false\n";
  }
  return out;
}

// Every signal with its windows, so that anyone can recompute the statistics (§9).
std::string events_csv(const BacktestReport& r) {
  std::string out = "pattern,symbol,timeframe,bar_start,direction,output,confidence,entry_price";
  for (const int h : r.options.horizons) {
    const std::string n = std::to_string(h);
    out += ",r_" + n + ",valid_" + n + ",censor_" + n;
  }
  out += '\n';
  for (const SignalEvent& e : r.signals) {
    out += std::string(pattern_info(e.pattern).talib_name) + ',' + e.symbol + ',' +
           std::string(timeframe_name(e.timeframe)) + ',' + format_iso8601(e.bar_start) + ',' +
           std::string(signal_side_name(e.side)) + ',' + std::to_string(e.output) + ',';
    backtest::csv_num(out, e.confidence);
    out += ',';
    backtest::csv_num(out, e.entry);
    for (std::size_t k = 0; k < e.returns.size(); ++k) {
      out += ',';
      backtest::csv_num(out, e.returns[k]);
      out += e.censor[k] == Censor::None ? ",true," : ",false,";
      out += censor_name(e.censor[k]);
    }
    out += '\n';
  }
  return out;
}

Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (f) f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f) return Error{path.string() + ": " + std::strerror(errno)};
  return {};
}

}  // namespace

std::string results_json(const BacktestReport& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  backtest::write_calibration_json(w, r);
  write_data(w, r);
  w.key("engine");
  w.begin_object();
  w.str("commit", engine_commit());
  w.str("version", engine_version());
  w.end_object();
  w.num("expected_below_p05_by_chance", 0.05 * static_cast<double>(r.tests));
  write_params(w, r.options);
  w.integer("schema_version", 1);
  w.begin_array("stats");
  for (const StatCell& c : r.stats) write_cell(w, c);
  w.end_array();
  w.str("status", r.status == BacktestReport::Status::Done ? "done" : "cancelled");
  if (r.strategy) backtest::write_strategy_json(w, *r.strategy);
  w.uinteger("tests", r.tests);
  w.begin_array("warnings");
  for (const std::string& s : r.warnings) w.element(s);
  w.end_array();
  w.end_object();
  out += '\n';
  return out;
}

Result<void> write_backtest_csv(const BacktestReport& report, const std::string& dir, bool events) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir + ": " + ec.message()};
  const std::filesystem::path d(dir);
  if (auto ok = write_file(d / "stats.csv", stats_csv(report)); !ok) return ok;
  if (auto ok = write_file(d / "calibration.csv", backtest::calibration_csv(report)); !ok)
    return ok;
  if (report.strategy) {
    const StrategyReport& s = *report.strategy;
    if (auto ok = write_file(d / "trades.csv", backtest::trades_csv(s)); !ok) return ok;
    if (auto ok = write_file(d / "equity.csv", backtest::equity_csv(s.equity)); !ok) return ok;
    if (auto ok = write_file(d / "equity_daily.csv", backtest::equity_csv(s.equity_daily)); !ok)
      return ok;
  }
  if (!events) return {};
  return write_file(d / "events.csv", events_csv(report));
}

}  // namespace tickstock
