// Obv: TA_OBV.
#include "tickstock/indicators.h"

namespace tickstock {

void Obv::update(double close, double volume) {
  any_ = true;
  saved_ = s_;
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

void Obv::revise(double close, double volume) {
  if (any_) s_ = saved_;
  update(close, volume);
}

void Obv::reset() {
  any_ = false;
  s_ = saved_ = State{};
}

}  // namespace tickstock
