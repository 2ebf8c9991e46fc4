// Candle settings: the thresholds TA-Lib's candlestick functions compare against, as values.
// TA-Lib keeps them in a process-global table; here each engine owns a copy.
#ifndef TICKSTOCK_CANDLE_SETTINGS_H_
#define TICKSTOCK_CANDLE_SETTINGS_H_

#include <cstdint>

namespace tickstock {

// What is measured on each candle for a setting.
enum class CandleRange : std::uint8_t {
  RealBody,  // |close - open|
  HighLow,   // high - low
  Shadows,   // upper + lower shadow (the average is halved)
};

// One setting: reference = factor * (sum of `range` over the previous avg_period candles /
// avg_period), or factor * range of the candle itself when avg_period is 0.
struct CandleSetting {
  CandleRange range = CandleRange::RealBody;
  int avg_period = 10;  // REQUIRES: 0 <= avg_period <= 24
  double factor = 1.0;
};

// The eleven settings with TA-Lib 0.6's defaults (TA_Initialize / TA_RestoreCandleDefaultSettings).
struct CandleSettings {
  CandleSetting body_long{CandleRange::RealBody, 10, 1.0};
  CandleSetting body_very_long{CandleRange::RealBody, 10, 3.0};
  CandleSetting body_short{CandleRange::RealBody, 10, 1.0};
  CandleSetting body_doji{CandleRange::HighLow, 10, 0.1};
  CandleSetting shadow_long{CandleRange::RealBody, 0, 1.0};
  CandleSetting shadow_very_long{CandleRange::RealBody, 0, 2.0};
  CandleSetting shadow_short{CandleRange::Shadows, 10, 1.0};
  CandleSetting shadow_very_short{CandleRange::HighLow, 10, 0.1};
  CandleSetting near{CandleRange::HighLow, 5, 0.2};
  CandleSetting far{CandleRange::HighLow, 5, 0.6};
  CandleSetting equal{CandleRange::HighLow, 5, 0.05};

  // TA-Lib's defaults (the same as a default-constructed value).
  static CandleSettings talib_defaults() { return {}; }
};

}  // namespace tickstock

#endif  // TICKSTOCK_CANDLE_SETTINGS_H_
