// tickstockapp scan --bars FILE [--out FILE|-] [--set NAME.param=value]... [--extras]
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "tickstock/csv_reader.h"
#include "tickstock/scanner.h"

#include "base/progress.h"
#include "cli/commands.h"
#include "settings/scanner_settings.h"
#include "settings/settings.h"
#include "sinks/scan_output.h"

namespace tickstock::app {

int run_scan(int argc, char** argv, Log& log) {
  const auto sets = take_sets(argc, argv);
  if (!sets) {
    log.error("scan: " + sets.error().message);
    return 2;
  }
  Settings s;
  s.add("--bars", "", "",
        "bars CSV to read (ts,open,high,low,close,volume[,symbol]; .gz ok; - = stdin)");
  s.add("--out", "", "-", "output CSV file (- = stdout)");
  s.add_switch("--extras", "", "also write PLUS_DI, MINUS_DI, VWAP and bands, RVOL and pivots");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("scan: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp scan --bars FILE [--out FILE|-] [--set NAME.param=value]... "
        "[--extras]\n\n"
        "Feeds bars one at a time through the streaming scanner (the engine of `serve`) and "
        "writes\nts[,symbol], the 61 CDL columns and SMA EMA RSI MACD MACD_SIGNAL MACD_HIST "
        "BBANDS_UPPER\nBBANDS_MIDDLE BBANDS_LOWER ATR STOCH_SLOWK STOCH_SLOWD ADX OBV WILLR CCI "
        "MFI "
        "with the\nnames, parameters and rules of TA-Lib (empty cell = no value yet). A symbol "
        "column gives\neach symbol its own state.\n\n%s\n%s",
        s.help().c_str(), kSetHelp);
    return 0;
  }
  if (s.get("--bars").empty()) {
    log.error("scan: --bars FILE is required (see --help)");
    return 2;
  }
  ScannerOptions options;
  if (auto r = apply_sets(*sets, options); !r) {
    log.error("scan: " + r.error().message);
    return 2;
  }
  if (auto r = options.validate(); !r) {
    log.error("scan: " + r.error().message);
    return 2;
  }

  SymbolTable symbols;
  auto reader = BarCsvReader::open(s.get("--bars"), symbols);
  if (!reader) {
    log.error(reader.error().message);
    return 1;
  }
  std::FILE* f = stdout;
  const std::string& path = s.get("--out");
  if (path != "-") {
    f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      log.error(path + ": cannot open for writing: " + std::strerror(errno));
      return 1;
    }
  }
  CsvScanWriter out(f, (*reader)->has_symbol_column(), s.on("--extras"));
  out.header();
  Scanner scanner(options, out);
  ProgressBar progress("scan");
  Bar bar;
  Error err;
  std::uint64_t bad = 0;
  for (;;) {
    const ReadStatus st = (*reader)->next(bar, err);
    if (st == ReadStatus::Eof) break;
    if (st == ReadStatus::Error) {
      ++bad;
      log.limited("bad-record", err.message);
      continue;
    }
    out.set_ts_text((*reader)->last_ts_text());
    scanner.on_bar(bar);
    progress.update((*reader)->bytes_read(), (*reader)->bytes_total(), out.rows());
  }
  scanner.flush();
  progress.finish();
  const bool ok = out.ok();
  if (f != stdout) std::fclose(f);
  if (!ok) {
    log.error(path + ": write failed");
    return 1;
  }
  const ScannerStats st = scanner.stats();
  log.info("scan: " + std::to_string(st.bars) + " bars in " + std::to_string(st.series) +
           " series; " + std::to_string(st.patterns) + " patterns, " + std::to_string(st.alerts) +
           " alerts; " + std::to_string(bad) + " bad lines");
  return bad > 0 ? 3 : 0;
}

}  // namespace tickstock::app
