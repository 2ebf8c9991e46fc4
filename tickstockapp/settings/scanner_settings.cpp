#include "settings/scanner_settings.h"

#include <string_view>

namespace tickstock::app {

const char* const kSetHelp =
    "--set NAME.param=value (repeatable, flag only) tunes the scanner with TA-Lib's names\n"
    "(ScannerOptions::set in tickstock/scanner.h; docs/commands.md#scan):\n"
    "  indicator periods and deviations: SMA.optInTimePeriod=20, MACD.optInFastPeriod=5,\n"
    "    BBANDS.optInNbDevUp=1.5, STOCH.optInSlowK_Period=4, RVOL.optInTimePeriod=20\n"
    "  pattern penetrations: CDLMATHOLD.optInPenetration=0.4\n"
    "  candle settings: CANDLE.<setting>.<avg_period|factor|range>, <setting> one of BodyLong\n"
    "    BodyVeryLong BodyShort BodyDoji ShadowLong ShadowVeryLong ShadowShort ShadowVeryShort\n"
    "    Near Far Equal; range is RealBody, HighLow or Shadows (e.g. CANDLE.BodyDoji.factor=0.05,\n"
    "    CANDLE.Near.range=HighLow)\n"
    "  alert levels: ALERT.rsi_overbought=80, ALERT.rsi_oversold=20 (0 <= oversold < overbought\n"
    "    <= 100); alerts on or off: ALERT.macd_cross, ALERT.bollinger_break = true|false,\n"
    "    on|off or 1|0 (both on by default)\n";

Result<std::vector<std::string>> take_sets(int& argc, char** argv) {
  std::vector<std::string> sets;
  int out = 0;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--set") {
      if (i + 1 >= argc) return fail("--set needs a value NAME.param=value");
      sets.emplace_back(argv[++i]);
    } else if (a.rfind("--set=", 0) == 0) {
      sets.push_back(a.substr(6));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return sets;
}

Result<void> apply_sets(const std::vector<std::string>& sets, ScannerOptions& options) {
  for (const std::string& a : sets) {
    if (auto r = options.set(a); !r) return fail("--set ", r.error().message);
  }
  return {};
}

Result<std::bitset<kPatternCount>> parse_pattern_list(const std::string& list) {
  std::bitset<kPatternCount> out;
  if (list == "all") return out.set();
  std::string_view rest = list;
  for (;;) {
    const std::size_t comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty())
      return fail("--patterns '", list,
                  "': expected all or comma-separated TA-Lib names, e.g. CDLDOJI,CDLENGULFING");
    const auto id = find_pattern(name);
    if (!id)
      return fail("--patterns: unknown pattern '", name,
                  "' (TA-Lib names such as CDLDOJI, CDLENGULFING, CDLHAMMER)");
    out.set(static_cast<std::size_t>(*id));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace tickstock::app
