#include "tickstock/types.h"

#include <cmath>

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

Symbol SymbolTable::intern(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(name); it != index_.end()) return Symbol(it->second);
  auto& e = entries_.emplace_back(
      detail::SymbolEntry{static_cast<std::uint32_t>(entries_.size()), std::string(name)});
  index_.emplace(std::string_view(e.name), &e);
  return Symbol(&e);
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

}  // namespace tickstock
