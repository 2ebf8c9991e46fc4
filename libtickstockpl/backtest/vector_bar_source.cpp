// make_vector_bar_source: bars in memory, per symbol and timeframe, sorted once.
#include <algorithm>
#include <map>
#include <utility>

#include "tickstock/backtest.h"

#include "backtest/series_range.h"

namespace tickstock {
namespace {

using VectorCursor = backtest::RangeCursor<const std::vector<Bar>*>;

class VectorBarSource final : public BarSource {
 public:
  explicit VectorBarSource(std::vector<SymbolBars> series) {
    for (SymbolBars& s : series) {
      for (const Bar& b : s.bars) by_series_[{s.symbol, b.timeframe}].push_back(b);
    }
    for (auto& [key, bars] : by_series_) {
      std::stable_sort(bars.begin(), bars.end(),
                       [](const Bar& a, const Bar& b) { return a.start < b.start; });
      // A repeated start keeps the last bar given for it.
      std::vector<Bar> unique;
      for (const Bar& b : bars) {
        if (!unique.empty() && unique.back().start == b.start) {
          unique.back() = b;
        } else {
          unique.push_back(b);
        }
      }
      bars = std::move(unique);
    }
  }
  Result<std::size_t> count(const SeriesRequest& r) override {
    const auto [from, to] = range(r);
    return to - from;
  }
  Result<std::unique_ptr<BarCursor>> open(const SeriesRequest& r) override {
    const auto [from, to] = range(r);
    const auto it = by_series_.find({std::string(r.symbol), r.timeframe});
    std::unique_ptr<BarCursor> c =
        std::make_unique<VectorCursor>(it == by_series_.end() ? &empty_ : &it->second, from, to);
    return c;
  }

 private:
  // [from, to) of the request's bars: warm-up before start, then every bar up to end.
  std::pair<std::size_t, std::size_t> range(const SeriesRequest& r) const {
    const auto it = by_series_.find({std::string(r.symbol), r.timeframe});
    if (it == by_series_.end()) return {0, 0};
    return backtest::request_range(it->second, r);
  }

  std::map<std::pair<std::string, Timeframe>, std::vector<Bar>> by_series_;
  const std::vector<Bar> empty_;
};

}  // namespace

std::unique_ptr<BarSource> make_vector_bar_source(std::vector<SymbolBars> series) {
  return std::make_unique<VectorBarSource>(std::move(series));
}

}  // namespace tickstock
