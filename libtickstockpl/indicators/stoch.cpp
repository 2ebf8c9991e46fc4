// Stoch: TA_STOCH with SMA smoothing for slow %K and slow %D.
#include "tickstock/indicators.h"

#include "indicators/indicator_util.h"

namespace tickstock::detail {

StochCore::StochCore(int fast_k, int slow_k, int slow_d)
    : extremes_(fast_k),
      slow_k_(slow_k),
      slow_d_(slow_d),
      fast_k_values_(slow_k),
      slow_k_values_(slow_d) {}

void StochCore::update(std::int64_t i, bool fresh, const SeriesView& high, const SeriesView& low,
                       double close) {
  const std::int64_t k = i - (extremes_.period() - 1);  // index of this bar's fast %K
  if (k < 0) return;
  extremes_.update(i, fresh, high, low);
  const double hh = extremes_.highest();
  const double ll = extremes_.lowest();
  // TA-Lib keeps diff = (HH − LL)/100 and divides by it (not a multiply by 100).
  const double diff = (hh - ll) / 100.0;
  fast_k_values_.set(k, diff != 0.0 ? (close - ll) / diff : 0.0);
  slow_k_.update(k, fresh, fast_k_values_.view());
  const std::int64_t d = k - (slow_k_.period() - 1);  // index of this bar's slow %K
  if (d < 0) return;
  slow_k_values_.set(d, slow_k_.value());
  slow_d_.update(d, fresh, slow_k_values_.view());
}

void StochCore::reset() {
  extremes_.reset();
  slow_k_.reset();
  slow_d_.reset();
  fast_k_values_.clear();
  slow_k_values_.clear();
}

StochStream::StochStream(int fast_k, int slow_k, int slow_d)
    : high_(clamp_period(fast_k, 1)),
      low_(clamp_period(fast_k, 1)),
      core_(clamp_period(fast_k, 1), clamp_period(slow_k, 1), clamp_period(slow_d, 1)) {}

Result<void> StochStream::validate(int fast_k, int slow_k, int slow_d) {
  if (auto r = check_period("STOCH fastK", fast_k, 1); !r) return r;
  if (auto r = check_period("STOCH slowK", slow_k, 1); !r) return r;
  return check_period("STOCH slowD", slow_d, 1);
}

void StochStream::update(BarStep s, double high, double low, double close) {
  high_.set(s.i, high);
  low_.set(s.i, low);
  core_.update(s.i, s.fresh, high_.view(), low_.view(), close);
}

void StochStream::reset() {
  high_.clear();
  low_.clear();
  core_.reset();
}

}  // namespace tickstock::detail
