#include "sinks/scan_output.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "tickstock/calendar.h"

#include "sinks/bar_output.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

// A real as the shortest text that parses back to the same double; NaN → "null" in JSON.
void append_json_number(std::string& out, double v) {
  if (std::isfinite(v)) {
    fmt::format_to(std::back_inserter(out), "{}", v);
  } else {
    out += "null";
  }
}

}  // namespace

CsvScanWriter::CsvScanWriter(std::FILE* out, bool with_symbol, bool extras)
    : out_(out), with_symbol_(with_symbol), extras_(extras) {
  buf_.reserve(kFlushBytes + 4096);
}

void CsvScanWriter::header() {
  buf_ += with_symbol_ ? "ts,symbol" : "ts";
  for (const PatternInfo& p : pattern_catalogue()) {
    buf_ += ',';
    buf_ += p.talib_name;
  }
  const int fields = extras_ ? kFieldCount : kTalibFieldCount;
  for (int f = 0; f < fields; ++f) {
    buf_ += ',';
    buf_ += field_name(static_cast<Field>(f));
  }
  buf_ += '\n';
}

void CsvScanWriter::on_scan(const ScanResult& r) {
  auto out = std::back_inserter(buf_);
  if (!ts_.empty()) {
    buf_ += ts_;
  } else {
    buf_ += bar_time_text(r.bar);
  }
  if (with_symbol_) {
    buf_ += ',';
    buf_ += r.bar.symbol.name();
  }
  for (int i = 0; i < kPatternCount; ++i) {
    buf_ += ',';
    if (r.has_cdl(static_cast<PatternId>(i))) fmt::format_to(out, "{}", r.cdl[i]);
  }
  const int fields = extras_ ? kFieldCount : kTalibFieldCount;
  for (int f = 0; f < fields; ++f) {
    buf_ += ',';
    const double v = r.values[static_cast<std::size_t>(f)];
    if (!std::isnan(v)) fmt::format_to(out, "{}", v);
  }
  buf_ += '\n';
  ++rows_;
  if (buf_.size() >= kFlushBytes) drain();
}

void CsvScanWriter::drain() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) ok_ = false;
  buf_.clear();
}

void CsvScanWriter::flush() {
  drain();
  if (std::fflush(out_) != 0) ok_ = false;
}

void JsonLinesScanSink::on_scan(const ScanResult& r) {
  if (!indicators_) return;
  std::string s;
  fmt::format_to(std::back_inserter(s),
                 "{{\"type\":\"indicators\",\"symbol\":\"{}\",\"timeframe\":\"{}\","
                 "\"start\":\"{}\",\"revision\":{}",
                 json_escape(r.bar.symbol.name()), timeframe_name(r.bar.timeframe),
                 bar_time_text(r.bar), r.bar.revision);
  for (int f = 0; f < kFieldCount; ++f) {
    const double v = r.values[static_cast<std::size_t>(f)];
    if (std::isnan(v)) continue;  // no value yet (or not configured)
    s += ",\"";
    s += field_name(static_cast<Field>(f));
    s += "\":";
    append_json_number(s, v);
  }
  s += "}\n";
  std::fwrite(s.data(), 1, s.size(), out_);
}

void JsonLinesScanSink::on_pattern(const PatternEvent& e) {
  const PatternInfo& p = pattern_info(e.pattern);
  std::string s;
  fmt::format_to(std::back_inserter(s),
                 "{{\"type\":\"pattern\",\"symbol\":\"{}\",\"timeframe\":\"{}\",\"start\":\"{}\","
                 "\"revision\":{},\"pattern\":\"{}\",\"name\":\"{}\",\"output\":{},"
                 "\"direction\":\"{}\",\"confidence\":",
                 json_escape(e.symbol.name()), timeframe_name(e.timeframe),
                 bar_time_text(e.timeframe, e.bar_start), e.revision, p.talib_name, p.display_name,
                 e.output, direction_name(e.direction));
  append_json_number(s, std::round(e.confidence * 1e4) / 1e4);
  s += e.retracted ? ",\"retracted\":true}\n" : "}\n";
  std::fwrite(s.data(), 1, s.size(), out_);
}

void JsonLinesScanSink::on_alert(const AlertEvent& e) {
  std::string s;
  fmt::format_to(std::back_inserter(s),
                 "{{\"type\":\"alert\",\"symbol\":\"{}\",\"timeframe\":\"{}\",\"start\":\"{}\","
                 "\"revision\":{},\"alert\":\"{}\",\"value\":",
                 json_escape(e.symbol.name()), timeframe_name(e.timeframe),
                 bar_time_text(e.timeframe, e.bar_start), e.revision, alert_name(e.kind));
  append_json_number(s, e.value);
  s += ",\"level\":";
  append_json_number(s, e.level);
  s += e.retracted ? ",\"retracted\":true}\n" : "}\n";
  std::fwrite(s.data(), 1, s.size(), out_);
}

}  // namespace tickstock::app
