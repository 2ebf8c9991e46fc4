// Pivots: standard and Fibonacci pivot points from the prior New York trading day.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

namespace {

PivotValue compute(PivotKind kind, double h, double l, double c) {
  PivotValue v;
  v.p = (h + l + c) / 3.0;
  const double range = h - l;
  if (kind == PivotKind::Standard) {
    v.r1 = 2.0 * v.p - l;
    v.s1 = 2.0 * v.p - h;
    v.r2 = v.p + range;
    v.s2 = v.p - range;
    v.r3 = h + 2.0 * (v.p - l);
    v.s3 = l - 2.0 * (h - v.p);
  } else {
    v.r1 = v.p + 0.382 * range;
    v.s1 = v.p - 0.382 * range;
    v.r2 = v.p + 0.618 * range;
    v.s2 = v.p - 0.618 * range;
    v.r3 = v.p + range;
    v.s3 = v.p - range;
  }
  return v;
}

}  // namespace

void PivotsStream::update(BarStep s, const Bar& bar) {
  save_or_restore(s.fresh, s_, saved_);
  const Timestamp day = days_.day_start(bar.start);
  if (s_.started && day == s_.day_start) {
    if (bar.high > s_.high) s_.high = bar.high;
    if (bar.low < s_.low) s_.low = bar.low;
    s_.close = bar.close;
    return;
  }
  if (s_.started) {
    // The day just finished becomes the prior day.
    s_.prior_high = s_.high;
    s_.prior_low = s_.low;
    s_.prior_close = s_.close;
    s_.has_prior = true;
  }
  s_.started = true;
  s_.day_start = day;
  s_.high = bar.high;
  s_.low = bar.low;
  s_.close = bar.close;
}

PivotValue PivotsStream::levels(PivotKind kind) const {
  return compute(kind, s_.prior_high, s_.prior_low, s_.prior_close);
}

}  // namespace tickstock::detail
