// MemoryMarketData: ordered deques per series, searched from the newest end.
#include "web/store/memory_market_data.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "tickstock/patterns.h"

#include "base/json_out.h"

namespace tickstock::app {
namespace {

template <class Row>
Timestamp start_of(const Row& r) {
  return r.start;
}

template <class Rows>
std::vector<typename Rows::value_type> newest_in_range(const Rows& rows, const BarQuery& q) {
  std::vector<typename Rows::value_type> out;
  for (auto it = rows.rbegin(); it != rows.rend() && static_cast<int>(out.size()) < q.limit; ++it)
    if (start_of(*it) >= q.from && start_of(*it) <= q.to) out.push_back(*it);
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

template <class Row>
void MemoryMarketData::put(std::deque<Row>& rows, Row row, std::size_t cap) {
  // Bars arrive in order; a revision replaces one near the end.
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->start == row.start) {
      *it = std::move(row);
      return;
    }
    if (it->start < row.start) break;
  }
  auto pos = std::upper_bound(rows.begin(), rows.end(), row.start,
                              [](Timestamp t, const Row& r) { return t < r.start; });
  rows.insert(pos, std::move(row));
  if (rows.size() > cap) rows.pop_front();
}

void MemoryMarketData::add_bar(const Bar& b) {
  BarRow row{b.start, b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trade_count, b.revision};
  std::lock_guard lock(mu_);
  symbols_.emplace(b.symbol.name());
  put(bars_[{std::string(b.symbol.name()), b.timeframe}], row, series_bars_);
}

void MemoryMarketData::add_indicators(const Bar& b, const std::array<double, kFieldCount>& v) {
  JsonOut j;
  j.begin_object();
  for (int i = 0; i < kFieldCount; ++i) {
    if (std::isnan(v[i])) continue;
    std::string name(field_name(static_cast<Field>(i)));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    j.field(name, v[i]);
  }
  j.end_object();
  std::lock_guard lock(mu_);
  put(indicators_[{std::string(b.symbol.name()), b.timeframe}], IndicatorRow{b.start, j.take()},
      series_bars_);
}

namespace {

// What identifies a detection: a revision or retraction of it has the same key.
std::string pattern_key(std::string_view symbol, Timeframe tf, Timestamp start,
                        std::string_view pattern) {
  return std::string(symbol) + '|' + std::to_string(static_cast<int>(tf)) + '|' +
         std::to_string(start) + '|' + std::string(pattern);
}

}  // namespace

void MemoryMarketData::add_pattern(const PatternEvent& e, double price, double volume) {
  const std::string_view name = pattern_info(e.pattern).talib_name;
  std::string key = pattern_key(e.symbol.name(), e.timeframe, e.bar_start, name);
  std::lock_guard lock(mu_);
  // A later report of the same detection (a revision) replaces it; a retraction removes it.
  if (auto same = pattern_ids_.find(key); same != pattern_ids_.end()) {
    patterns_.erase(same->second);
    pattern_ids_.erase(same);
  }
  if (e.retracted) return;
  PatternRow row;
  row.id = next_id_++;
  row.symbol = std::string(e.symbol.name());
  row.timeframe = e.timeframe;
  row.bar_start = e.bar_start;
  row.pattern = std::string(name);
  row.output = e.output;
  row.direction = std::string(direction_name(e.direction));
  row.confidence = e.confidence;
  row.price = price;
  row.volume = volume;
  row.revision = e.revision;
  pattern_ids_.emplace(std::move(key), row.id);
  patterns_.emplace(row.id, std::move(row));
  if (patterns_.size() > max_patterns_) {
    const PatternRow& oldest = patterns_.begin()->second;
    pattern_ids_.erase(
        pattern_key(oldest.symbol, oldest.timeframe, oldest.bar_start, oldest.pattern));
    patterns_.erase(patterns_.begin());
  }
}

Result<std::vector<SymbolRow>> MemoryMarketData::symbols(const std::string& prefix, int limit) {
  std::string up = prefix;
  for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::lock_guard lock(mu_);
  std::vector<SymbolRow> out;
  for (const std::string& s : symbols_) {
    if (static_cast<int>(out.size()) >= limit) break;
    std::string su = s;
    for (auto& c : su) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (su.rfind(up, 0) == 0) out.push_back({s, "", "stock", "", true});
  }
  return out;
}

Result<std::vector<UniverseRow>> MemoryMarketData::universes() {
  return std::vector<UniverseRow>();  // groups live in the database only
}

Result<std::vector<BarRow>> MemoryMarketData::bars(const BarQuery& q) {
  std::lock_guard lock(mu_);
  auto it = bars_.find({q.symbol, q.timeframe});
  if (it == bars_.end()) return std::vector<BarRow>();
  return newest_in_range(it->second, q);
}

Result<std::vector<IndicatorRow>> MemoryMarketData::indicators(const BarQuery& q) {
  std::lock_guard lock(mu_);
  auto it = indicators_.find({q.symbol, q.timeframe});
  if (it == indicators_.end()) return std::vector<IndicatorRow>();
  return newest_in_range(it->second, q);
}

Result<PatternPage> MemoryMarketData::patterns(const PatternQuery& q) {
  std::lock_guard lock(mu_);
  // Newest first by (bar_start, id), as PostgreSQL orders them.
  std::vector<const PatternRow*> match;
  for (const auto& [id, r] : patterns_) {
    if (!q.symbol.empty() && r.symbol != q.symbol) continue;
    if (!q.pattern.empty() && r.pattern != q.pattern) continue;
    if (q.timeframe && r.timeframe != *q.timeframe) continue;
    if (r.confidence < q.min_confidence || r.bar_start < q.since) continue;
    if (q.cursor && std::make_pair(r.bar_start, r.id) >= *q.cursor) continue;
    match.push_back(&r);
  }
  std::sort(match.begin(), match.end(), [](const PatternRow* a, const PatternRow* b) {
    return std::make_pair(a->bar_start, a->id) > std::make_pair(b->bar_start, b->id);
  });
  PatternPage page;
  for (const PatternRow* r : match) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      page.next = std::make_pair(page.items.back().bar_start, page.items.back().id);
      break;
    }
    page.items.push_back(*r);
  }
  return page;
}

}  // namespace tickstock::app
