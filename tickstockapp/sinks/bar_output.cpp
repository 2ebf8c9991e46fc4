#include "sinks/bar_output.h"

#include <fmt/format.h>

#include "tickstock/calendar.h"
#include "tickstock/json.h"

namespace tickstock::app {

std::string bar_time_text(const Bar& bar) { return bar_time_text(bar.timeframe, bar.start); }

std::string bar_time_text(Timeframe tf, Timestamp start) {
  if (tf == Timeframe::D1) return format_date(new_york_date(start));
  return format_iso8601(start);
}

// Symbols come from input files, so they may hold anything: the project's one escaper, without
// its quotes (the formats below hold them).
std::string json_escape(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out.substr(1, out.size() - 2);
}

void JsonLinesBarSink::on_bar(const Bar& b) {
  fmt::print(out_,
             "{{\"type\":\"bar\",\"symbol\":\"{}\",\"timeframe\":\"{}\",\"start\":\"{}\","
             "\"open\":{},\"high\":{},\"low\":{},\"close\":{},\"volume\":{},\"vwap\":{},"
             "\"trades\":{},\"session\":\"{}\",\"revision\":{}}}\n",
             json_escape(b.symbol.name()), timeframe_name(b.timeframe), bar_time_text(b), b.open,
             b.high, b.low, b.close, b.volume, b.vwap, b.trade_count, session_name(b.session),
             b.revision);
  ++written_;
}

void CsvBarCollector::on_bar(const Bar& bar) {
  if (bar.timeframe != tf_) return;
  std::string key = fmt::format("{}|{}", bar.symbol.name(), bar.start);
  auto [it, inserted] = index_.emplace(std::move(key), bars_.size());
  if (inserted) {
    bars_.push_back(bar);
  } else {
    bars_[it->second] = bar;
  }
}

bool CsvBarCollector::write(std::FILE* out) const {
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), "ts,symbol,open,high,low,close,volume,vwap,trades\n");
  for (const Bar& b : bars_) {
    fmt::format_to(std::back_inserter(buf), "{},{},{},{},{},{},{},{},{}\n", bar_time_text(b),
                   b.symbol.name(), b.open, b.high, b.low, b.close, b.volume, b.vwap,
                   b.trade_count);
    if (buf.size() > (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) return false;
      buf.clear();
    }
  }
  if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) return false;
  return std::fflush(out) == 0;
}

}  // namespace tickstock::app
