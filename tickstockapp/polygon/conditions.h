// Polygon (Massive) trade condition codes -> what a trade may update in a bar.
//
// Polygon builds its bars with the SIP's "consolidated" update rules: each condition says
// whether a trade carrying it may set the high/low, the open/close (last price) and the volume.
// A trade with several conditions updates only what all of them allow. The built-in table is the
// documented one (docs/polygon.md); `parse_condition_reference` reads the same rules from
// Polygon's conditions reference (GET /v3/reference/conditions?asset_class=stocks&data_type=trade)
// so that the table follows Polygon's own.
#ifndef TICKSTOCKAPP_POLYGON_CONDITIONS_H_
#define TICKSTOCKAPP_POLYGON_CONDITIONS_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::app {

// What trades with one condition code may update.
struct ConditionRule {
  bool high_low = true;
  bool open_close = true;
  bool volume = true;
};

// Condition code -> TickFlags. Codes 0..255; anything else counts as unknown (a regular trade).
class ConditionTable {
 public:
  static constexpr int kCodes = 256;
  // The documented table (docs/polygon.md): volume only for 2, 7, 13, 20, 21, 37, 52, 53; high/low
  // and volume but no open/close for 5, 10, 22, 29, 33; nothing for 15, 16; everything for the
  // rest, including 12 (Form T): Polygon lets extended-hours trades set minute bars' OHLC, and
  // daily bars count only the regular session by default.
  static ConditionTable builtin();
  // Sets the rule of one code. REQUIRES: 0 <= code < kCodes.
  void set(int code, ConditionRule rule);
  ConditionRule rule(int code) const;
  // Whether `code` has a rule of its own (set explicitly, from the table or the reference).
  bool known(int code) const { return code >= 0 && code < kCodes && known_[code]; }
  // TickFlags of one condition code (kTickNormal for unknown codes).
  std::uint32_t flags(std::int64_t code) const {
    return code >= 0 && code < kCodes ? flags_[static_cast<std::size_t>(code)] : kTickNormal;
  }
  // Codes with a rule of their own.
  int size() const;

 private:
  std::array<std::uint32_t, kCodes> flags_{};
  std::array<bool, kCodes> known_{};
};

// Reads Polygon's conditions reference (a JSON object with "results": [{"id", "update_rules":
// {"consolidated": {"updates_high_low", "updates_open_close", "updates_volume"}}}]) into a
// table that starts from the built-in one. Form T (12) keeps its minute-bar exception. The
// error names what is wrong, e.g. "conditions reference: results[3]: no 'id'".
Result<ConditionTable> parse_condition_reference(std::string_view json);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_CONDITIONS_H_
