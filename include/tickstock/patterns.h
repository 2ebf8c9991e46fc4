// The candlestick pattern catalogue: the 61 TA-Lib 0.6 CDL functions with the facts the API and
// UI serve (TA-Lib name, display name, candles used, direction, kind, description).
#ifndef TICKSTOCK_PATTERNS_H_
#define TICKSTOCK_PATTERNS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tickstock/candle_settings.h"
#include "tickstock/pattern_list.h"

namespace tickstock {

// One TA-Lib candlestick function; the value is its column position (alphabetical TA-Lib name).
enum class PatternId : std::uint8_t {
#define TICKSTOCK_PATTERN_ENUM(e, name, display) e,
  TICKSTOCK_PATTERNS(TICKSTOCK_PATTERN_ENUM)
#undef TICKSTOCK_PATTERN_ENUM
};
// Number of patterns (61).
inline constexpr int kPatternCount = 0
#define TICKSTOCK_PATTERN_COUNT(e, name, display) +1
    TICKSTOCK_PATTERNS(TICKSTOCK_PATTERN_COUNT)
#undef TICKSTOCK_PATTERN_COUNT
    ;

// Which way a pattern points. Both: the sign of TA-Lib's output says which (+ bullish).
enum class PatternDirection : std::uint8_t { Bullish, Bearish, Both, Neutral };
// "bullish", "bearish", "both", "neutral".
std::string_view direction_name(PatternDirection d);

// What a pattern says about the move before it (used by the confidence's trend term).
enum class PatternKind : std::uint8_t {
  Reversal,      // the prior move is expected to turn
  Continuation,  // the prior move is expected to go on
  Indecision,    // balance between buyers and sellers; stronger after a long move
};
// "reversal", "continuation", "indecision".
std::string_view kind_name(PatternKind k);

// One catalogue row.
struct PatternInfo {
  PatternId id;
  std::string_view talib_name;    // e.g. "CDLENGULFING" (the scan column name)
  std::string_view display_name;  // TA-Lib's display text, e.g. "Engulfing Pattern"
  int bars;                       // candles the pattern reads (1..5), newest included
  PatternDirection direction;     // as defined; Both patterns give it by the output's sign
  PatternKind kind;               // reversal, continuation or indecision
  std::string_view description;   // one line, what the candles look like
};

// All 61 rows, in PatternId order.
std::span<const PatternInfo> pattern_catalogue();
// The row of `id`.
const PatternInfo& pattern_info(PatternId id);
// The pattern whose TA-Lib name is `talib_name` (case-sensitive, e.g. "CDLDOJI").
std::optional<PatternId> find_pattern(std::string_view talib_name);
// Bars without output at the start of a series (TA_CDLxxx_Lookback) with these settings.
int pattern_lookback(PatternId id, const CandleSettings& settings);
// True for the seven functions with an optInPenetration input.
bool uses_penetration(PatternId id);
// TA-Lib's default penetration: 0.5 for DARKCLOUDCOVER and MATHOLD, 0.3 for the other five, 0
// for patterns without the input.
double default_penetration(PatternId id);

}  // namespace tickstock

#endif  // TICKSTOCK_PATTERNS_H_
