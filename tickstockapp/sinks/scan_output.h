// Scan sinks of the app that write text: the oracle-shaped CSV of `scan` and the JSON lines
// events of `serve`.
#ifndef TICKSTOCKAPP_SINKS_SCAN_OUTPUT_H_
#define TICKSTOCKAPP_SINKS_SCAN_OUTPUT_H_

#include <cstdio>
#include <string>

#include "tickstock/scanner.h"

namespace tickstock::app {

// Writes one CSV row per scanned bar: ts[,symbol], the 61 CDL columns, the 17 TA-Lib indicator
// columns (names as the talib-oracle's) and, with `extras`, the other fields (PLUS_DI..FIB_S3).
// Empty cell = no value yet. Reals are printed shortest-round-trip. The ts cell is taken from
// ts_text() when set (the input's text), else the bar start as ISO-8601.
class CsvScanWriter final : public ScanSink {
 public:
  CsvScanWriter(std::FILE* out, bool with_symbol, bool extras);
  // Writes the header line.
  void header();
  // The ts text of the next row (the input's cell, passed through verbatim).
  void set_ts_text(const std::string& ts) { ts_ = ts; }
  void on_scan(const ScanResult& r) override;
  void flush() override;
  // False once a write failed.
  bool ok() const { return ok_; }
  std::uint64_t rows() const { return rows_; }

 private:
  void drain();
  std::FILE* out_;
  bool with_symbol_, extras_;
  std::string ts_;
  std::string buf_;
  bool ok_ = true;
  std::uint64_t rows_ = 0;
};

// serve's event stream: {"type":"pattern"...}, {"type":"alert"...} and, when `indicators`,
// {"type":"indicators"...} lines for every scanned bar.
class JsonLinesScanSink final : public ScanSink {
 public:
  JsonLinesScanSink(std::FILE* out, bool indicators) : out_(out), indicators_(indicators) {}
  void on_scan(const ScanResult& r) override;
  void on_pattern(const PatternEvent& e) override;
  void on_alert(const AlertEvent& e) override;
  void flush() override { std::fflush(out_); }

 private:
  std::FILE* out_;
  bool indicators_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SINKS_SCAN_OUTPUT_H_
