// Parses Polygon (Massive) WebSocket text frames: JSON arrays of messages, every element in
// order. Trades (T) become Ticks with condition flags, per-minute (AM) and per-second (A)
// aggregates become Bars, status messages are passed on, quotes (Q) and unknown `ev`s are
// counted. Parsing does not allocate per message: one simdjson On-Demand parser (its SIMD
// indexing chosen for the CPU at run time) and one padded buffer are reused, and symbols are
// checked (is_valid_symbol) and interned once, then found in a local index that holds only
// what the SymbolTable took (so it is bounded by the table's capacity). Every value of a frame is
// checked, read or not, and the whole frame before any of it is delivered: a frame is refused
// exactly when simdjson's validating (DOM) parser would refuse it, which the fuzz target checks.
#ifndef TICKSTOCKAPP_POLYGON_FRAME_PARSER_H_
#define TICKSTOCKAPP_POLYGON_FRAME_PARSER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "tickstock/types.h"

#include "polygon/conditions.h"

namespace tickstock::app {

// The fields of a trade that a Tick does not carry. Views are valid during the callback only.
struct PolygonTradeInfo {
  int exchange = 0;     // x: exchange id
  int tape = 0;         // z: 1 = NYSE (A), 2 = AMEX (B), 3 = Nasdaq (C)
  std::string_view id;  // i: trade id
  int conditions = 0;   // number of condition codes in c
};

// Receives the messages of a frame, in order. Called on the parsing thread.
class PolygonHandler {
 public:
  virtual ~PolygonHandler() = default;
  // A trade; tick.flags hold its conditions' TickFlags, tick.ts_recv the frame's arrival.
  virtual void on_trade(const Tick& tick, const PolygonTradeInfo& info) = 0;
  // A per-minute (AM, `per_minute`) or per-second (A) aggregate; bar.start is the window start.
  virtual void on_aggregate(const Bar& bar, bool per_minute) = 0;
  // A status message, e.g. ("auth_success", "authenticated").
  virtual void on_status(std::string_view status, std::string_view message) = 0;
  // A frame or element that could not be used, with what and where ("frame 3: element 2:
  // field 'p': expected a number").
  virtual void on_bad_input(std::string_view what) = 0;
  // An element refused only because its symbol is new and the symbol table is full.
  virtual void on_symbol_refused(std::string_view what) { on_bad_input(what); }
};

// Counts kept by a parser; plain numbers, read on the parsing thread.
struct PolygonParseStats {
  std::uint64_t frames = 0;              // frames given to parse()
  std::uint64_t bad_frames = 0;          // not JSON, not an array, or broken part way
  std::uint64_t trades = 0;              // T
  std::uint64_t quotes = 0;              // Q (counted, not used)
  std::uint64_t second_aggregates = 0;   // A
  std::uint64_t minute_aggregates = 0;   // AM
  std::uint64_t statuses = 0;            // status
  std::uint64_t unknown_events = 0;      // any other ev (or none)
  std::uint64_t bad_messages = 0;        // elements refused: wrong type, missing field, ...
  std::uint64_t bad_symbols = 0;         // of which: `sym` is not a symbol (check_symbol)
  std::uint64_t future_times = 0;        // of which: time too far after the frame's arrival
  std::uint64_t symbols_refused = 0;     // of which: a new symbol when the table was full
  std::uint64_t unknown_conditions = 0;  // condition codes the table does not know
};

// Not thread-safe: one parser per reading thread.
class PolygonFrameParser {
 public:
  // REQUIRES: symbols and conditions outlive the parser.
  PolygonFrameParser(SymbolTable& symbols, const ConditionTable& conditions);
  // Refuse trades and aggregates whose time lies more than `ns` after the frame's arrival
  // (`received`); negative (the default): no such check.
  void set_max_future(Timestamp ns);
  ~PolygonFrameParser();
  PolygonFrameParser(const PolygonFrameParser&) = delete;
  PolygonFrameParser& operator=(const PolygonFrameParser&) = delete;

  // Parses one frame received at `received` (ns UTC) and calls `h` for each element. Returns
  // false when the frame was not valid JSON or not an array (h.on_bad_input said why): such a
  // frame is refused whole, nothing of it is delivered. A bad element is refused alone.
  bool parse(std::string_view frame, Timestamp received, PolygonHandler& h);
  // Bytes that must be readable after a frame given to parse_padded (their values do not
  // matter).
  static constexpr std::size_t kPadding = 64;
  // The same without copying the frame. REQUIRES: data[size, size + kPadding) is readable.
  bool parse_padded(const char* data, std::size_t size, Timestamp received, PolygonHandler& h);
  const PolygonParseStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Polygon's `t`, `s` and `e` are Unix milliseconds; other streams use seconds, micro- or
// nanoseconds. Reads the unit from the number of digits and returns nanoseconds; nothing for a
// negative time or one past kMaxEventTime (2261-01-01).
std::optional<Timestamp> polygon_epoch_to_ns(std::int64_t t);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_FRAME_PARSER_H_
