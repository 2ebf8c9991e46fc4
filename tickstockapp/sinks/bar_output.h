// Bar sinks of the app that write text: JSON lines for `serve`, CSV for `aggregate`.
#ifndef TICKSTOCKAPP_SINKS_BAR_OUTPUT_H_
#define TICKSTOCKAPP_SINKS_BAR_OUTPUT_H_

#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "tickstock/sink.h"

namespace tickstock::app {

// "2013-10-07T13:30:00Z" for intraday bars, "2013-10-07" (New York trading date) for daily.
std::string bar_time_text(const Bar& bar);
// The same for a bar of timeframe `tf` starting at `start`.
std::string bar_time_text(Timeframe tf, Timestamp start);

// `s` as the inside of a JSON string: quotes, backslashes and control characters escaped.
std::string json_escape(std::string_view s);

// One JSON object per bar and line, flushed per batch.
class JsonLinesBarSink final : public BarSink {
 public:
  explicit JsonLinesBarSink(std::FILE* out) : out_(out) {}
  void on_bar(const Bar& bar) override;
  void flush() override { std::fflush(out_); }
  std::uint64_t written() const { return written_; }

 private:
  std::FILE* out_;
  std::uint64_t written_ = 0;
};

// Keeps the final revision of every bar of one timeframe, in first-emission order, and writes
// them as CSV `ts,symbol,open,high,low,close,volume,vwap,trades` on write().
class CsvBarCollector final : public BarSink {
 public:
  explicit CsvBarCollector(Timeframe tf) : tf_(tf) {}
  void on_bar(const Bar& bar) override;
  // Writes the header and all bars. Returns false on a write error.
  bool write(std::FILE* out) const;
  std::size_t size() const { return bars_.size(); }

 private:
  Timeframe tf_;
  std::vector<Bar> bars_;
  std::unordered_map<std::string, std::size_t> index_;  // symbol|start -> position
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SINKS_BAR_OUTPUT_H_
