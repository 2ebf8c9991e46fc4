// The records PgSink queues and spills: one bar, detection or set of indicator values each,
// self-contained (the symbol travels by name), in native byte order. A block of records is
// what moves between the engine, the writer thread and the spill file.
#ifndef TICKSTOCK_PG_EVENT_RECORD_H_
#define TICKSTOCK_PG_EVENT_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "tickstock/result.h"
#include "tickstock/scanner.h"

#include "pg/pg_rows.h"

namespace tickstock::detail {

// Records appended one after another.
struct RecordBlock {
  std::string bytes;
  std::uint32_t records = 0;

  void clear() {
    bytes.clear();
    records = 0;
  }
};

// Appends the record of `bar` to `out`.
void encode_bar(const Bar& bar, std::string& out);
// Appends the record of a detection (or its retraction) on a bar with `price` and `volume`.
void encode_detection(const PatternEvent& e, double price, double volume, std::string& out);
// Appends the record of the indicator values of a scanned bar; false (nothing appended) when
// no indicator has a value yet.
bool encode_indicators(const ScanResult& r, std::string& out);

// Appends the rows of every record in `bytes` to `batch`; their symbols point into `bytes`,
// which must outlive them. The error names the offset of a record that does not decode.
Result<void> decode_records(std::string_view bytes, WriteBatch& batch);

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_EVENT_RECORD_H_
