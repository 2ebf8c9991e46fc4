// Drives streaming indicators over a bar series and compares every output with a TA-Lib golden
// column, bit for bit. Each series is run twice: once with plain update(), once where every bar
// is first offered in two perturbed forms (update + revise) and then revised to its true value,
// which proves that revise() replaces the newest bar exactly.
#ifndef TICKSTOCK_TESTS_LIB_INDICATORS_INDICATOR_HARNESS_H_
#define TICKSTOCK_TESTS_LIB_INDICATORS_INDICATOR_HARNESS_H_

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tickstock/calendar.h"
#include "tickstock/indicators.h"
#include "tickstock/types.h"

#include "support/test_support.h"

namespace tickstock::test {

// Bars parsed from a ts,open,high,low,close,volume CSV (extra columns ignored).
inline std::vector<Bar> bars_from_rows(const std::vector<std::vector<std::string>>& rows,
                                       const std::string& symbol = "") {
  std::vector<Bar> out;
  if (rows.empty()) return out;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  const auto sym = col.find("symbol");
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r];
    if (!symbol.empty() && (sym == col.end() || f[sym->second] != symbol)) continue;
    Bar b;
    b.start = parse_timestamp(f[col.at("ts")]).value_or(0);
    b.open = std::strtod(f[col.at("open")].c_str(), nullptr);
    b.high = std::strtod(f[col.at("high")].c_str(), nullptr);
    b.low = std::strtod(f[col.at("low")].c_str(), nullptr);
    b.close = std::strtod(f[col.at("close")].c_str(), nullptr);
    b.volume = std::strtod(f[col.at("volume")].c_str(), nullptr);
    out.push_back(b);
  }
  return out;
}

// Oracle columns by name; "" = TA-Lib gives no value for that bar.
using GoldenColumns = std::map<std::string, std::vector<std::string>>;

// Loads an oracle output CSV.
inline GoldenColumns load_golden(const std::string& path) {
  GoldenColumns g;
  const auto rows = parse_csv(read_file(path));
  for (std::size_t c = 0; c < rows[0].size(); ++c) {
    auto& v = g[rows[0][c]];
    for (std::size_t r = 1; r < rows.size(); ++r) v.push_back(c < rows[r].size() ? rows[r][c] : "");
  }
  return g;
}

// Outcome of comparing one output column.
struct ColumnParity {
  std::string column;
  std::size_t compared = 0;     // bars where both sides have a value
  std::size_t inexact = 0;      // values that differ in any bit
  std::size_t ready_wrong = 0;  // bars where ready() disagrees with the cell being empty
  double max_rel = 0;           // largest |got − want| / |want|
  std::string first_problem;
};

// One output of an indicator: nullopt when it reports no value for the newest bar.
template <class Ind>
struct OutputSpec {
  std::string column;
  std::function<std::optional<double>(const Ind&)> get;
};

// A bar that differs from `b` in every field an indicator may read.
inline Bar perturbed(const Bar& b, int variant) {
  Bar p = b;
  const double f = variant == 0 ? 1.013 : 0.991;
  p.high = b.high * f + 0.07;
  p.low = b.low * (2.0 - f) - 0.05;
  p.close = b.close * f;
  p.open = b.open * (2.0 - f);
  p.volume = b.volume * 3 + 17;
  return p;
}

// Runs `make()` over `bars` (plain, or with perturb-then-revise per bar) and compares the
// outputs with the golden columns.
template <class Ind, class Make>
std::vector<ColumnParity> run_parity(const std::vector<Bar>& bars, const GoldenColumns& golden,
                                     Make make, const std::vector<OutputSpec<Ind>>& outputs,
                                     bool with_revisions) {
  std::vector<ColumnParity> res;
  for (const auto& o : outputs) {
    ColumnParity cp;
    cp.column = o.column;
    res.push_back(cp);
  }
  Ind ind = make();
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (with_revisions) {
      ind.update(perturbed(bars[i], 0));
      if (i % 3 == 0) ind.revise(perturbed(bars[i], 1));
      ind.revise(bars[i]);
    } else {
      ind.update(bars[i]);
    }
    for (std::size_t k = 0; k < outputs.size(); ++k) {
      ColumnParity& cp = res[k];
      const std::string& cell = golden.at(outputs[k].column).at(i);
      const std::optional<double> got = outputs[k].get(ind);
      if (cell.empty() != !got.has_value()) {
        ++cp.ready_wrong;
        if (cp.first_problem.empty())
          cp.first_problem = "bar " + std::to_string(i) + ": ready=" + (got ? "true" : "false") +
                             ", TA-Lib '" + cell + "'";
        continue;
      }
      if (!got) continue;
      const double want = std::strtod(cell.c_str(), nullptr);
      ++cp.compared;
      if (std::memcmp(&want, &*got, sizeof want) != 0 && !(want == 0 && *got == 0)) {
        ++cp.inexact;
        const double rel = std::fabs(*got - want) / std::max(std::fabs(want), 1e-300);
        cp.max_rel = std::max(cp.max_rel, rel);
        if (cp.first_problem.empty()) {
          char buf[160];
          std::snprintf(buf, sizeof buf, "bar %zu: got %.17g, TA-Lib %s", i, *got, cell.c_str());
          cp.first_problem = buf;
        }
      }
    }
  }
  return res;
}

// Periods for one golden set.
struct IndicatorParams {
  int sma = 30, ema = 30, rsi = 14;
  int macd_fast = 12, macd_slow = 26, macd_signal = 9;
  int bb = 20;
  double bb_up = 2, bb_dn = 2;
  int atr = 14;
  int stoch_k = 5, stoch_slow_k = 3, stoch_slow_d = 3;
  int adx = 14, willr = 14, cci = 14, mfi = 14;
};

// Optional output helpers.
template <class Ind, class F>
OutputSpec<Ind> out(std::string column, F f) {
  return {std::move(column), [f](const Ind& ind) -> std::optional<double> {
            if (!ind.ready()) return std::nullopt;
            return f(ind);
          }};
}

// Runs every TA-Lib indicator with `p` over `bars` against the oracle's columns; appends the
// results per column (name prefixed with `tag`).
inline std::vector<ColumnParity> parity_all(const std::vector<Bar>& bars, const GoldenColumns& g,
                                            const IndicatorParams& p, bool with_revisions) {
  std::vector<ColumnParity> all;
  const auto add = [&all](std::vector<ColumnParity> v) {
    all.insert(all.end(), v.begin(), v.end());
  };
  const bool rv = with_revisions;
  add(run_parity<Sma>(
      bars, g, [&] { return Sma(p.sma); },
      {out<Sma>("SMA", [](const Sma& x) { return x.value(); })}, rv));
  add(run_parity<Ema>(
      bars, g, [&] { return Ema(p.ema); },
      {out<Ema>("EMA", [](const Ema& x) { return x.value(); })}, rv));
  add(run_parity<Rsi>(
      bars, g, [&] { return Rsi(p.rsi); },
      {out<Rsi>("RSI", [](const Rsi& x) { return x.value(); })}, rv));
  add(run_parity<Macd>(
      bars, g, [&] { return Macd(p.macd_fast, p.macd_slow, p.macd_signal); },
      {out<Macd>("MACD", [](const Macd& x) { return x.value().macd; }),
       out<Macd>("MACD_SIGNAL", [](const Macd& x) { return x.value().signal; }),
       out<Macd>("MACD_HIST", [](const Macd& x) { return x.value().hist; })},
      rv));
  add(run_parity<Bollinger>(
      bars, g, [&] { return Bollinger(p.bb, p.bb_up, p.bb_dn); },
      {out<Bollinger>("BBANDS_UPPER", [](const Bollinger& x) { return x.value().upper; }),
       out<Bollinger>("BBANDS_MIDDLE", [](const Bollinger& x) { return x.value().middle; }),
       out<Bollinger>("BBANDS_LOWER", [](const Bollinger& x) { return x.value().lower; })},
      rv));
  add(run_parity<Atr>(
      bars, g, [&] { return Atr(p.atr); },
      {out<Atr>("ATR", [](const Atr& x) { return x.value(); })}, rv));
  add(run_parity<Stoch>(
      bars, g, [&] { return Stoch(p.stoch_k, p.stoch_slow_k, p.stoch_slow_d); },
      {out<Stoch>("STOCH_SLOWK", [](const Stoch& x) { return x.value().slow_k; }),
       out<Stoch>("STOCH_SLOWD", [](const Stoch& x) { return x.value().slow_d; })},
      rv));
  add(run_parity<Adx>(
      bars, g, [&] { return Adx(p.adx); },
      {out<Adx>("ADX", [](const Adx& x) { return x.value().adx; })}, rv));
  add(run_parity<Obv>(
      bars, g, [] { return Obv(); }, {out<Obv>("OBV", [](const Obv& x) { return x.value(); })},
      rv));
  add(run_parity<WilliamsR>(
      bars, g, [&] { return WilliamsR(p.willr); },
      {out<WilliamsR>("WILLR", [](const WilliamsR& x) { return x.value(); })}, rv));
  add(run_parity<Cci>(
      bars, g, [&] { return Cci(p.cci); },
      {out<Cci>("CCI", [](const Cci& x) { return x.value(); })}, rv));
  add(run_parity<Mfi>(
      bars, g, [&] { return Mfi(p.mfi); },
      {out<Mfi>("MFI", [](const Mfi& x) { return x.value(); })}, rv));
  return all;
}

// +DI/−DI of Adx(period) against PLUS_DI_<period> / MINUS_DI_<period>.
inline std::vector<ColumnParity> parity_di(const std::vector<Bar>& bars, const GoldenColumns& g,
                                           int period, bool with_revisions) {
  const std::string ps = std::to_string(period);
  const auto di = [](bool plus) {
    return [plus](const Adx& x) -> std::optional<double> {
      if (!x.di_ready()) return std::nullopt;
      return plus ? x.value().plus_di : x.value().minus_di;
    };
  };
  return run_parity<Adx>(
      bars, g, [period] { return Adx(period); },
      {{"PLUS_DI_" + ps, di(true)}, {"MINUS_DI_" + ps, di(false)}}, with_revisions);
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_LIB_INDICATORS_INDICATOR_HARNESS_H_
