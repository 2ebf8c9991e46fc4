// Vwap: session VWAP with σ bands, reset at New York midnight.
#include <cmath>

#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

void VwapStream::update(BarStep s, const Bar& bar) {
  save_or_restore(s.fresh, s_, saved_);
  const Timestamp day = days_.day_start(bar.start);
  if (!s_.started || day != s_.day_start) {
    s_ = State{};
    s_.started = true;
    s_.day_start = day;
  }
  const double tp = (bar.high + bar.low + bar.close) / 3.0;
  const double vp = bar.volume * tp;
  s_.sum_v += bar.volume;
  s_.sum_vp += vp;
  s_.sum_vpp += vp * tp;
}

VwapValue VwapStream::value() const {
  const double vwap = s_.sum_vp / s_.sum_v;
  const double var = s_.sum_vpp / s_.sum_v - vwap * vwap;
  const double sd = var > 0 ? std::sqrt(var) : 0.0;  // rounding can push a flat day below 0
  return {vwap, vwap + sd, vwap - sd, vwap + 2.0 * sd, vwap - 2.0 * sd};
}

}  // namespace tickstock::detail
