// pattern_confidence(): the formula documented in tickstock/scanner.h.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "tickstock/scanner.h"

namespace tickstock {
namespace {

constexpr int kWindow = 10;    // bars before the pattern the averages are taken over
constexpr int kMinWindow = 3;  // fewer: the size and volume terms are unknown
constexpr int kTrendBars = 5;  // the prior move is measured over this many bars
constexpr double kUnknown = 0.5;

double ratio_term(double x) { return x / (1.0 + x); }

}  // namespace

double pattern_confidence(PatternId id, int output, const ConfidenceBar* h, int size) {
  const PatternInfo& info = pattern_info(id);
  const int n = std::min(info.bars, size);
  const int mag = std::abs(output);
  const double strength = mag >= 200 ? 1.0 : mag >= 100 ? 0.8 : 0.6;

  // Averages of the pattern's candles and of the window before them.
  double pat_range = 0, pat_volume = 0;
  for (int i = 0; i < n; ++i) {
    pat_range += h[i].high - h[i].low;
    pat_volume += h[i].volume;
  }
  pat_range /= std::max(n, 1);
  pat_volume /= std::max(n, 1);
  const int w = std::clamp(size - n, 0, kWindow);
  double win_range = 0, win_volume = 0;
  for (int i = n; i < n + w; ++i) {
    win_range += h[i].high - h[i].low;
    win_volume += h[i].volume;
  }
  const bool have_window = w >= kMinWindow;
  if (have_window) {
    win_range /= w;
    win_volume /= w;
  }

  const double size_term =
      have_window && win_range > 0 ? ratio_term(pat_range / win_range) : kUnknown;
  const double volume_term =
      have_window && win_volume > 0 ? ratio_term(pat_volume / win_volume) : kUnknown;

  double trend_term = kUnknown;
  if (have_window && win_range > 0 && size > n + kTrendBars) {
    const double move = h[n].close - h[n + kTrendBars].close;
    const double t =
        std::clamp(move / (2.0 * std::sqrt(double{kTrendBars}) * win_range), -1.0, 1.0);
    const double s = output > 0 ? 1.0 : output < 0 ? -1.0 : 0.0;
    switch (info.kind) {
      case PatternKind::Reversal:
        trend_term = (1.0 - s * t) / 2.0;
        break;
      case PatternKind::Continuation:
        trend_term = (1.0 + s * t) / 2.0;
        break;
      case PatternKind::Indecision:
        trend_term = std::fabs(t);
        break;
    }
  }
  const double c = 0.4 * strength + 0.2 * size_term + 0.2 * volume_term + 0.2 * trend_term;
  return std::clamp(c, 0.0, 1.0);
}

}  // namespace tickstock
