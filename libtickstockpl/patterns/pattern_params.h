// Parameters one CDL detector is evaluated with: the engine's candle settings plus the
// function's own optional input (penetration), as TA-Lib's optIn arguments.
#ifndef TICKSTOCK_PATTERNS_PATTERN_PARAMS_H_
#define TICKSTOCK_PATTERNS_PATTERN_PARAMS_H_

#include "tickstock/candle_settings.h"

namespace tickstock::detail {

struct PatternParams {
  CandleSettings candles;  // shared by all detectors of one engine
  // optInPenetration of ABANDONEDBABY, (MORNING|EVENING)(DOJI)STAR (default 0.3),
  // DARKCLOUDCOVER and MATHOLD (default 0.5); ignored by the others.
  double penetration = 0.3;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_PATTERN_PARAMS_H_
