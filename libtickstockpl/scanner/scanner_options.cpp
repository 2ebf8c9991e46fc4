// ScannerOptions: defaults, validation and "NAME.param=value" assignments.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "tickstock/indicators.h"
#include "tickstock/scanner.h"

namespace tickstock {
namespace {

constexpr std::string_view kFieldNames[] = {
#define TICKSTOCK_FIELD_NAME(e, name) name,
    TICKSTOCK_INDICATOR_FIELDS(TICKSTOCK_FIELD_NAME)
#undef TICKSTOCK_FIELD_NAME
};
static_assert(std::size(kFieldNames) == kFieldCount);

// The candle settings by TA-Lib's names (TA_CandleSettingType without the prefix).
struct NamedSetting {
  std::string_view name;
  CandleSetting CandleSettings::*member;
};
constexpr NamedSetting kSettings[] = {
    {"BodyLong", &CandleSettings::body_long},
    {"BodyVeryLong", &CandleSettings::body_very_long},
    {"BodyShort", &CandleSettings::body_short},
    {"BodyDoji", &CandleSettings::body_doji},
    {"ShadowLong", &CandleSettings::shadow_long},
    {"ShadowVeryLong", &CandleSettings::shadow_very_long},
    {"ShadowShort", &CandleSettings::shadow_short},
    {"ShadowVeryShort", &CandleSettings::shadow_very_short},
    {"Near", &CandleSettings::near},
    {"Far", &CandleSettings::far},
    {"Equal", &CandleSettings::equal},
};

bool parse_number(std::string_view text, double& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end && std::isfinite(out);
}

// An integer-valued number in [lo, hi] (TA-Lib's integer inputs arrive as doubles in the
// oracle, e.g. "5" or "5.0").
Result<void> parse_int(std::string_view key, std::string_view text, int lo, int hi, int& out) {
  double v = 0;
  if (!parse_number(text, v) || v != std::floor(v))
    return fail(key, ": '", text, "' is not an integer");
  if (v < lo || v > hi)
    return fail(key, ": ", text, " is outside ", std::to_string(lo), "..", std::to_string(hi));
  out = static_cast<int>(v);
  return {};
}

Result<void> parse_real(std::string_view key, std::string_view text, double& out) {
  if (!parse_number(text, out)) return fail(key, ": '", text, "' is not a finite number");
  return {};
}

Result<void> parse_bool(std::string_view key, std::string_view text, bool& out) {
  if (text == "1" || text == "true" || text == "on") {
    out = true;
  } else if (text == "0" || text == "false" || text == "off") {
    out = false;
  } else {
    return fail(key, ": '", text, "' is not a boolean (true/false, on/off, 1/0)");
  }
  return {};
}

// MA type inputs: only simple (0) is implemented, which is what the oracle passes.
Result<void> parse_ma_type(std::string_view key, std::string_view text) {
  int v = 0;
  if (auto r = parse_int(key, text, 0, 8, v); !r) return r;
  if (v != 0) return fail(key, ": only MA type 0 (simple) is supported, got ", text);
  return {};
}

Result<void> set_candle(CandleSettings& candles, std::string_view key, std::string_view rest,
                        std::string_view value) {
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos)
    return fail(key, ": expected CANDLE.<setting>.<avg_period|factor|range>");
  const std::string_view name = rest.substr(0, dot);
  const std::string_view field = rest.substr(dot + 1);
  for (const NamedSetting& s : kSettings) {
    if (s.name != name) continue;
    CandleSetting& cs = candles.*s.member;
    if (field == "avg_period") return parse_int(key, value, 0, 24, cs.avg_period);
    if (field == "factor") {
      if (auto r = parse_real(key, value, cs.factor); !r) return r;
      if (cs.factor < 0) return fail(key, ": factor ", value, " is negative");
      return {};
    }
    if (field == "range") {
      if (value == "RealBody") {
        cs.range = CandleRange::RealBody;
      } else if (value == "HighLow") {
        cs.range = CandleRange::HighLow;
      } else if (value == "Shadows") {
        cs.range = CandleRange::Shadows;
      } else {
        return fail(key, ": '", value, "' is not a range (RealBody, HighLow, Shadows)");
      }
      return {};
    }
    return fail(key, ": unknown field '", field, "' (avg_period, factor, range)");
  }
  return fail(key, ": unknown candle setting '", name,
              "' (BodyLong, BodyVeryLong, BodyShort, BodyDoji, ShadowLong, ShadowVeryLong, "
              "ShadowShort, ShadowVeryShort, Near, Far, Equal)");
}

}  // namespace

std::string_view field_name(Field f) { return kFieldNames[static_cast<std::size_t>(f)]; }

std::string_view alert_name(AlertKind k) {
  switch (k) {
    case AlertKind::RsiOverbought:
      return "rsi_overbought";
    case AlertKind::RsiOverboughtExit:
      return "rsi_overbought_exit";
    case AlertKind::RsiOversold:
      return "rsi_oversold";
    case AlertKind::RsiOversoldExit:
      return "rsi_oversold_exit";
    case AlertKind::MacdBullishCross:
      return "macd_bullish_cross";
    case AlertKind::MacdBearishCross:
      return "macd_bearish_cross";
    case AlertKind::BollingerUpperBreak:
      return "bollinger_upper_break";
    case AlertKind::BollingerLowerBreak:
      return "bollinger_lower_break";
  }
  return "?";
}

ScannerOptions::ScannerOptions() {
  for (int i = 0; i < kPatternCount; ++i)
    penetration[static_cast<std::size_t>(i)] = default_penetration(static_cast<PatternId>(i));
  patterns.set();
  indicators.set();
}

Result<void> ScannerOptions::validate() const {
  for (const NamedSetting& s : kSettings) {
    const CandleSetting& cs = candles.*s.member;
    if (cs.avg_period < 0 || cs.avg_period > 24)
      return fail("CANDLE.", s.name, ".avg_period: ", std::to_string(cs.avg_period),
                  " is outside 0..24");
    if (!std::isfinite(cs.factor) || cs.factor < 0)
      return fail("CANDLE.", s.name, ".factor: ", std::to_string(cs.factor),
                  " is not a finite number >= 0");
  }
  for (int i = 0; i < kPatternCount; ++i) {
    const double p = penetration[static_cast<std::size_t>(i)];
    if (!std::isfinite(p) || p < 0)
      return fail(pattern_info(static_cast<PatternId>(i)).talib_name,
                  ".optInPenetration: ", std::to_string(p), " is not a finite number >= 0");
  }
  const IndicatorParams& q = params;
  Result<void> checks[] = {
      Sma::validate(q.sma_period),
      Ema::validate(q.ema_period),
      Rsi::validate(q.rsi_period),
      Macd::validate(q.macd_fast, q.macd_slow, q.macd_signal),
      Bollinger::validate(q.bbands_period),
      Atr::validate(q.atr_period),
      Stoch::validate(q.stoch_fast_k, q.stoch_slow_k, q.stoch_slow_d),
      Adx::validate(q.adx_period),
      WilliamsR::validate(q.willr_period),
      Cci::validate(q.cci_period),
      Mfi::validate(q.mfi_period),
      RelativeVolume::validate(q.rvol_period),
  };
  for (auto& r : checks)
    if (!r) return r;
  if (!std::isfinite(q.bbands_dev_up) || !std::isfinite(q.bbands_dev_dn))
    return fail("BBANDS: deviations must be finite numbers");
  if (!(alerts.rsi_oversold >= 0 && alerts.rsi_oversold < alerts.rsi_overbought &&
        alerts.rsi_overbought <= 100))
    return fail("ALERT: need 0 <= rsi_oversold < rsi_overbought <= 100, got ",
                std::to_string(alerts.rsi_oversold), " and ",
                std::to_string(alerts.rsi_overbought));
  return {};
}

Result<void> ScannerOptions::set(std::string_view assignment) {
  const auto eq = assignment.find('=');
  const auto dot = assignment.find('.');
  if (eq == std::string_view::npos || dot == std::string_view::npos || dot > eq)
    return fail("'", assignment, "': expected NAME.param=value (e.g. SMA.optInTimePeriod=20)");
  const std::string_view fn = assignment.substr(0, dot);
  const std::string_view param = assignment.substr(dot + 1, eq - dot - 1);
  const std::string_view value = assignment.substr(eq + 1);
  const std::string_view key = assignment.substr(0, eq);
  constexpr int kMax = kMaxIndicatorPeriod;
  IndicatorParams& q = params;

  struct IntParam {
    std::string_view fn, param;
    int* target;
    int lo;
  };
  const IntParam ints[] = {
      {"SMA", "optInTimePeriod", &q.sma_period, 2},
      {"EMA", "optInTimePeriod", &q.ema_period, 2},
      {"RSI", "optInTimePeriod", &q.rsi_period, 2},
      {"MACD", "optInFastPeriod", &q.macd_fast, 2},
      {"MACD", "optInSlowPeriod", &q.macd_slow, 2},
      {"MACD", "optInSignalPeriod", &q.macd_signal, 2},
      {"BBANDS", "optInTimePeriod", &q.bbands_period, 2},
      {"ATR", "optInTimePeriod", &q.atr_period, 1},
      {"STOCH", "optInFastK_Period", &q.stoch_fast_k, 1},
      {"STOCH", "optInSlowK_Period", &q.stoch_slow_k, 1},
      {"STOCH", "optInSlowD_Period", &q.stoch_slow_d, 1},
      {"ADX", "optInTimePeriod", &q.adx_period, 2},
      {"WILLR", "optInTimePeriod", &q.willr_period, 2},
      {"CCI", "optInTimePeriod", &q.cci_period, 2},
      {"MFI", "optInTimePeriod", &q.mfi_period, 2},
      {"RVOL", "optInTimePeriod", &q.rvol_period, 1},
  };
  for (const IntParam& ip : ints)
    if (ip.fn == fn && ip.param == param) return parse_int(key, value, ip.lo, kMax, *ip.target);

  if (fn == "BBANDS" && param == "optInNbDevUp") return parse_real(key, value, q.bbands_dev_up);
  if (fn == "BBANDS" && param == "optInNbDevDn") return parse_real(key, value, q.bbands_dev_dn);
  if ((fn == "BBANDS" && param == "optInMAType") ||
      (fn == "STOCH" && (param == "optInSlowK_MAType" || param == "optInSlowD_MAType")))
    return parse_ma_type(key, value);
  if (fn == "ALERT") {
    if (param == "rsi_overbought") return parse_real(key, value, alerts.rsi_overbought);
    if (param == "rsi_oversold") return parse_real(key, value, alerts.rsi_oversold);
    if (param == "macd_cross") return parse_bool(key, value, alerts.macd_cross);
    if (param == "bollinger_break") return parse_bool(key, value, alerts.bollinger_break);
    return fail(key,
                ": unknown alert option (rsi_overbought, rsi_oversold, macd_cross, "
                "bollinger_break)");
  }
  if (fn == "CANDLE") return set_candle(candles, key, param, value);
  if (auto id = find_pattern(fn)) {
    if (param != "optInPenetration" || !uses_penetration(*id))
      return fail(key, ": ", fn,
                  uses_penetration(*id) ? " has only optInPenetration" : " has no parameters");
    double& p = penetration[static_cast<std::size_t>(*id)];
    if (auto r = parse_real(key, value, p); !r) return r;
    if (p < 0) return fail(key, ": ", value, " is negative");
    return {};
  }
  for (const IntParam& ip : ints)
    if (ip.fn == fn) return fail(key, ": ", fn, " has no parameter '", param, "'");
  if (fn == "BBANDS" || fn == "STOCH")
    return fail(key, ": ", fn, " has no parameter '", param, "'");
  return fail(key, ": unknown function '", fn, "'");
}

}  // namespace tickstock
