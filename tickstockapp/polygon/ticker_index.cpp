#include "polygon/ticker_index.h"

namespace tickstock::app {

std::size_t TickerIndex::ViewHash::operator()(std::string_view s) const {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a: tickers are a few bytes
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

Symbol TickerIndex::add_short(std::uint64_t key, std::string_view name) {
  const Symbol sym = new_symbol(name);
  if (!sym) return sym;
  if (++short_count_ * 2 > slots_.size()) grow();
  insert(key, sym);
  return sym;
}

Symbol TickerIndex::find_or_add_long(std::string_view name) {
  if (auto it = long_.find(name); it != long_.end()) return it->second;
  const Symbol sym = new_symbol(name);
  if (sym) long_.emplace(sym.name(), sym);  // the table's copy of the name never moves
  return sym;
}

Symbol TickerIndex::new_symbol(std::string_view name) {
  if (!is_valid_symbol(name)) {
    refusal_ = Refusal::Grammar;
    return {};
  }
  const auto sym = symbols_.try_intern(name);
  if (!sym) {
    refusal_ = Refusal::Limit;
    return {};
  }
  return *sym;
}

void TickerIndex::insert(std::uint64_t key, Symbol sym) {
  std::size_t i = slot_of(key);
  while (slots_[i].key != 0) i = (i + 1) & mask_;
  slots_[i] = Slot{key, sym};
}

void TickerIndex::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.resize(old.size() * 2);
  mask_ = slots_.size() - 1;
  for (const Slot& s : old)
    if (s.key != 0) insert(s.key, s.symbol);
}

}  // namespace tickstock::app
