// RefusedRows: the rows PostgreSQL refused (isolated by the write lanes), kept one JSON line
// each in a file (beside the spill file) with the reason, so that nothing the engine made is
// lost without a trace and an operator can see, fix and load them. Bounded in size.
#ifndef TICKSTOCK_PG_REFUSED_ROWS_H_
#define TICKSTOCK_PG_REFUSED_ROWS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "pg/pg_rows.h"

namespace tickstock::detail {

// The JSON line (with its newline) of row `row` of `part` (bars, then detections, then
// indicator values): {"at":..., "table":..., "reason":..., "row":{...}}. `at`: wall time, ns.
std::string refused_row_line(const WriteBatch& part, std::size_t row, std::string_view reason,
                             Timestamp at);

class RefusedRows {
 public:
  // Lines go to `path` ("" : nowhere) while it holds at most `limit` bytes.
  RefusedRows(std::string path, std::uint64_t limit) : path_(std::move(path)), limit_(limit) {}

  // Appends `lines` (whole lines, each ending in a newline) and syncs them to disk; returns how
  // many were kept. `error` says why the others were not (no file, full, not writable).
  std::uint64_t keep(const std::string& lines, std::string& error);
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const std::uint64_t limit_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_REFUSED_ROWS_H_
