#include "feeds/synthetic_feed.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "tickstock/calendar.h"

namespace tickstock::app {
namespace {

double round_cent(double x) { return std::max(0.01, std::round(x * 100.0) / 100.0); }

struct ScenarioParams {
  double drift;  // per minute, relative
  double vol;    // per minute, relative
};

ScenarioParams params_for(Scenario s, std::int64_t minute) {
  switch (s) {
    case Scenario::Normal:
      return {0.0, 0.0012};
    case Scenario::Volatile:
      return {0.0, 0.0045};
    case Scenario::Crash:
      return {-0.0025, 0.0035};
    case Scenario::Rally:
      return {0.0020, 0.0020};
    case Scenario::OpeningBell:
      return {0.0, minute % 390 < 30 ? 0.006 : 0.0012};
  }
  return {0.0, 0.0012};
}

}  // namespace

std::optional<Scenario> parse_scenario(std::string_view s) {
  if (s == "normal") return Scenario::Normal;
  if (s == "volatile") return Scenario::Volatile;
  if (s == "crash") return Scenario::Crash;
  if (s == "rally") return Scenario::Rally;
  if (s == "opening-bell" || s == "opening_bell") return Scenario::OpeningBell;
  return std::nullopt;
}

std::string_view scenario_name(Scenario s) {
  switch (s) {
    case Scenario::Normal:
      return "normal";
    case Scenario::Volatile:
      return "volatile";
    case Scenario::Crash:
      return "crash";
    case Scenario::Rally:
      return "rally";
    case Scenario::OpeningBell:
      return "opening-bell";
  }
  return "?";
}

SyntheticFeed::SyntheticFeed(SyntheticOptions options, SymbolTable& symbols, const Clock& clock)
    : opt_(options), clock_(clock), rng_(options.seed) {
  if (opt_.start == 0) opt_.start = *parse_timestamp("2024-01-02T14:30:00Z");
  for (int i = 0; i < opt_.symbols; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "SYN%02d", i);
    const auto sym = symbols.try_intern(name);
    if (!sym) break;  // the table is full (serve refuses such settings up front)
    SymbolPath p;
    p.symbol = *sym;
    p.last = 20.0 + 10.0 * static_cast<double>(i % 17) + uniform() * 50.0;
    paths_.push_back(std::move(p));
  }
}

std::string SyntheticFeed::describe() const {
  return "synthetic: " + std::to_string(paths_.size()) + " symbols, scenario " +
         std::string(scenario_name(opt_.scenario)) + ", seed " + std::to_string(opt_.seed) +
         (opt_.inject_patterns ? ", with injected candlestick shapes" : "") +
         (opt_.speed > 0 ? fmt::format(", {}x real time", opt_.speed)
                         : ", max speed on simulated time");
}

double SyntheticFeed::normal() {
  // Box-Muller on the engine's own bits: identical on every platform for one seed.
  const double u1 = std::max(uniform(), 1e-300);
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

SyntheticFeed::MinutePlan SyntheticFeed::plan_minute(SymbolPath& p, std::int64_t minute) {
  if (p.queued.empty() && opt_.inject_patterns && uniform() < 0.04) {
    // Queue a shape: sizes relative to the recent typical range so that TA-Lib's
    // averages see long and short bodies where the pattern needs them.
    const double o = p.last;
    const double u = o * 0.004;  // a "long" body
    const int kind = static_cast<int>(uniform() * 6);
    auto& q = p.queued;
    switch (kind) {
      case 0:  // doji with long shadows
        q.push_back({o, o + u, o - u, o, 0});
        break;
      case 1:  // hammer after a small decline
        q.push_back({o, o + u * 0.1, o - u * 0.9, o - u * 0.8, 0});
        q.push_back({o - u * 0.8, o - u * 0.75, o - u * 2.6, o - u * 0.78, 0});
        break;
      case 2:  // bullish engulfing
        q.push_back({o, o + u * 0.1, o - u * 0.9, o - u * 0.8, 0});
        q.push_back({o - u * 0.9, o + u * 0.6, o - u * 1.0, o + u * 0.5, 0});
        break;
      case 3:  // bearish harami: long white then small black inside it
        q.push_back({o, o + u * 2.1, o - u * 0.1, o + u * 2.0, 0});
        q.push_back({o + u * 1.2, o + u * 1.3, o + u * 0.8, o + u * 0.9, 0});
        break;
      case 4:  // morning star
        q.push_back({o, o + u * 0.1, o - u * 2.2, o - u * 2.0, 0});
        q.push_back({o - u * 2.3, o - u * 2.2, o - u * 2.6, o - u * 2.35, 0});
        q.push_back({o - u * 2.1, o - u * 0.5, o - u * 2.15, o - u * 0.6, 0});
        break;
      default:  // evening star
        q.push_back({o, o + u * 2.2, o - u * 0.1, o + u * 2.0, 0});
        q.push_back({o + u * 2.3, o + u * 2.6, o + u * 2.2, o + u * 2.35, 0});
        q.push_back({o + u * 2.1, o + u * 2.15, o + u * 0.5, o + u * 0.6, 0});
        break;
    }
  }
  MinutePlan m{};
  if (!p.queued.empty()) {
    m = p.queued.front();
    p.queued.erase(p.queued.begin());
  } else {
    const ScenarioParams sp = params_for(opt_.scenario, minute);
    const double o = p.last;
    const double c = o * (1.0 + sp.drift + sp.vol * normal());
    const double wick = o * sp.vol * 0.6;
    m = {o, std::max(o, c) + std::fabs(normal()) * wick,
         std::min(o, c) - std::fabs(normal()) * wick, c, 0};
  }
  m.open = round_cent(m.open);
  m.high = round_cent(m.high);
  m.low = round_cent(m.low);
  m.close = round_cent(m.close);
  m.high = std::max({m.high, m.open, m.close});
  m.low = std::min({m.low, m.open, m.close});
  const bool bell = opt_.scenario == Scenario::OpeningBell && minute % 390 < 30;
  m.volume = std::round((500.0 + uniform() * 2000.0) * (bell ? 4.0 : 1.0));
  p.last = m.close;
  return m;
}

void SyntheticFeed::emit_minute(const SymbolPath& p, const MinutePlan& m, Timestamp start,
                                FeedBatch& out) {
  // Visit open, then high and low in a random order, then close; fill between with steps.
  const int n = std::max(4, opt_.ticks_per_minute);
  const bool high_first = uniform() < 0.5;
  const double waypoints[4] = {m.open, high_first ? m.high : m.low, high_first ? m.low : m.high,
                               m.close};
  const double size = std::max(1.0, std::round(m.volume / n));
  for (int i = 0; i < n; ++i) {
    const double pos = 3.0 * i / (n - 1);
    const int seg = std::min(2, static_cast<int>(pos));
    const double f = pos - seg;
    double price = waypoints[seg] + (waypoints[seg + 1] - waypoints[seg]) * f;
    if (i == 0) price = m.open;
    if (i == n - 1) price = m.close;
    FeedItem it;
    it.kind = FeedItem::Kind::Tick;
    const Timestamp ts = start + (kNanosPerMinute - kNanosPerSecond) * i / (n - 1);
    it.tick = Tick{p.symbol, ts, ts, round_cent(price), size, kTickNormal};
    it.now = ts;
    out.push_back(it);
  }
}

Result<void> SyntheticFeed::run(FeedQueue& out, const std::atomic<bool>& stop) {
  const bool realtime = opt_.speed > 0;
  Timestamp t0 = opt_.start;
  const Timestamp wall0 = clock_.now();
  if (realtime) t0 = wall0 / kNanosPerMinute * kNanosPerMinute;
  // Simulated time ends at kMaxEventTime (2261), however long the run was asked to be.
  const std::int64_t last_minute = (kMaxEventTime - kNanosPerMinute - t0) / kNanosPerMinute;
  for (std::int64_t minute = 0; opt_.minutes == 0 || minute < opt_.minutes; ++minute) {
    if (stop.load(std::memory_order_relaxed) || minute > last_minute) break;
    const Timestamp start = t0 + minute * kNanosPerMinute;
    FeedBatch batch;
    batch.reserve(paths_.size() * static_cast<std::size_t>(opt_.ticks_per_minute));
    for (auto& p : paths_) emit_minute(p, plan_minute(p, minute), start, batch);
    std::stable_sort(batch.begin(), batch.end(),
                     [](const FeedItem& a, const FeedItem& b) { return a.now < b.now; });
    stats_.items.fetch_add(batch.size(), std::memory_order_relaxed);
    if (!realtime) {
      if (!out.push(std::move(batch))) break;
      continue;
    }
    // Real time: release each tick when its time comes (scaled), with clock items in between.
    std::size_t i = 0;
    while (i < batch.size() && !stop.load(std::memory_order_relaxed)) {
      const Timestamp wall = clock_.now();
      // Simulated time runs `speed` times as fast as the wall clock from the moment we started
      // (measuring from t0, the start of that minute, would jump ahead by up to 60 s x speed).
      const Timestamp sim =
          saturated_ns(static_cast<double>(wall0) + static_cast<double>(wall - wall0) * opt_.speed);
      FeedBatch ready;
      while (i < batch.size() && batch[i].now <= sim) {
        // Re-stamp with the simulated time so that bars close on the same clock.
        ready.push_back(batch[i++]);
      }
      FeedItem c;
      c.kind = FeedItem::Kind::Clock;
      // The engine clock must not pass a tick that is still to come.
      c.now = std::min(sim, i < batch.size() ? batch[i].now : start + kNanosPerMinute);
      ready.push_back(c);
      // try_push never blocks a live feed; when the engine is behind, the queue counts the drop.
      (void)out.try_push(std::move(ready));
      if (i < batch.size()) {
        const auto wait_ns = saturated_ns(static_cast<double>(batch[i].now - sim) / opt_.speed);
        std::this_thread::sleep_for(
            std::chrono::nanoseconds(std::clamp<std::int64_t>(wait_ns, 0, 50'000'000)));
      }
    }
  }
  return {};
}

}  // namespace tickstock::app
