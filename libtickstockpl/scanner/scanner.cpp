// SeriesScanner and Scanner: series states keyed by (symbol, timeframe).
#include "tickstock/scanner.h"

#include <memory>
#include <vector>

#include "scanner/series_state.h"

namespace tickstock {

SeriesScanner::SeriesScanner(const ScannerOptions& options)
    : config_(std::make_shared<const detail::ScanConfig>(options)),
      state_(std::make_unique<detail::SeriesState>(*config_)) {
  state_->result(*config_, last_);
}

SeriesScanner::~SeriesScanner() = default;
SeriesScanner::SeriesScanner(SeriesScanner&&) noexcept = default;
SeriesScanner& SeriesScanner::operator=(SeriesScanner&&) noexcept = default;

bool SeriesScanner::update(const Bar& bar, ScanSink* sink) {
  return state_->update(*config_, bar, sink, last_) != detail::ScanOutcome::Refused;
}

const ScanResult& SeriesScanner::last() const { return last_; }

// Counts what the series report and passes it on to the user's sink.
class CountingScanSink final : public ScanSink {
 public:
  explicit CountingScanSink(ScanSink& next) : next_(next) {}
  void on_scan(const ScanResult& r) override { next_.on_scan(r); }
  void on_pattern(const PatternEvent& e) override {
    ++(e.retracted ? stats.retractions : stats.patterns);
    next_.on_pattern(e);
  }
  void on_alert(const AlertEvent& e) override {
    ++(e.retracted ? stats.retractions : stats.alerts);
    next_.on_alert(e);
  }
  void flush() override { next_.flush(); }
  ScannerStats stats;

 private:
  ScanSink& next_;
};

struct Scanner::Impl {
  Impl(const ScannerOptions& o, ScanSink& s) : config(o), sink(s) {}
  const detail::ScanConfig config;
  CountingScanSink sink;
  // Indexed by symbol id * kTimeframeCount + timeframe; grows when a new symbol appears.
  std::vector<std::unique_ptr<detail::SeriesState>> series;
  ScanResult result;  // of the bar being scanned (series keep no copy of their result)
  ScanSink discard;   // what prime() reports to

  detail::SeriesState& at(const Bar& bar) {
    const std::size_t i = static_cast<std::size_t>(bar.symbol.id()) * kTimeframeCount +
                          static_cast<std::size_t>(bar.timeframe);
    if (i >= series.size()) series.resize(i + kTimeframeCount);
    auto& slot = series[i];
    if (!slot) {
      slot = std::make_unique<detail::SeriesState>(config);
      ++sink.stats.series;
    }
    return *slot;
  }
  const detail::SeriesState* find(Symbol symbol, Timeframe tf) const {
    const std::size_t i =
        static_cast<std::size_t>(symbol.id()) * kTimeframeCount + static_cast<std::size_t>(tf);
    return i < series.size() ? series[i].get() : nullptr;
  }
};

Scanner::Scanner(const ScannerOptions& options, ScanSink& sink)
    : impl_(std::make_unique<Impl>(options, sink)) {}

Scanner::~Scanner() = default;

void Scanner::on_bar(const Bar& bar) {
  if (!bar.symbol) {
    ++impl_->sink.stats.no_symbol;
    return;
  }
  detail::SeriesState& s = impl_->at(bar);
  ScannerStats& st = impl_->sink.stats;
  switch (s.update(impl_->config, bar, &impl_->sink, impl_->result)) {
    case detail::ScanOutcome::Refused:
      ++(bar.revision > 0 ? st.stale_revisions : st.replayed_bars);
      break;
    case detail::ScanOutcome::New:
      ++st.bars;
      break;
    case detail::ScanOutcome::Revised:
      ++st.revisions;
      break;
  }
}

void Scanner::prime(const Bar& bar) {
  if (!bar.symbol) return;
  // Through a sink that drops everything rather than none: the series then also keep what
  // they reported on their newest bar, which the events of its revisions are relative to.
  detail::SeriesState& s = impl_->at(bar);
  if (s.update(impl_->config, bar, &impl_->discard, impl_->result) != detail::ScanOutcome::Refused)
    ++impl_->sink.stats.primed;
}

void Scanner::flush() { impl_->sink.flush(); }

ScannerStats Scanner::stats() const { return impl_->sink.stats; }

std::optional<ScanResult> Scanner::last(Symbol symbol, Timeframe timeframe) const {
  const detail::SeriesState* s = impl_->find(symbol, timeframe);
  if (s == nullptr) return std::nullopt;
  ScanResult r;
  s->result(impl_->config, r);
  return r;
}

}  // namespace tickstock
