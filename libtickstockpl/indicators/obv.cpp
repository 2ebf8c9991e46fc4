// Obv: TA_OBV.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

void ObvStream::update(BarStep s, double close, double volume) {
  save_or_restore(s.fresh, s_, saved_);
  if (!s_.started) {
    s_.started = true;
    s_.obv = volume;  // TA-Lib starts at the first bar's volume
  } else if (close > s_.prev_close) {
    s_.obv += volume;
  } else if (close < s_.prev_close) {
    s_.obv -= volume;
  }
  s_.prev_close = close;
}

}  // namespace tickstock::detail
