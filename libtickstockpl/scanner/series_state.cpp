// SeriesState: one bar in, patterns, indicators, events out.
#include "scanner/series_state.h"

#include <cmath>
#include <limits>

namespace tickstock::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class T, class... Args>
void make_if(bool on, std::optional<T>& slot, Args... args) {
  if (on) slot.emplace(args...);
}

std::size_t idx(Field f) { return static_cast<std::size_t>(f); }

PatternDirection event_direction(PatternId id, int output) {
  if (pattern_info(id).direction == PatternDirection::Neutral) return PatternDirection::Neutral;
  return output > 0 ? PatternDirection::Bullish : PatternDirection::Bearish;
}

// History the confidence looks at: the pattern (up to 5 bars) and the 10 before it (the trend
// term reads within those).
constexpr int kConfidenceHistory = 15;
static_assert(kConfidenceHistory <= CandleRing::kMinCapacity);

CdlConfig cdl_config(const ScannerOptions& o) {
  CdlConfig cdl;
  cdl.common.candles = o.candles;
  for (int i = 0; i < kPatternCount; ++i) {
    const auto u = static_cast<std::size_t>(i);
    cdl.own[u] = cdl.common;
    cdl.own[u].penetration = o.penetration[u];
    cdl.lookback[u] =
        static_cast<std::int16_t>(CdlSet::lookback_for(static_cast<PatternId>(i), cdl.common));
    if (o.patterns[u]) cdl.enabled |= std::uint64_t{1} << i;
  }
  return cdl;
}

}  // namespace

ScanConfig::ScanConfig(const ScannerOptions& o) : options(o), cdl(cdl_config(o)), detectors(cdl) {}

SeriesState::SeriesState(const ScanConfig& c) : ring_(c.detectors.layout()) {
  const IndicatorParams& p = c.options.params;
  make_if(c.runs(IndicatorId::Sma), sma_, p.sma_period);
  make_if(c.runs(IndicatorId::Ema), ema_, p.ema_period);
  make_if(c.runs(IndicatorId::Rsi), rsi_, p.rsi_period);
  make_if(c.runs(IndicatorId::Macd), macd_, p.macd_fast, p.macd_slow, p.macd_signal);
  make_if(c.runs(IndicatorId::Bbands), bbands_, p.bbands_period, p.bbands_dev_up, p.bbands_dev_dn);
  make_if(c.runs(IndicatorId::Atr), atr_, p.atr_period);
  make_if(c.runs(IndicatorId::Stoch), stoch_, p.stoch_fast_k, p.stoch_slow_k, p.stoch_slow_d);
  make_if(c.runs(IndicatorId::Adx), adx_, p.adx_period);
  if (c.runs(IndicatorId::Obv)) obv_.emplace();
  make_if(c.runs(IndicatorId::Willr), willr_, p.willr_period);
  make_if(c.runs(IndicatorId::Cci), cci_, p.cci_period);
  make_if(c.runs(IndicatorId::Mfi), mfi_, p.mfi_period);
  if (c.runs(IndicatorId::Vwap)) vwap_.emplace();
  make_if(c.runs(IndicatorId::RelVolume), rvol_, p.rvol_period);
  make_if(c.runs(IndicatorId::Pivots), pivots_, PivotKind::Standard);
  result_.index = -1;
  result_.values.fill(kNaN);
  prev_ = {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
}

ScanOutcome SeriesState::update(const ScanConfig& c, const Bar& bar, ScanSink* sink) {
  // A revision replaces the newest bar; one of an older bar cannot be undone in O(1) and is
  // refused; one of a bar never seen (the scanner started later) is a new bar.
  const bool fresh = bar.revision == 0 || result_.index < 0 || bar.start > result_.bar.start;
  if (!fresh && bar.start != result_.bar.start) return ScanOutcome::Refused;

  const Candle candle{bar.open, bar.high, bar.low, bar.close};
  if (fresh) {
    // The alert comparisons of the new bar are against the bar that is now the newest.
    const auto& v = result_.values;
    prev_ = {v[idx(Field::Rsi)],         v[idx(Field::Macd)],
             v[idx(Field::MacdSignal)],  result_.index >= 0 ? result_.bar.close : kNaN,
             v[idx(Field::BbandsUpper)], v[idx(Field::BbandsLower)]};
    ring_.push(candle);
    ++result_.index;
    alerts_on_newest_ = 0;
  } else {
    ring_.replace_newest(candle);
  }
  volume_[static_cast<std::size_t>(ring_.newest_index()) % volume_.size()] = bar.volume;
  result_.bar = bar;

  CdlOutputs before;  // what the replaced bar reported, for the events of a revision
  if (sink != nullptr && !fresh) before = result_.cdl;
  if (c.cdl.enabled != 0) {
    c.detectors.evaluate(ring_, c.cdl, fresh, cdl_, result_.cdl);
    if (result_.cdl_ready != c.cdl.enabled) {  // until every pattern is past its lookback
      std::uint64_t ready = 0;
      for (int i = 0; i < kPatternCount; ++i)
        if (result_.index >= c.cdl.lookback[static_cast<std::size_t>(i)])
          ready |= std::uint64_t{1} << i;
      result_.cdl_ready = ready & c.cdl.enabled;
    }
  }
  run_indicators(c, bar, fresh);

  if (sink != nullptr) {
    sink->on_scan(result_);
    if (c.cdl.enabled != 0) emit_patterns(c, before, fresh, *sink);
    emit_alerts(c, fresh, *sink);
  }
  return fresh ? ScanOutcome::New : ScanOutcome::Revised;
}

void SeriesState::run_indicators(const ScanConfig& /*c*/, const Bar& bar, bool fresh) {
  auto& v = result_.values;
  auto step = [&](auto& ind) {
    if (fresh) {
      ind->update(bar);
    } else {
      ind->revise(bar);
    }
  };
  auto put = [&](Field f, bool ready, double x) { v[idx(f)] = ready ? x : kNaN; };
  auto scalar = [&](auto& ind, Field f) {
    if (!ind) return;
    step(ind);
    put(f, ind->ready(), ind->ready() ? ind->value() : 0);
  };
  scalar(sma_, Field::Sma);
  scalar(ema_, Field::Ema);
  scalar(rsi_, Field::Rsi);
  if (macd_) {
    step(macd_);
    const bool r = macd_->ready();
    const MacdValue m = r ? macd_->value() : MacdValue{};
    put(Field::Macd, r, m.macd);
    put(Field::MacdSignal, r, m.signal);
    put(Field::MacdHist, r, m.hist);
  }
  if (bbands_) {
    step(bbands_);
    const bool r = bbands_->ready();
    const BollingerValue b = r ? bbands_->value() : BollingerValue{};
    put(Field::BbandsUpper, r, b.upper);
    put(Field::BbandsMiddle, r, b.middle);
    put(Field::BbandsLower, r, b.lower);
  }
  scalar(atr_, Field::Atr);
  if (stoch_) {
    step(stoch_);
    const bool r = stoch_->ready();
    const StochValue s = r ? stoch_->value() : StochValue{};
    put(Field::StochSlowK, r, s.slow_k);
    put(Field::StochSlowD, r, s.slow_d);
  }
  if (adx_) {
    step(adx_);
    const bool di = adx_->di_ready();
    const AdxValue a = di ? adx_->value() : AdxValue{};
    put(Field::Adx, adx_->ready(), a.adx);
    put(Field::PlusDi, di, a.plus_di);
    put(Field::MinusDi, di, a.minus_di);
  }
  scalar(obv_, Field::Obv);
  scalar(willr_, Field::Willr);
  scalar(cci_, Field::Cci);
  scalar(mfi_, Field::Mfi);
  if (vwap_) {
    step(vwap_);
    const bool r = vwap_->ready();
    const VwapValue w = r ? vwap_->value() : VwapValue{};
    put(Field::Vwap, r, w.vwap);
    put(Field::VwapUpper1, r, w.upper1);
    put(Field::VwapLower1, r, w.lower1);
    put(Field::VwapUpper2, r, w.upper2);
    put(Field::VwapLower2, r, w.lower2);
  }
  scalar(rvol_, Field::RelVolume);
  if (pivots_) {
    step(pivots_);
    const bool r = pivots_->ready();
    const PivotValue s = r ? pivots_->levels(PivotKind::Standard) : PivotValue{};
    const PivotValue f = r ? pivots_->levels(PivotKind::Fibonacci) : PivotValue{};
    put(Field::PivotP, r, s.p);
    put(Field::PivotR1, r, s.r1);
    put(Field::PivotR2, r, s.r2);
    put(Field::PivotR3, r, s.r3);
    put(Field::PivotS1, r, s.s1);
    put(Field::PivotS2, r, s.s2);
    put(Field::PivotS3, r, s.s3);
    put(Field::FibR1, r, f.r1);
    put(Field::FibR2, r, f.r2);
    put(Field::FibR3, r, f.r3);
    put(Field::FibS1, r, f.s1);
    put(Field::FibS2, r, f.s2);
    put(Field::FibS3, r, f.s3);
  }
}

double SeriesState::confidence(PatternId id, int output) const {
  std::array<ConfidenceBar, kConfidenceHistory> h;
  const auto avail = std::min<std::int64_t>(ring_.count(), kConfidenceHistory);
  const int n = static_cast<int>(avail);
  for (int i = 0; i < n; ++i) {
    const Candle& k = ring_[i];
    const auto slot = static_cast<std::size_t>(ring_.newest_index() - i) % volume_.size();
    h[static_cast<std::size_t>(i)] = {k.high, k.low, k.close, volume_[slot]};
  }
  return pattern_confidence(id, output, h.data(), n);
}

void SeriesState::emit_patterns(const ScanConfig& /*c*/, const CdlOutputs& before, bool fresh,
                                ScanSink& sink) {
  const Bar& b = result_.bar;
  for (int i = 0; i < kPatternCount; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const int now = result_.cdl[u];
    const int was = fresh ? 0 : before[u];
    if (now == was) continue;
    const auto id = static_cast<PatternId>(i);
    PatternEvent e;
    e.symbol = b.symbol;
    e.timeframe = b.timeframe;
    e.bar_start = b.start;
    e.revision = b.revision;
    e.pattern = id;
    if (now != 0) {
      e.output = now;
      e.direction = event_direction(id, now);
      e.confidence = confidence(id, now);
    } else {
      e.output = 0;
      e.direction = event_direction(id, was);
      e.retracted = true;
    }
    sink.on_pattern(e);
  }
}

void SeriesState::emit_alerts(const ScanConfig& c, bool fresh, ScanSink& sink) {
  const AlertOptions& a = c.options.alerts;
  const auto& v = result_.values;
  std::uint8_t now = 0;
  std::array<double, kAlertKindCount> value{}, level{};
  auto fire = [&](AlertKind k, double x, double l) {
    now |= static_cast<std::uint8_t>(1u << static_cast<int>(k));
    value[static_cast<std::size_t>(k)] = x;
    level[static_cast<std::size_t>(k)] = l;
  };
  // NaN compares false, so a missing previous or current value never fires.
  const double rsi = v[idx(Field::Rsi)];
  if (prev_.rsi <= a.rsi_overbought && rsi > a.rsi_overbought)
    fire(AlertKind::RsiOverbought, rsi, a.rsi_overbought);
  if (prev_.rsi > a.rsi_overbought && rsi <= a.rsi_overbought)
    fire(AlertKind::RsiOverboughtExit, rsi, a.rsi_overbought);
  if (prev_.rsi >= a.rsi_oversold && rsi < a.rsi_oversold)
    fire(AlertKind::RsiOversold, rsi, a.rsi_oversold);
  if (prev_.rsi < a.rsi_oversold && rsi >= a.rsi_oversold)
    fire(AlertKind::RsiOversoldExit, rsi, a.rsi_oversold);
  if (a.macd_cross) {
    const double m = v[idx(Field::Macd)], s = v[idx(Field::MacdSignal)];
    const double d = m - s, pd = prev_.macd - prev_.signal;
    if (pd <= 0 && d > 0) fire(AlertKind::MacdBullishCross, m, s);
    if (pd >= 0 && d < 0) fire(AlertKind::MacdBearishCross, m, s);
  }
  if (a.bollinger_break) {
    const double close = result_.bar.close;
    const double up = v[idx(Field::BbandsUpper)], lo = v[idx(Field::BbandsLower)];
    if (prev_.close <= prev_.upper && close > up) fire(AlertKind::BollingerUpperBreak, close, up);
    if (prev_.close >= prev_.lower && close < lo) fire(AlertKind::BollingerLowerBreak, close, lo);
  }
  const std::uint8_t was = fresh ? 0 : alerts_on_newest_;
  alerts_on_newest_ = now;
  const std::uint8_t changed = static_cast<std::uint8_t>(now ^ was);
  if (changed == 0) return;
  const Bar& b = result_.bar;
  for (int k = 0; k < kAlertKindCount; ++k) {
    if (((changed >> k) & 1u) == 0) continue;
    AlertEvent e;
    e.symbol = b.symbol;
    e.timeframe = b.timeframe;
    e.bar_start = b.start;
    e.revision = b.revision;
    e.kind = static_cast<AlertKind>(k);
    e.retracted = ((now >> k) & 1u) == 0;
    e.value = value[static_cast<std::size_t>(k)];
    e.level = level[static_cast<std::size_t>(k)];
    sink.on_alert(e);
  }
}

}  // namespace tickstock::detail
