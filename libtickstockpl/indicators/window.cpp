// TaSma and WindowExtreme: the building blocks with a ring.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

TaSma::TaSma(int period) : period_(period), ring_(period) {}

void TaSma::push(double x) {
  // TA_INT_SMA: the first period−1 values only build the total; from then on add the newest,
  // output total/period, subtract the oldest of the window (the slot after the newest).
  ring_.set(s_.pos, x);
  s_.total += x;
  if (s_.count < period_ - 1) {
    ++s_.count;
  } else {
    s_.value = s_.total / period_;
    s_.total -= ring_[ring_next(s_.pos, period_)];
    s_.count = period_;
  }
  s_.pos = ring_next(s_.pos, period_);
}

void TaSma::reset() {
  s_ = saved_ = State{};
  ring_.clear();
}

template <bool kMax>
WindowExtreme<kMax>::WindowExtreme(int period) : period_(period), ring_(period) {}

template <bool kMax>
double WindowExtreme<kMax>::push(double x) {
  const std::int64_t index = s_.next++;
  // Drop the front when it left the window [index − period + 1, index].
  if (s_.size > 0 && ring_[s_.head].index <= index - period_) {
    s_.head = ring_next(s_.head, period_);
    --s_.size;
  }
  // Drop values the new one dominates; the deque stays strictly monotonic.
  const auto wrap = [this](int slot) { return slot >= period_ ? slot - period_ : slot; };
  while (s_.size > 0) {
    const double v = ring_[wrap(s_.head + s_.size - 1)].value;
    if (kMax ? v > x : v < x) break;
    --s_.size;
  }
  ring_.set(wrap(s_.head + s_.size), Entry{index, x});
  ++s_.size;
  return ring_[s_.head].value;
}

template <bool kMax>
void WindowExtreme<kMax>::reset() {
  s_ = saved_ = State{};
  ring_.clear();
}

template class WindowExtreme<true>;
template class WindowExtreme<false>;

}  // namespace tickstock::detail
