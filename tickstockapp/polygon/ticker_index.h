// The Polygon parser's index of the tickers it has met: each new ticker is checked against the
// symbol grammar (is_valid_symbol) and interned in the SymbolTable once, then found here without
// the table's lock. It keeps only what the table took, so it is bounded by the table's
// capacity; a refused ticker is checked again whenever it comes back. Not thread-safe.
#ifndef TICKSTOCKAPP_POLYGON_TICKER_INDEX_H_
#define TICKSTOCKAPP_POLYGON_TICKER_INDEX_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tickstock/types.h"

namespace tickstock::app {

class TickerIndex {
 public:
  // Why the last new ticker was refused.
  enum class Refusal : std::uint8_t {
    Grammar,  // not a symbol (check_symbol says why)
    Limit,    // new, and the symbol table is full
  };

  // REQUIRES: `symbols` outlives the index.
  explicit TickerIndex(SymbolTable& symbols) : symbols_(symbols) {}

  // The Symbol of `name`, or the empty Symbol when it was refused (refusal() says why).
  // REQUIRES: the 8 bytes at name.data() are readable whatever name's length (the name lies in
  // a padded buffer: the frame or simdjson's string buffer).
  Symbol find_or_add(std::string_view name) {
    // Tickers of up to 7 bytes (nearly all) are found in an open-addressing table keyed by
    // their bytes and length as one integer (never 0, the empty slot); longer ones in a map.
    if (name.size() >= 8 || name.empty()) [[unlikely]]
      return find_or_add_long(name);
    std::uint64_t key;
    std::memcpy(&key, name.data(), sizeof key);
    key =
        (key & ((std::uint64_t{1} << (8 * name.size())) - 1)) | (std::uint64_t{name.size()} << 56);
    for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.key == key) return slot.symbol;
      if (slot.key == 0) break;
    }
    return add_short(key, name);
  }
  Refusal refusal() const { return refusal_; }
  const SymbolTable& symbols() const { return symbols_; }

 private:
  struct Slot {
    std::uint64_t key = 0;  // the ticker's bytes and length; 0 = empty
    Symbol symbol;
  };
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const;
  };

  std::size_t slot_of(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 52) & mask_;
  }
  Symbol add_short(std::uint64_t key, std::string_view name);
  Symbol find_or_add_long(std::string_view name);
  // A ticker not met before: checked, then made (or found) in the table.
  Symbol new_symbol(std::string_view name);
  void insert(std::uint64_t key, Symbol sym);
  void grow();

  SymbolTable& symbols_;
  std::vector<Slot> slots_ = std::vector<Slot>(4096);  // a power of two
  std::size_t mask_ = 4095;
  std::size_t short_count_ = 0;
  std::unordered_map<std::string_view, Symbol, ViewHash, std::equal_to<>> long_;
  Refusal refusal_ = Refusal::Grammar;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_TICKER_INDEX_H_
