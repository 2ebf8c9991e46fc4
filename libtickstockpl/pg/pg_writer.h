// PgWriter: batched, idempotent writes of bars and pattern detections to the schema of
// sql/001_initial.sql over one libpq connection: bars by COPY into a staging table and one
// upsert per timeframe, detections pipelined through prepared statements.
#ifndef TICKSTOCK_PG_PG_WRITER_H_
#define TICKSTOCK_PG_PG_WRITER_H_

#include <memory>
#include <span>
#include <string>
#include <unordered_set>

#include "tickstock/result.h"
#include "tickstock/scanner.h"
#include "tickstock/types.h"

struct pg_conn;

namespace tickstock::detail {

// A detection with the bar facts its row stores.
struct DetectionRow {
  PatternEvent event;  // retracted: the row is deleted
  double price = 0;    // close of the bar
  double volume = 0;   // volume of the bar
};

class PgWriter {
 public:
  // Connects and prepares the statements. The error says why (unreachable, no schema...).
  static Result<std::unique_ptr<PgWriter>> connect(const std::string& url);
  ~PgWriter();
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  // Writes the rows in one transaction: unknown symbols are registered (auto_added), a bar
  // replaces the stored one of the same key unless that has a higher revision, detections are
  // upserted (retracted ones deleted). All or nothing; the error names the first failing row.
  Result<void> write(std::span<const Bar> bars, std::span<const DetectionRow> detections);
  // False once the connection broke (the caller reconnects with a new writer).
  bool healthy() const;

 private:
  explicit PgWriter(pg_conn* c) : conn_(c) {}
  Result<void> prepare();
  // Sends the detections in one pipeline (inside the open transaction); "" or the error.
  std::string write_detections(std::span<const DetectionRow> detections);
  pg_conn* conn_;
  std::unordered_set<std::string> known_symbols_;  // registered through this connection
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_PG_WRITER_H_
