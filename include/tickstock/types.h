// Core value types of TickStock: time, symbols, ticks and bars.
//
// Time is always a Timestamp: signed 64-bit nanoseconds since the Unix epoch, UTC.
// Prices and volumes are doubles because indicator outputs must match TA-Lib's double
// arithmetic operation for operation.
#ifndef TICKSTOCK_TYPES_H_
#define TICKSTOCK_TYPES_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tickstock/result.h"

namespace tickstock {

// Nanoseconds since 1970-01-01T00:00:00Z.
using Timestamp = std::int64_t;
// Share (or contract) counts; double so that sums feed TA-Lib-style indicators unchanged.
using Volume = double;

inline constexpr Timestamp kNanosPerSecond = 1'000'000'000;
inline constexpr Timestamp kNanosPerMinute = 60 * kNanosPerSecond;
inline constexpr Timestamp kNanosPerHour = 60 * kNanosPerMinute;
inline constexpr Timestamp kNanosPerDay = 24 * kNanosPerHour;

// The event times a record from outside may carry: 1700-01-01 to 2261-01-01 UTC. Nanoseconds
// hold 1677-09-21 to 2262-04-11; the margin keeps every bar's end, New York date and daylight
// saving window computed from a time (which looks at its whole year) within range.
inline constexpr Timestamp kMinEventTime = -8'520'336'000 * kNanosPerSecond;
inline constexpr Timestamp kMaxEventTime = 9'183'110'400 * kNanosPerSecond;

// Bar length. Intraday bars are aligned to multiples of their length since the epoch (UTC);
// daily bars are keyed by New York trading date.
enum class Timeframe : std::uint8_t { M1, M5, M15, M30, H1, H4, D1 };
inline constexpr int kTimeframeCount = 7;

// Length of an intraday timeframe in nanoseconds (one day for D1).
constexpr Timestamp timeframe_nanos(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1:
      return kNanosPerMinute;
    case Timeframe::M5:
      return 5 * kNanosPerMinute;
    case Timeframe::M15:
      return 15 * kNanosPerMinute;
    case Timeframe::M30:
      return 30 * kNanosPerMinute;
    case Timeframe::H1:
      return kNanosPerHour;
    case Timeframe::H4:
      return 4 * kNanosPerHour;
    case Timeframe::D1:
      return kNanosPerDay;
  }
  return kNanosPerMinute;
}
// Short name used on the command line and in CSV: 1m 5m 15m 30m 1h 4h 1d.
std::string_view timeframe_name(Timeframe tf);
// Parses 1m/5m/15m/30m/1h/4h/1d (also 1min/5min/15min/30min/60min/hourly/4hour/daily/D).
std::optional<Timeframe> parse_timeframe(std::string_view text);

// Trading session of a bar or tick in New York time.
enum class Session : std::uint8_t {
  Regular,     // 09:30-16:00 America/New_York
  PreMarket,   // 04:00-09:30
  PostMarket,  // 16:00-20:00
  Overnight,   // 20:00-04:00 (futures, crypto; no US equity trading)
};
// "regular", "pre", "post", "overnight".
std::string_view session_name(Session s);

// The one symbol grammar, checked wherever a symbol enters (Redis messages, CSV files, Polygon
// frames, the REST API, symbol files and command lines): 1 to kMaxSymbolBytes bytes, each an
// ASCII letter, a digit or one of . - : / ^ _ (BRK.B, X:BTCUSD, I:SPX, O:SPY251219C00650000).
// Case is kept. No control character, blank or quote can reach a log, a file or the database.
inline constexpr std::size_t kMaxSymbolBytes = 32;

// True when `c` may appear in a symbol.
constexpr bool is_symbol_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == ':' || c == '/' || c == '^' || c == '_';
}

// True when `text` is a symbol by the grammar above.
constexpr bool is_valid_symbol(std::string_view text) {
  if (text.empty() || text.size() > kMaxSymbolBytes) return false;
  for (const char c : text)
    if (!is_symbol_char(c)) return false;
  return true;
}

// Ok when `text` is a symbol; else "field '<field>': '<text>' is not a symbol (<why>)", with
// `text` shown by printable(). Callers put where in front (file:line, channel, frame).
Result<void> check_symbol(std::string_view field, std::string_view text);

// `text` for a log line or an error message: printable ASCII as it is, every other byte (and
// the backslash) escaped as \xNN (\\), at most `max_bytes` of it and then "...".
std::string printable(std::string_view text, std::size_t max_bytes = 64);

namespace detail {
struct SymbolEntry {
  std::uint32_t id;  // dense index, 0-based, in interning order
  std::string name;  // ticker as given, e.g. "SPY"
};
}  // namespace detail

// An interned ticker: a pointer-sized handle, compared and hashed by identity.
// Valid as long as the SymbolTable that made it. The default Symbol is empty (id kNoId).
class Symbol {
 public:
  static constexpr std::uint32_t kNoId = 0xffffffffu;
  constexpr Symbol() = default;
  // Dense id, usable as an index into per-symbol arrays.
  std::uint32_t id() const { return entry_ ? entry_->id : kNoId; }
  // The ticker text.
  std::string_view name() const {
    return entry_ ? std::string_view(entry_->name) : std::string_view();
  }
  // True unless default-constructed.
  explicit operator bool() const { return entry_ != nullptr; }
  friend bool operator==(Symbol a, Symbol b) { return a.entry_ == b.entry_; }

 private:
  friend class SymbolTable;
  explicit Symbol(const detail::SymbolEntry* e) : entry_(e) {}
  const detail::SymbolEntry* entry_ = nullptr;
};

// Interns ticker strings into Symbols, up to a capacity: everything keyed by symbol downstream
// (aggregator, scanner, market data) is bounded by it. Thread-safe: interning takes a lock, the
// returned Symbols can be read from any thread without one.
class SymbolTable {
 public:
  // No limit but memory.
  static constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);
  // A table that holds at most `capacity` symbols.
  explicit SymbolTable(std::size_t capacity = kUnlimited) : capacity_(capacity) {}
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // The Symbol for `name`, created on first use; nullopt when `name` is new and the table is
  // full (counted in refused()). Never throws for a full table. REQUIRES: name is not empty.
  std::optional<Symbol> try_intern(std::string_view name);
  // As try_intern, for callers whose names fit by construction (a fixed set, tests); throws
  // std::length_error when `name` is new and the table is full.
  Symbol intern(std::string_view name);
  // The Symbol for `name` if it was interned before.
  std::optional<Symbol> find(std::string_view name) const;
  // Number of symbols interned so far.
  std::size_t size() const;
  // The most symbols the table holds.
  std::size_t capacity() const { return capacity_; }
  // New names refused so far because the table was full.
  std::uint64_t refused() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<detail::SymbolEntry> entries_;  // deque: entries never move
  std::unordered_map<std::string_view, const detail::SymbolEntry*> index_;
  std::uint64_t refused_ = 0;  // guarded by mutex_
};

// Condition flags of a trade, after mapping the feed's condition codes (docs/bar-rules.md).
enum TickFlags : std::uint32_t {
  kTickNormal = 0,
  kTickNoHighLow = 1u << 0,    // must not set the bar's high or low
  kTickNoOpenClose = 1u << 1,  // must not set the bar's open or close (last price)
  kTickNoVolume = 1u << 2,     // must not add to volume (and is not counted as a trade)
  // Odd-lot / average-price style prints: volume only, no price update.
  kTickVolumeOnly = kTickNoHighLow | kTickNoOpenClose,
};

// One trade.
struct Tick {
  Symbol symbol;                      // instrument
  Timestamp ts_event = 0;             // when the trade happened (exchange time), ns UTC
  Timestamp ts_recv = 0;              // when we received it, ns UTC (0 when unknown)
  double price = 0;                   // trade price, > 0
  Volume size = 0;                    // trade size, >= 0
  std::uint32_t flags = kTickNormal;  // TickFlags
};

// One OHLCV bar. `start` is the bar's first instant (UTC); for D1 it is 00:00 New York time
// of the trading date.
struct Bar {
  Symbol symbol;
  Timeframe timeframe = Timeframe::M1;
  Session session = Session::Regular;  // session at the bar's start
  std::uint32_t revision = 0;          // 0 when first emitted, +1 for each correction
  Timestamp start = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  Volume volume = 0;
  double vwap = 0;                // volume-weighted average price (close when no volume)
  std::uint32_t trade_count = 0;  // trades that added volume
};

// Why a tick was refused at the edge or by the aggregator.
enum class TickReject : std::uint8_t {
  BadPrice,        // NaN, infinite, zero or negative price
  BadSize,         // NaN, infinite or negative size
  NoSymbol,        // empty symbol
  TooLate,         // older than the allowed lateness: its bar was final already
  OutsideSession,  // excluded by the session options (not an error; counted)
};
inline constexpr int kTickRejectCount = 5;
// "bad_price", "bad_size", "no_symbol", "too_late", "outside_session".
std::string_view tick_reject_name(TickReject r);

// Checks the fields of a tick that every consumer relies on; nullopt when it is valid.
std::optional<TickReject> validate(const Tick& tick);

}  // namespace tickstock

#endif  // TICKSTOCK_TYPES_H_
