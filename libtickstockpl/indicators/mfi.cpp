// Mfi: TA_MFI (unstable period 0).
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {
namespace {

// The money flow of bar j (j >= 1): tp·volume, positive when tp rose from bar j-1, negative
// when it fell, neither when unchanged (TA-Lib's mflow circular buffer entry).
struct Flow {
  double positive = 0;
  double negative = 0;
};

Flow flow_of(const SeriesView& h, const SeriesView& l, const SeriesView& c, const SeriesView& v,
             std::int64_t j) {
  const double tp = typical_price(h, l, c, j);
  const double diff = tp - typical_price(h, l, c, j - 1);
  const double flow = tp * v[j];
  Flow f;
  if (diff < 0) {
    f.negative = flow;
  } else if (diff > 0) {
    f.positive = flow;
  }
  return f;
}

}  // namespace

void MfiCore::update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
                     const SeriesView& close, const SeriesView& volume) {
  save_or_restore(fresh, s_, saved_);
  if (i == 0) return;  // the first bar only gives the previous typical price
  if (i > period_) {   // the flow of bar i - period leaves the window
    const Flow old = flow_of(high, low, close, volume, i - period_);
    s_.pos_sum -= old.positive;
    s_.neg_sum -= old.negative;
  }
  const Flow f = flow_of(high, low, close, volume, i);
  s_.pos_sum += f.positive;  // + 0.0 on the other side changes nothing
  s_.neg_sum += f.negative;
  if (i < period_) return;
  const double total = s_.pos_sum + s_.neg_sum;
  s_.value = total < 1.0 ? 0.0 : 100.0 * (s_.pos_sum / total);
}

MfiStream::MfiStream(int period)
    : period_(clamp_period(period, 2)),
      high_(period_ + 2),
      low_(period_ + 2),
      close_(period_ + 2),
      volume_(period_ + 2),
      core_(period_) {}

Result<void> MfiStream::validate(int period) { return check_period("MFI", period, 2); }

void MfiStream::update(BarStep s, double high, double low, double close, double volume) {
  high_.set(s.i, high);
  low_.set(s.i, low);
  close_.set(s.i, close);
  volume_.set(s.i, volume);
  core_.update(s.i, s.fresh, high_.view(), low_.view(), close_.view(), volume_.view());
}

void MfiStream::reset() {
  high_.clear();
  low_.clear();
  close_.clear();
  volume_.clear();
  core_.reset();
}

}  // namespace tickstock::detail
