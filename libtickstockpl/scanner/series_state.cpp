// SeriesState: one bar in, patterns, indicators, events out.
#include "scanner/series_state.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "indicators/indicator_util.h"

namespace tickstock::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class T, class... Args>
void make_if(bool on, std::optional<T>& slot, Args... args) {
  if (on) slot.emplace(args...);
}

// The options with the periods of the indicators run as cores (not as the indicator types,
// which clamp their own) clamped as those types clamp them.
ScannerOptions clamped(ScannerOptions o) {
  IndicatorParams& p = o.params;
  for (int* period :
       {&p.sma_period, &p.bbands_period, &p.willr_period, &p.cci_period, &p.mfi_period})
    *period = clamp_period(*period, 2);
  for (int* period : {&p.stoch_fast_k, &p.stoch_slow_k, &p.stoch_slow_d, &p.rvol_period})
    *period = clamp_period(*period, 1);
  return o;
}

std::size_t idx(Field f) { return static_cast<std::size_t>(f); }

PatternDirection event_direction(PatternId id, int output) {
  if (pattern_info(id).direction == PatternDirection::Neutral) return PatternDirection::Neutral;
  return output > 0 ? PatternDirection::Bullish : PatternDirection::Bearish;
}

// History the confidence looks at: the pattern (up to 5 bars) and the 10 before it (the trend
// term reads within those).
constexpr int kConfidenceHistory = 15;

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

ScanConfig::ScanConfig(const ScannerOptions& o)
    : options(clamped(o)), cdl(cdl_config(options)), detectors(cdl) {
  const IndicatorParams& p = options.params;
  // The candle ring also serves the high/low windows, the closes and volumes the others.
  candle_depth = kConfidenceHistory;
  close_depth = 1;
  volume_depth = kConfidenceHistory;
  auto need = [](bool on, int& depth, int n) {
    if (on) depth = std::max(depth, n);
  };
  need(runs(IndicatorId::Sma), close_depth, p.sma_period);
  need(runs(IndicatorId::Bbands), close_depth, p.bbands_period);
  need(runs(IndicatorId::Stoch), candle_depth, p.stoch_fast_k);
  need(runs(IndicatorId::Willr), candle_depth, p.willr_period);
  need(runs(IndicatorId::Cci), candle_depth, p.cci_period);
  need(runs(IndicatorId::Cci), close_depth, p.cci_period);
  for (int* depth : {&candle_depth, &close_depth, &volume_depth})
    need(runs(IndicatorId::Mfi), *depth, p.mfi_period + 2);
  need(runs(IndicatorId::RelVolume), volume_depth, p.rvol_period);
  for (int i = 0; i < kPatternCount; ++i)
    if ((cdl.enabled >> i) & 1u)
      cdl_max_lookback = std::max<int>(cdl_max_lookback, cdl.lookback[static_cast<std::size_t>(i)]);
}

SeriesState::SeriesState(const ScanConfig& c)
    : ring_(c.detectors.layout(), c.candle_depth),
      closes_(c.close_depth),
      volumes_(c.volume_depth),
      calibration_(c.options.calibration.get()) {
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
  newest_ = before_ = {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
}

ScanOutcome SeriesState::update(const ScanConfig& c, const Bar& bar, ScanSink* sink,
                                ScanResult& out) {
  // A revision replaces the newest bar; one of an older bar cannot be undone in O(1) and is
  // refused; one of a bar never seen (the scanner started later) is a new bar. A new bar that
  // is not newer than the newest (a replay of stored bars, a bar made late for an empty
  // minute) would put the series out of order: refused too.
  const bool fresh = index() < 0 || bar.start > bar_.start;
  if (!fresh && (bar.start != bar_.start || bar.revision == 0)) return ScanOutcome::Refused;

  Replaced before;  // what the replaced bar reported, for the events of a revision
  if (sink != nullptr && !fresh) {
    before.cdl = cdl_;
    for (std::size_t i = 0; i < cdl_.size(); ++i)
      if (cdl_[i] != 0) before.confidence[i] = confidence(static_cast<PatternId>(i), cdl_[i]);
    before.close = bar_.close;
    before.volume = bar_.volume;
  }
  const Candle candle{bar.open, bar.high, bar.low, bar.close};
  if (fresh) {
    // The alert comparisons of the new bar are against the bar that is now the newest.
    before_ = newest_;
    ring_.push(candle);
    alerts_on_newest_ = 0;
  } else {
    ring_.replace_newest(candle);
  }
  closes_.set(index(), bar.close);
  volumes_.set(index(), bar.volume);
  bar_ = bar;

  if (c.cdl.enabled != 0) c.detectors.evaluate(ring_, c.cdl, fresh, cdl_series_, cdl_);
  step_indicators(bar, fresh);
  result(c, out);
  const auto& v = out.values;
  newest_ = {v[idx(Field::Rsi)], v[idx(Field::Macd)],        v[idx(Field::MacdSignal)],
             bar.close,          v[idx(Field::BbandsUpper)], v[idx(Field::BbandsLower)]};

  if (sink != nullptr) {
    sink->on_scan(out);
    if (c.cdl.enabled != 0) emit_patterns(before, fresh, *sink);
    emit_alerts(c, out, fresh, *sink);
  }
  return fresh ? ScanOutcome::New : ScanOutcome::Revised;
}

void SeriesState::result(const ScanConfig& c, ScanResult& out) const {
  out.bar = bar_;
  out.index = index();
  out.cdl = cdl_;
  if (out.index >= c.cdl_max_lookback) {
    out.cdl_ready = c.cdl.enabled;
  } else {
    std::uint64_t ready = 0;
    for (int i = 0; i < kPatternCount; ++i)
      if (out.index >= c.cdl.lookback[static_cast<std::size_t>(i)]) ready |= std::uint64_t{1} << i;
    out.cdl_ready = ready & c.cdl.enabled;
  }
  write_values(c, out.values);
}

SeriesView SeriesState::highs() const {
  return {&ring_.data()->high, ring_.mask(), sizeof(Candle) / sizeof(double)};
}

SeriesView SeriesState::lows() const {
  return {&ring_.data()->low, ring_.mask(), sizeof(Candle) / sizeof(double)};
}

void SeriesState::step_indicators(const Bar& bar, bool fresh) {
  const std::int64_t i = index();
  auto step = [&](auto& ind) {
    if (!ind) return;
    if (fresh) {
      ind->update(bar);
    } else {
      ind->revise(bar);
    }
  };
  const SeriesView close = closes_.view(), volume = volumes_.view();
  if (sma_) sma_->update(i, fresh, close);
  step(ema_);
  step(rsi_);
  step(macd_);
  if (bbands_) bbands_->update(i, fresh, close);
  step(atr_);
  if (stoch_) stoch_->update(i, fresh, highs(), lows(), bar.close);
  step(adx_);
  step(obv_);
  if (willr_) willr_->update(i, fresh, highs(), lows(), close);
  if (cci_) cci_->update(i, fresh, highs(), lows(), close);
  if (mfi_) mfi_->update(i, fresh, highs(), lows(), close, volume);
  step(vwap_);
  if (rvol_) rvol_->update(i, fresh, volume);
  step(pivots_);
}

void SeriesState::write_values(const ScanConfig& c, std::array<double, kFieldCount>& v) const {
  const std::int64_t i = index();
  const IndicatorParams& p = c.options.params;
  auto put = [&](Field f, bool ready, double x) { v[idx(f)] = ready ? x : kNaN; };
  auto scalar = [&](const auto& ind, Field f) {
    const bool r = ind && ind->ready();
    put(f, r, r ? ind->value() : 0);
  };
  // A core has its first value at bar index `lookback`.
  auto from = [&](const auto& ind, int lookback) { return ind.has_value() && i >= lookback; };
  put(Field::Sma, from(sma_, p.sma_period - 1), from(sma_, p.sma_period - 1) ? sma_->value() : 0);
  scalar(ema_, Field::Ema);
  scalar(rsi_, Field::Rsi);
  {
    const bool r = macd_ && macd_->ready();
    const MacdValue m = r ? macd_->value() : MacdValue{};
    put(Field::Macd, r, m.macd);
    put(Field::MacdSignal, r, m.signal);
    put(Field::MacdHist, r, m.hist);
  }
  {
    const bool r = from(bbands_, p.bbands_period - 1);
    BollingerValue b;
    if (r) bbands_->bands(b.upper, b.middle, b.lower);
    put(Field::BbandsUpper, r, b.upper);
    put(Field::BbandsMiddle, r, b.middle);
    put(Field::BbandsLower, r, b.lower);
  }
  scalar(atr_, Field::Atr);
  {
    const bool r = stoch_ && i >= stoch_->lookback();
    put(Field::StochSlowK, r, r ? stoch_->slow_k() : 0);
    put(Field::StochSlowD, r, r ? stoch_->slow_d() : 0);
  }
  {
    const bool di = adx_ && adx_->di_ready();
    const AdxValue a = di ? adx_->value() : AdxValue{};
    put(Field::Adx, adx_ && adx_->ready(), a.adx);
    put(Field::PlusDi, di, a.plus_di);
    put(Field::MinusDi, di, a.minus_di);
  }
  scalar(obv_, Field::Obv);
  {
    const bool r = from(willr_, p.willr_period - 1);
    put(Field::Willr, r, r ? willr_->value() : 0);
  }
  {
    const bool r = from(cci_, p.cci_period - 1);
    put(Field::Cci, r, r ? cci_->value() : 0);
  }
  {
    const bool r = from(mfi_, p.mfi_period);
    put(Field::Mfi, r, r ? mfi_->value() : 0);
  }
  {
    const bool r = vwap_ && vwap_->ready();
    const VwapValue w = r ? vwap_->value() : VwapValue{};
    put(Field::Vwap, r, w.vwap);
    put(Field::VwapUpper1, r, w.upper1);
    put(Field::VwapLower1, r, w.lower1);
    put(Field::VwapUpper2, r, w.upper2);
    put(Field::VwapLower2, r, w.lower2);
  }
  {
    const bool r = from(rvol_, p.rvol_period - 1);
    put(Field::RelVolume, r, r ? relative_volume(volumes_[i], rvol_->value()) : 0);
  }
  {
    const bool r = pivots_ && pivots_->ready();
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
  if (calibration_ != nullptr) {
    const double rate = calibration_->get(id, bar_.timeframe, event_direction(id, output));
    if (!std::isnan(rate)) return rate;
  }
  std::array<ConfidenceBar, kConfidenceHistory> h;
  const int n = static_cast<int>(std::min<std::int64_t>(ring_.count(), kConfidenceHistory));
  for (int k = 0; k < n; ++k) {
    const Candle& b = ring_[k];
    h[static_cast<std::size_t>(k)] = {b.high, b.low, b.close, volumes_[index() - k]};
  }
  return pattern_confidence(id, output, h.data(), n);
}

void SeriesState::emit_patterns(const Replaced& before, bool fresh, ScanSink& sink) const {
  const Bar& b = bar_;
  const bool same_bar = !fresh && b.close == before.close && b.volume == before.volume;
  for (int i = 0; i < kPatternCount; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const int now = cdl_[u];
    const int was = fresh ? 0 : before.cdl[u];
    const auto id = static_cast<PatternId>(i);
    // A revision that still finds a pattern reports it again when its confidence or the bar's
    // close or volume (stored with it) changed.
    if (now == was &&
        (fresh || now == 0 || (same_bar && confidence(id, now) == before.confidence[u])))
      continue;
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

void SeriesState::emit_alerts(const ScanConfig& c, const ScanResult& r, bool fresh,
                              ScanSink& sink) {
  const AlertOptions& a = c.options.alerts;
  const auto& v = r.values;
  const AlertInputs& prev = before_;
  std::uint8_t now = 0;
  std::array<double, kAlertKindCount> value{}, level{};
  auto fire = [&](AlertKind k, double x, double l) {
    now |= static_cast<std::uint8_t>(1u << static_cast<int>(k));
    value[static_cast<std::size_t>(k)] = x;
    level[static_cast<std::size_t>(k)] = l;
  };
  // NaN compares false, so a missing previous or current value never fires.
  const double rsi = v[idx(Field::Rsi)];
  if (prev.rsi <= a.rsi_overbought && rsi > a.rsi_overbought)
    fire(AlertKind::RsiOverbought, rsi, a.rsi_overbought);
  if (prev.rsi > a.rsi_overbought && rsi <= a.rsi_overbought)
    fire(AlertKind::RsiOverboughtExit, rsi, a.rsi_overbought);
  if (prev.rsi >= a.rsi_oversold && rsi < a.rsi_oversold)
    fire(AlertKind::RsiOversold, rsi, a.rsi_oversold);
  if (prev.rsi < a.rsi_oversold && rsi >= a.rsi_oversold)
    fire(AlertKind::RsiOversoldExit, rsi, a.rsi_oversold);
  if (a.macd_cross) {
    const double m = v[idx(Field::Macd)], s = v[idx(Field::MacdSignal)];
    const double d = m - s, pd = prev.macd - prev.signal;
    if (pd <= 0 && d > 0) fire(AlertKind::MacdBullishCross, m, s);
    if (pd >= 0 && d < 0) fire(AlertKind::MacdBearishCross, m, s);
  }
  if (a.bollinger_break) {
    const double close = bar_.close;
    const double up = v[idx(Field::BbandsUpper)], lo = v[idx(Field::BbandsLower)];
    if (prev.close <= prev.upper && close > up) fire(AlertKind::BollingerUpperBreak, close, up);
    if (prev.close >= prev.lower && close < lo) fire(AlertKind::BollingerLowerBreak, close, lo);
  }
  const std::uint8_t was = fresh ? 0 : alerts_on_newest_;
  alerts_on_newest_ = now;
  const std::uint8_t changed = static_cast<std::uint8_t>(now ^ was);
  if (changed == 0) return;
  const Bar& b = bar_;
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
