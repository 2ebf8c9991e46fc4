#include "tickstock/types.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tickstock {

std::string_view timeframe_name(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1:
      return "1m";
    case Timeframe::M5:
      return "5m";
    case Timeframe::M15:
      return "15m";
    case Timeframe::M30:
      return "30m";
    case Timeframe::H1:
      return "1h";
    case Timeframe::H4:
      return "4h";
    case Timeframe::D1:
      return "1d";
  }
  return "?";
}

std::optional<Timeframe> parse_timeframe(std::string_view t) {
  if (t == "1m" || t == "1min") return Timeframe::M1;
  if (t == "5m" || t == "5min") return Timeframe::M5;
  if (t == "15m" || t == "15min") return Timeframe::M15;
  if (t == "30m" || t == "30min") return Timeframe::M30;
  if (t == "1h" || t == "60m" || t == "60min" || t == "hourly") return Timeframe::H1;
  if (t == "4h" || t == "240m" || t == "4hour") return Timeframe::H4;
  if (t == "1d" || t == "D" || t == "daily") return Timeframe::D1;
  return std::nullopt;
}

std::string_view session_name(Session s) {
  switch (s) {
    case Session::Regular:
      return "regular";
    case Session::PreMarket:
      return "pre";
    case Session::PostMarket:
      return "post";
    case Session::Overnight:
      return "overnight";
  }
  return "?";
}

std::string_view tick_reject_name(TickReject r) {
  switch (r) {
    case TickReject::BadPrice:
      return "bad_price";
    case TickReject::BadSize:
      return "bad_size";
    case TickReject::NoSymbol:
      return "no_symbol";
    case TickReject::TooLate:
      return "too_late";
    case TickReject::OutsideSession:
      return "outside_session";
  }
  return "?";
}

std::optional<TickReject> validate(const Tick& tick) {
  if (!tick.symbol) return TickReject::NoSymbol;
  // Written so that NaN fails the comparison.
  if (!(tick.price > 0) || !std::isfinite(tick.price)) return TickReject::BadPrice;
  if (!(tick.size >= 0) || !std::isfinite(tick.size)) return TickReject::BadSize;
  return std::nullopt;
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = std::min(text.size(), max_bytes);
  out.reserve(n + 8);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (n < text.size()) out += "...";
  return out;
}

Result<void> check_symbol(std::string_view field, std::string_view text) {
  if (is_valid_symbol(text)) return {};
  std::string why;
  if (text.empty()) {
    why = "empty";
  } else if (text.size() > kMaxSymbolBytes) {
    why = std::to_string(text.size()) + " bytes, at most " + std::to_string(kMaxSymbolBytes);
  } else {
    const auto bad = std::find_if_not(text.begin(), text.end(), is_symbol_char);
    why = "byte " + std::to_string(bad - text.begin() + 1) + " is '" +
          printable(std::string_view(&*bad, 1)) + "'; allowed: letters, digits and . - : / ^ _";
  }
  return fail("field '", field, "': '", printable(text), "' is not a symbol (", why, ")");
}

std::optional<Symbol> SymbolTable::try_intern(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(name); it != index_.end()) return Symbol(it->second);
  if (entries_.size() >= capacity_) {
    ++refused_;
    return std::nullopt;
  }
  auto& e = entries_.emplace_back(
      detail::SymbolEntry{static_cast<std::uint32_t>(entries_.size()), std::string(name)});
  index_.emplace(std::string_view(e.name), &e);
  return Symbol(&e);
}

Symbol SymbolTable::intern(std::string_view name) {
  if (auto s = try_intern(name)) return *s;
  throw std::length_error("symbol table full (" + std::to_string(capacity_) +
                          " symbols): cannot add '" + printable(name) + "'");
}

std::optional<Symbol> SymbolTable::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(name); it != index_.end()) return Symbol(it->second);
  return std::nullopt;
}

std::size_t SymbolTable::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::uint64_t SymbolTable::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace tickstock
