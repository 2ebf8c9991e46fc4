// The JSON messages producers publish on tickstock.data.raw (and tickstock_data): a trade
//   {"ticker":"AAPL","price":189.5,"volume":100,"timestamp":1704205800123, ...}
// or a one-minute bar
//   {"symbol":"AAPL","timestamp":"2024-01-02T14:30:00Z","open":..,"high":..,"low":..,
//    "close":..,"volume":..}
// (docs/redis-events.md). "ticker" and "symbol" are the same field, as are "volume" and "size"
// for a trade; other fields are ignored. Numbers may also come as numeric strings; a timestamp
// is ISO-8601 or epoch seconds, milliseconds, microseconds or nanoseconds (told apart by size;
// a fractional epoch number is taken to the microsecond).
#ifndef TICKSTOCKAPP_FEEDS_TICK_MESSAGE_H_
#define TICKSTOCKAPP_FEEDS_TICK_MESSAGE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "tickstock/result.h"
#include "tickstock/types.h"

#include "base/json_object_reader.h"
#include "engine/feed_queue.h"

namespace tickstock::app {

// Messages longer than this are refused unread.
inline constexpr std::size_t kMaxTickMessageBytes = 64 * 1024;

// Decodes messages with one simdjson parser and a reused padded buffer. Not thread-safe: one
// per feed thread.
class TickMessageParser {
 public:
  // Why the last parse() failed.
  enum class Refusal : std::uint8_t {
    Malformed,    // not a message of the format, or a field out of range
    FutureTime,   // the event time lies too far ahead of the clock
    SymbolLimit,  // a new symbol, and the symbol table is full
  };

  // REQUIRES: `symbols` outlives the parser.
  explicit TickMessageParser(SymbolTable& symbols)
      : symbols_(symbols), reader_(kMaxTickMessageBytes) {}

  // A Tick item (trade) or MinuteBar item (bar, keyed by its start) with `now` set to its event
  // time (a bar's end). The error says what is wrong and where, e.g. "field 'price': -3 is not
  // a positive number" or "not JSON: TAPE_ERROR ...". With `max_future` >= 0, an event time
  // more than `max_future` ns after `now` (the wall clock) is refused. The symbol is checked
  // against the grammar (check_symbol) and interned only for a message that is otherwise good.
  Result<FeedItem> parse(std::string_view message, Timestamp now = 0, Timestamp max_future = -1);
  // Why the last parse() failed (meaningless after a success).
  Refusal last_refusal() const { return refusal_; }

 private:
  SymbolTable& symbols_;
  JsonObjectReader reader_;
  Refusal refusal_ = Refusal::Malformed;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_FEEDS_TICK_MESSAGE_H_
