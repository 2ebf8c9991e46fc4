#include "polygon/am_cross_check.h"

#include <fmt/format.h>

#include "tickstock/calendar.h"

namespace tickstock::app {
namespace {

// Minutes kept per symbol: Polygon re-sends a minute for up to 15 minutes after it.
constexpr Timestamp kKeep = 30 * kNanosPerMinute;

std::string ohlcv(const Bar& b) {
  return fmt::format("{}/{}/{}/{} v {}", b.open, b.high, b.low, b.close, b.volume);
}

}  // namespace

void AmCrossCheck::add(const Bar& bar, bool vendor) {
  if (bar.timeframe != Timeframe::M1) return;
  auto& series = minutes_[bar.symbol.id()];
  Minute& m = series[bar.start];
  (vendor ? m.vendor : m.ours) = bar;
  (vendor ? m.has_vendor : m.has_ours) = true;
  if (m.has_ours && m.has_vendor) {
    ++compared_;
    const Bar& a = m.ours;
    const Bar& b = m.vendor;
    if (a.open != b.open || a.high != b.high || a.low != b.low || a.close != b.close ||
        a.volume != b.volume) {
      ++disagreed_;
      log_.limited("am-cross-check",
                   fmt::format("polygon: AM cross-check: {} {}: ours (revision {}) {}, "
                               "Polygon's AM {}",
                               bar.symbol.name(), format_iso8601(bar.start), a.revision, ohlcv(a),
                               ohlcv(b)));
    }
  }
  while (!series.empty() && series.begin()->first < bar.start - kKeep) series.erase(series.begin());
}

std::string AmCrossCheck::summary() const {
  return "AM cross-check: " + std::to_string(compared_) +
         " minutes compared with Polygon's AM bars, " + std::to_string(disagreed_) + " disagreed";
}

}  // namespace tickstock::app
