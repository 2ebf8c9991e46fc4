// warm_start(): one streamed query per bar table to prime the scanner, one for the minutes of
// the open bars.
#include <chrono>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/pg_query.h"
#include "tickstock/pg_schema.h"

#include "pg/pg_rows.h"

namespace tickstock {
namespace {

// The columns every query selects, in this order. A daily row starts at the New York midnight
// of its trading date (what the aggregator resumes), whatever its ts says (rows stored before
// sql/005 may say otherwise); its session is its regular one.
std::string columns(Timeframe tf) {
  return std::string(tf == Timeframe::D1
                         ? "(extract(epoch FROM b.trading_date::timestamp AT TIME ZONE "
                           "'America/New_York') * 1000000)::bigint, 'regular'"
                         : "(extract(epoch FROM b.ts) * 1000000)::bigint, b.session") +
         ", b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trades, b.revision";
}

// A bar from row `r` of a query selecting symbol and then columns(); nullopt when its symbol is
// new and the table is full (--max-symbols: counted in SymbolTable::refused()).
std::optional<Bar> bar_of(const PGresult* r, Timeframe tf, SymbolTable& symbols) {
  auto num = [&](int col) { return std::strtod(PQgetvalue(r, 0, col), nullptr); };
  const auto symbol = symbols.try_intern(PQgetvalue(r, 0, 0));
  if (!symbol) return std::nullopt;
  Bar b;
  b.symbol = *symbol;
  b.timeframe = tf;
  b.start = std::strtoll(PQgetvalue(r, 0, 1), nullptr, 10) * 1000;
  b.session = detail::session_of(PQgetvalue(r, 0, 2));
  b.open = num(3);
  b.high = num(4);
  b.low = num(5);
  b.close = num(6);
  b.volume = num(7);
  b.vwap = PQgetisnull(r, 0, 8) ? b.close : num(8);
  b.trade_count = static_cast<std::uint32_t>(std::strtoul(PQgetvalue(r, 0, 9), nullptr, 10));
  b.revision = static_cast<std::uint32_t>(std::strtoul(PQgetvalue(r, 0, 10), nullptr, 10));
  return b;
}

}  // namespace

Result<WarmStartReport> warm_start(PGconn* c, const WarmStartOptions& o, SymbolTable& symbols,
                                   Scanner& scanner, BarAggregator& aggregator) {
  const auto t0 = std::chrono::steady_clock::now();
  WarmStartReport report;
  // The newest stored bar of each (symbol, timeframe), by symbol id.
  std::unordered_map<std::uint32_t, std::vector<Bar>> newest;
  const std::string limit = std::to_string(o.bars_per_series);
  for (int i = 0; i < kTimeframeCount; ++i) {
    const auto tf = static_cast<Timeframe>(i);
    const char* order = tf == Timeframe::D1 ? "trading_date" : "ts";
    // Per active symbol through its primary key: the newest bars, then in time order.
    const std::string sql = "SELECT s.symbol, " + columns(tf) +
                            " FROM symbols s CROSS JOIN LATERAL (SELECT * FROM " + bar_table(tf) +
                            " x WHERE x.symbol = s.symbol ORDER BY x." + order +
                            " DESC LIMIT $1) b WHERE s.active ORDER BY s.symbol, b." + order;
    Symbol last;
    auto r = pg_stream(
        c, sql, {o.bars_per_series < 0 ? nullptr : limit.c_str()},
        [&](const PGresult* row) {
          const auto bar = bar_of(row, tf, symbols);
          if (!bar) return;
          const Bar& b = *bar;
          scanner.prime(b);
          ++report.bars;
          if (!(b.symbol == last)) {
            ++report.series;
            last = b.symbol;
            newest[b.symbol.id()].push_back(b);
          } else {
            newest[b.symbol.id()].back() = b;
          }
        },
        std::string("warm start: reading ") + bar_table(tf));
    if (!r) return r.error();
  }
  // The minutes of every symbol's open bars.
  std::vector<std::string> names, since;
  std::unordered_map<std::string, std::vector<Bar>*> higher_of;
  for (auto& [id, bars] : newest) {
    for (const Bar& b : bars) {
      if (b.timeframe != Timeframe::M1) continue;
      names.emplace_back(b.symbol.name());
      since.push_back(std::to_string(aggregator.resume_from(b.start) / 1000));
      higher_of[names.back()] = &bars;
    }
  }
  if (names.empty()) {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  }
  const std::string names_param = pg_text_array(names);
  const std::string since_param = "{" + [&] {
    std::string s;
    for (const std::string& x : since) s += (s.empty() ? "" : ",") + x;
    return s;
  }() + "}";
  const std::string sql =
      "SELECT q.symbol, " + columns(Timeframe::M1) +
      " FROM unnest($1::text[], $2::bigint[]) AS q(symbol, since_us) CROSS JOIN LATERAL (SELECT "
      "* FROM " +
      std::string(bar_table(Timeframe::M1)) +
      " x WHERE x.symbol = q.symbol AND x.ts >= timestamptz 'epoch' + "
      "q.since_us * interval '1 microsecond' ORDER BY x.ts) b ORDER BY q.symbol, b.ts";
  std::vector<Bar> minutes;
  auto resume = [&] {
    if (minutes.empty()) return;
    aggregator.resume(minutes, *higher_of[std::string(minutes.back().symbol.name())]);
    ++report.symbols;
    report.minutes += minutes.size();
    minutes.clear();
  };
  auto r = pg_stream(
      c, sql, {names_param.c_str(), since_param.c_str()},
      [&](const PGresult* row) {
        const auto bar = bar_of(row, Timeframe::M1, symbols);
        if (!bar) return;
        const Bar& b = *bar;
        if (!minutes.empty() && !(minutes.back().symbol == b.symbol)) resume();
        minutes.push_back(b);
      },
      "warm start: reading the minutes of the open bars");
  if (!r) return r.error();
  resume();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace tickstock
