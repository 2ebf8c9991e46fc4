// PgWriter: batched, idempotent writes of bars, pattern detections and indicator values to the
// schema of sql/ over one libpq connection, one transaction per batch. Rows seen for the first
// time (revision 0) go in by binary COPY; revisions and retractions by prepared upserts whose
// parameters are binary arrays (`INSERT ... SELECT FROM unnest(...) ON CONFLICT`), pipelined.
// When a COPY meets a row stored before (a replay), the batch is written again by upserts.
#ifndef TICKSTOCK_PG_PG_WRITER_H_
#define TICKSTOCK_PG_PG_WRITER_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "tickstock/result.h"

#include "pg/pg_rows.h"

struct pg_conn;

namespace tickstock::detail {

class PgWriter {
 public:
  // Connects and prepares the statements. The error says why (unreachable, no schema...).
  static Result<std::unique_ptr<PgWriter>> connect(const std::string& url);
  ~PgWriter();
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  // Writes the batch in one transaction: unknown symbols are registered (auto_added); of rows
  // with the same key in the batch the highest revision, then the last given, counts; a row
  // replaces the stored one unless that has a higher revision (an identical row is left
  // alone); retracted detections delete theirs. All or nothing; the error names the statement
  // and PostgreSQL's message with its detail.
  Result<void> write(const WriteBatch& batch);
  // False once the connection broke (the caller reconnects with a new writer).
  bool healthy() const;
  // After a failed write(): whether PostgreSQL refused rows of the batch for what they hold
  // (writing them again fails again; the batch without them can be written), rather than for
  // the state of the database or the connection (which writing again later may get past).
  bool refused_rows() const;

 private:
  struct Work;
  explicit PgWriter(pg_conn* c);
  Result<void> prepare();
  // Picks the rows to store (one per key) into work_.
  void select(const WriteBatch& batch);
  // One transaction; `copy`: first-time rows by COPY. `conflict`: a COPY met a stored row.
  Result<void> attempt(bool copy, bool& conflict);
  // attempt()'s steps. Pipelines BEGIN, the new symbols, the upserts (with `copy`, of
  // revisions only) and the sync: false if sending failed.
  bool send_upserts(bool copy);
  void send_bar_upserts(bool copy, bool& sent);
  // Reads the pipeline's results up to its sync and leaves pipeline mode: the first error.
  std::string pipeline_error(bool sent);
  // COPYs the rows seen for the first time, each kind into its table: the first error.
  std::string copy_new_rows(bool& conflict);
  std::string copy_in(const std::string& table_columns, const char* label, bool& conflict);
  Result<void> commit();
  // Leaves pipeline mode and rolls back; returns `error`.
  Result<void> rollback(const std::string& error);
  pg_conn* conn_;
  std::unique_ptr<Work> work_;
  int slow_batches_ = 0;  // batches left to write by upserts only
  std::string sqlstate_;  // of the last failed write ("" if none or not from the server)
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, NameHash, std::equal_to<>> known_symbols_;
};

// The indicator_values column of a field ("macd_signal" for MACD_SIGNAL).
std::string indicator_column(Field f);

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_PG_WRITER_H_
