// Drives one streaming CDL detector over a bar series and compares it with a TA-Lib golden
// column. Each bar is first offered in a perturbed form and then revised to its true value,
// so every comparison also proves that a revised newest bar replaces the earlier one.
#ifndef TICKSTOCK_TESTS_LIB_PATTERNS_CDL_HARNESS_H_
#define TICKSTOCK_TESTS_LIB_PATTERNS_CDL_HARNESS_H_

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "patterns/candle.h"
#include "patterns/cdl_set.h"
#include "patterns/pattern_params.h"
#include "support/test_support.h"

namespace tickstock::test {

// A golden file: bars (ts, o, h, l, c) plus the oracle's columns by name.
struct CdlGolden {
  std::vector<detail::Candle> candles;
  std::map<std::string, std::vector<std::string>> columns;  // "" = no value (lookback)
};

// Loads `bars_csv` (ts,open,high,low,close,volume,...) and its oracle output `talib_csv`.
inline CdlGolden load_cdl_golden(const std::string& bars_csv, const std::string& talib_csv) {
  CdlGolden g;
  auto bars = parse_csv(read_file(bars_csv));
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < bars[0].size(); ++i) col[bars[0][i]] = i;
  for (std::size_t r = 1; r < bars.size(); ++r) {
    const auto& f = bars[r];
    g.candles.push_back({std::strtod(f[col.at("open")].c_str(), nullptr),
                         std::strtod(f[col.at("high")].c_str(), nullptr),
                         std::strtod(f[col.at("low")].c_str(), nullptr),
                         std::strtod(f[col.at("close")].c_str(), nullptr)});
  }
  auto out = parse_csv(read_file(talib_csv));
  for (std::size_t c = 0; c < out[0].size(); ++c) {
    auto& v = g.columns[out[0][c]];
    for (std::size_t r = 1; r < out.size(); ++r) v.push_back(c < out[r].size() ? out[r][c] : "");
  }
  return g;
}

// Result of a parity run: how many bars were compared and the first mismatch, if any.
struct CdlParity {
  std::size_t compared = 0;
  std::size_t mismatches = 0;
  std::string first_mismatch;  // "bar 123: got 100, TA-Lib 0"
};

// Runs detector D over g.candles with params p and compares with column `name`.
template <class D>
CdlParity run_cdl_parity(const CdlGolden& g, const std::string& name,
                         const detail::PatternParams& p) {
  CdlParity res;
  const auto& want = g.columns.at(name);
  detail::TotalsLayout layout;
  D det(p);
  detail::register_detector(det, p, layout);
  detail::CandleRing ring(layout);
  detail::CdlSeries series;
  for (std::size_t i = 0; i < g.candles.size(); ++i) {
    detail::Candle fake = g.candles[i];
    fake.close = fake.open + (fake.high - fake.low) * 0.37;  // a different, plausible candle
    fake.high += 1.0;
    ring.push(fake);
    (void)detail::evaluate_detector(det, ring, p, true, series);
    ring.replace_newest(g.candles[i]);
    const int got = detail::evaluate_detector(det, ring, p, false, series);
    const bool in_lookback = static_cast<std::int64_t>(i) < det.lookback();
    const std::string& w = want[i];
    const std::string got_s = in_lookback ? "" : std::to_string(got);
    if (in_lookback && !w.empty()) {
      ++res.mismatches;
    } else if (!in_lookback) {
      ++res.compared;
      if (got_s != w) ++res.mismatches;
    }
    if (got_s != w && res.first_mismatch.empty())
      res.first_mismatch = "bar " + std::to_string(i) + ": got '" + got_s + "', TA-Lib '" + w + "'";
  }
  return res;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_LIB_PATTERNS_CDL_HARNESS_H_
