// The outputs of the indicators with more than one value (see indicators.h).
#ifndef TICKSTOCK_INDICATOR_VALUES_H_
#define TICKSTOCK_INDICATOR_VALUES_H_

#include <cstdint>

namespace tickstock {

// MACD outputs.
struct MacdValue {
  double macd = 0;    // fast EMA − slow EMA
  double signal = 0;  // EMA(signal period) of macd
  double hist = 0;    // macd − signal
};

// Bollinger Bands outputs.
struct BollingerValue {
  double upper = 0;   // middle + σ·nbDevUp
  double middle = 0;  // SMA(period)
  double lower = 0;   // middle − σ·nbDevDn
};

// Slow stochastic outputs.
struct StochValue {
  double slow_k = 0;  // SMA(slowK period) of fast %K
  double slow_d = 0;  // SMA(slowD period) of slow %K
};

// ADX outputs.
struct AdxValue {
  double adx = 0;       // NaN while !Adx::ready() (only the DIs are available then)
  double plus_di = 0;   // +DI as TA_PLUS_DI(period) gives it
  double minus_di = 0;  // −DI as TA_MINUS_DI(period) gives it
};

// Session VWAP outputs.
struct VwapValue {
  double vwap = 0;    // Σv·tp / Σv
  double upper1 = 0;  // vwap + σ
  double lower1 = 0;  // vwap − σ
  double upper2 = 0;  // vwap + 2σ
  double lower2 = 0;  // vwap − 2σ
};

// Pivot levels.
struct PivotValue {
  double p = 0;
  double r1 = 0, r2 = 0, r3 = 0;
  double s1 = 0, s2 = 0, s3 = 0;
};

// Which pivot formulas.
enum class PivotKind : std::uint8_t {
  // P=(H+L+C)/3, R1=2P−L, S1=2P−H, R2=P+(H−L), S2=P−(H−L), R3=H+2(P−L), S3=L−2(H−P).
  Standard,
  // P=(H+L+C)/3, R/S = P ± 0.382·(H−L), ± 0.618·(H−L), ± 1.000·(H−L).
  Fibonacci,
};

}  // namespace tickstock

#endif  // TICKSTOCK_INDICATOR_VALUES_H_
