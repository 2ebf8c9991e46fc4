// tickstockapp aggregate --ticks FILE [--timeframe TF] [--out FILE|-]
#include <cstdio>
#include <cstring>

#include "tickstock/bar_aggregator.h"
#include "tickstock/csv_reader.h"

#include "base/progress.h"
#include "cli/commands.h"
#include "settings/aggregator_settings.h"
#include "settings/settings.h"
#include "sinks/bar_output.h"

namespace tickstock::app {

int run_aggregate(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--ticks", "", "", "ticks CSV to read (ts_ns,symbol,price,size; .gz ok; - = stdin)");
  s.add("--timeframe", "", "1m", "bars to print: 1m 5m 15m 30m 1h 4h 1d");
  s.add("--out", "", "-", "output CSV file (- = stdout)");
  declare_aggregator_settings(s);
  if (auto r = s.parse(argc, argv); !r) {
    log.error(r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp aggregate --ticks FILE [--timeframe 1m|5m|15m|30m|1h|4h|1d] "
        "[--out FILE|-]\n\nBuilds bars from trades with the same aggregator as `serve` and "
        "prints\nts,symbol,open,high,low,close,volume,vwap,trades (ts = bar start, UTC; daily: "
        "New York date).\n\n%s",
        s.help().c_str());
    return 0;
  }
  if (s.get("--ticks").empty()) {
    log.error("aggregate: --ticks FILE is required (see --help)");
    return 2;
  }
  auto tf = parse_timeframe(s.get("--timeframe"));
  if (!tf) {
    log.error("aggregate: --timeframe '" + s.get("--timeframe") +
              "' is not one of 1m 5m 15m 30m 1h 4h 1d");
    return 2;
  }
  auto parsed = aggregator_options(s);
  if (!parsed) {
    log.error(parsed.error().message);
    return 2;
  }
  AggregatorOptions opt = *parsed;
  for (int i = 1; i < kTimeframeCount; ++i) opt.emit[i] = i == static_cast<int>(*tf);
  SymbolTable symbols;
  auto reader = TickCsvReader::open(s.get("--ticks"), symbols);
  if (!reader) {
    log.error(reader.error().message);
    return 1;
  }
  (*reader)->set_max_disorder(opt.allowed_lateness);
  ManualClock clock;
  CsvBarCollector out(*tf);
  BarAggregator agg(opt, clock, out);
  ProgressBar progress("aggregate");
  Tick t;
  Error err;
  std::uint64_t bad = 0;
  for (;;) {
    const ReadStatus st = (*reader)->next(t, err);
    if (st == ReadStatus::Eof) break;
    if (st == ReadStatus::Error) {
      ++bad;
      log.limited("bad-record", err.message);
      continue;
    }
    if ((*reader)->latest() > clock.now()) clock.set((*reader)->latest());
    agg.on_tick(t);
    progress.update((*reader)->bytes_read(), (*reader)->bytes_total(), agg.stats().ticks_in);
  }
  agg.flush();
  progress.finish();
  std::FILE* f = stdout;
  const std::string& path = s.get("--out");
  if (path != "-") {
    f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      log.error(path + ": cannot open for writing: " + std::strerror(errno));
      return 1;
    }
  }
  const bool ok = out.write(f);
  if (f != stdout) std::fclose(f);
  if (!ok) {
    log.error(path + ": write failed");
    return 1;
  }
  const auto& st = agg.stats();
  std::uint64_t refused = 0;
  for (auto r : st.rejected) refused += r;
  log.info("aggregate: " + std::to_string(st.ticks_used) + " ticks -> " +
           std::to_string(out.size()) + " " + std::string(timeframe_name(*tf)) + " bars; " +
           std::to_string(bad) + " bad lines, " + std::to_string(refused) + " ticks refused, " +
           std::to_string(st.revisions) + " revisions");
  return bad > 0 ? 3 : 0;
}

}  // namespace tickstock::app
