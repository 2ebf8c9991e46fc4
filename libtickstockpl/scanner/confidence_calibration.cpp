// ConfidenceCalibration and its file: a small CSV, read once at start, checked line by line.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "tickstock/scanner.h"

namespace tickstock {
namespace {

constexpr std::size_t kMaxFileBytes = 1 << 20;  // 1,281 entries fit in well under 100 KiB

int direction_slot(PatternDirection d) {
  switch (d) {
    case PatternDirection::Bullish:
      return 0;
    case PatternDirection::Bearish:
      return 1;
    case PatternDirection::Neutral:
      return 2;
    case PatternDirection::Both:
      break;
  }
  return -1;
}

// REQUIRES: direction_slot(d) >= 0.
std::size_t entry_index(PatternId id, Timeframe tf, PatternDirection d) {
  return (static_cast<std::size_t>(id) * kTimeframeCount + static_cast<std::size_t>(tf)) * 3 +
         static_cast<std::size_t>(direction_slot(d));
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::optional<PatternDirection> parse_direction(std::string_view s) {
  if (s == "bullish") return PatternDirection::Bullish;
  if (s == "bearish") return PatternDirection::Bearish;
  if (s == "neutral") return PatternDirection::Neutral;
  return std::nullopt;
}

std::optional<double> parse_rate(const std::string& s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !(v >= 0 && v <= 1)) return std::nullopt;
  return v;
}

}  // namespace

ConfidenceCalibration::ConfidenceCalibration() {
  rate_.fill(std::numeric_limits<double>::quiet_NaN());
}

void ConfidenceCalibration::set(PatternId id, Timeframe tf, PatternDirection d, double hit_rate) {
  if (direction_slot(d) < 0 || std::isnan(hit_rate)) return;
  rate_[entry_index(id, tf, d)] = std::clamp(hit_rate, 0.0, 1.0);
}

double ConfidenceCalibration::get(PatternId id, Timeframe tf, PatternDirection d) const {
  if (direction_slot(d) < 0) return std::numeric_limits<double>::quiet_NaN();
  return rate_[entry_index(id, tf, d)];
}

std::size_t ConfidenceCalibration::size() const {
  return static_cast<std::size_t>(
      std::count_if(rate_.begin(), rate_.end(), [](double v) { return !std::isnan(v); }));
}

Result<ConfidenceCalibration> read_confidence_calibration(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path, ": cannot be read");
  std::string header;
  if (!std::getline(in, header)) return fail(path, ":1: empty, expected a header");
  if (!header.empty() && header.back() == '\r') header.pop_back();
  std::map<std::string, std::size_t> col;
  const auto names = split(header);
  for (std::size_t i = 0; i < names.size(); ++i) col[names[i]] = i;
  for (const char* need : {"pattern", "timeframe", "direction", "hit_rate"}) {
    if (!col.count(need))
      return fail(path, ":1: no column '", need,
                  "' (expected pattern,timeframe,direction,horizon,n,hit_rate)");
  }
  ConfidenceCalibration table;
  std::size_t bytes = header.size() + 1;
  std::map<std::size_t, int> seen;  // entry -> its line
  int number = 1;
  for (std::string line; std::getline(in, line);) {
    ++number;
    bytes += line.size() + 1;
    if (bytes > kMaxFileBytes) return fail(path, ":", std::to_string(number), ": over 1 MiB");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = split(line);
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (f.size() != names.size())
      return fail(where, std::to_string(f.size()), " fields, the header has ",
                  std::to_string(names.size()));
    const auto id = find_pattern(f[col["pattern"]]);
    if (!id) return fail(where, "pattern '", f[col["pattern"]], "' is not a TA-Lib name");
    const auto tf = parse_timeframe(f[col["timeframe"]]);
    if (!tf) return fail(where, "timeframe '", f[col["timeframe"]], "' is not 1m..1d");
    const auto d = parse_direction(f[col["direction"]]);
    if (!d)
      return fail(where, "direction '", f[col["direction"]],
                  "' is not bullish, bearish or neutral");
    const auto rate = parse_rate(f[col["hit_rate"]]);
    if (!rate)
      return fail(where, "hit_rate '", f[col["hit_rate"]], "' is not a number from 0 to 1");
    if (auto [it, fresh] = seen.emplace(entry_index(*id, *tf, *d), number); !fresh)
      return fail(where, "the entry of line ", std::to_string(it->second), " again");
    table.set(*id, *tf, *d, *rate);
  }
  return table;
}

}  // namespace tickstock
