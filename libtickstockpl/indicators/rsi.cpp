// Rsi: TA_RSI (Wilder smoothing, default compatibility, unstable period 0).
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {
namespace {

// Adds one close-to-close move to the gain or the loss total (TA-Lib's order: loss -= diff).
void add_move_to(double diff, double& gain, double& loss) {
  if (diff < 0)
    loss -= diff;
  else
    gain += diff;
}

}  // namespace

RsiStream::RsiStream(int period) : period_(clamp_period(period, 2)) {}

Result<void> RsiStream::validate(int period) { return check_period("RSI", period, 2); }

void RsiStream::update(BarStep s, double x) {
  save_or_restore(s.fresh, s_, saved_);
  if (s_.count == 0) {
    s_.prev = x;
    s_.count = 1;
    return;
  }
  const double diff = x - s_.prev;
  s_.prev = x;
  if (s_.count < period_) {
    // Seed: plain sums of the first period−1 differences.
    add_move_to(diff, s_.gain, s_.loss);
    ++s_.count;
    return;
  }
  if (s_.count == period_) {
    // Last seed difference, then the sums become averages.
    add_move_to(diff, s_.gain, s_.loss);
    s_.loss /= period_;
    s_.gain /= period_;
    s_.count = period_ + 1;
  } else {
    // Wilder: multiply by period−1, add today's move, divide by period.
    s_.loss *= (period_ - 1);
    s_.gain *= (period_ - 1);
    add_move_to(diff, s_.gain, s_.loss);
    s_.loss /= period_;
    s_.gain /= period_;
  }
  const double total = s_.gain + s_.loss;
  s_.value = ta_is_zero(total) ? 0.0 : 100.0 * (s_.gain / total);
}

}  // namespace tickstock::detail
