// PgMarketData: one parameterised query per call. Times travel as epoch microseconds.
#include "web/store/pg_market_data.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "tickstock/pg_sink.h"

namespace tickstock::app {
namespace {

constexpr Timestamp kNanosPerMicro = 1000;

std::int64_t int_at(const PGresult* r, int row, int col) {
  return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}
double real_at(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0 : std::strtod(PQgetvalue(r, row, col), nullptr);
}
// Seconds since the epoch as text, for to_timestamp(); far bounds are clamped to sane years.
std::string seconds(Timestamp ns) {
  constexpr Timestamp kMax = 100'000'000'000LL * 1'000'000LL;  // year ~5000, in us
  const Timestamp us = std::clamp<Timestamp>(ns / kNanosPerMicro, 0, kMax);
  return std::to_string(us / 1'000'000) + "." +
         std::to_string(1'000'000 + us % 1'000'000).substr(1);
}

}  // namespace

Result<std::vector<SymbolRow>> PgMarketData::symbols(const std::string& prefix, int limit) {
  auto r = pool_.query(
      "SELECT symbol, coalesce(name, ''), type, coalesce(exchange, ''), active FROM symbols "
      "WHERE starts_with(upper(symbol), upper($1)) ORDER BY symbol LIMIT $2",
      {prefix, std::to_string(limit)}, "listing symbols");
  if (!r) return r.error();
  std::vector<SymbolRow> out;
  for (int i = 0; i < PQntuples(r->get()); ++i)
    out.push_back({PQgetvalue(r->get(), i, 0), PQgetvalue(r->get(), i, 1),
                   PQgetvalue(r->get(), i, 2), PQgetvalue(r->get(), i, 3),
                   std::string(PQgetvalue(r->get(), i, 4)) == "t"});
  return out;
}

Result<std::vector<UniverseRow>> PgMarketData::universes() {
  auto r = pool_.query(
      "SELECT g.name, g.kind, coalesce(g.description, ''), coalesce(string_agg(m.symbol, ',' "
      "ORDER BY m.symbol), '') FROM symbol_groups g LEFT JOIN symbol_group_members m ON "
      "m.group_name = g.name GROUP BY g.name, g.kind, g.description ORDER BY g.name",
      {}, "listing universes");
  if (!r) return r.error();
  std::vector<UniverseRow> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    UniverseRow u{
        PQgetvalue(r->get(), i, 0), PQgetvalue(r->get(), i, 1), PQgetvalue(r->get(), i, 2), {}};
    std::stringstream in(PQgetvalue(r->get(), i, 3));
    for (std::string s; std::getline(in, s, ',');) u.symbols.push_back(s);
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::vector<BarRow>> PgMarketData::bars(const BarQuery& q) {
  // The table name comes from the Timeframe enum, never from the request.
  const std::string table = bar_table(q.timeframe);
  auto r = pool_.query(
      "SELECT us, open, high, low, close, volume, vwap, trades, revision FROM (SELECT "
      "(extract(epoch FROM ts) * 1000000)::bigint AS us, open, high, low, close, volume, vwap, "
      "trades, revision FROM " +
          table +
          " WHERE symbol = $1 AND ts >= to_timestamp($2::double precision) AND ts <= "
          "to_timestamp($3::double precision) ORDER BY ts DESC LIMIT $4) b ORDER BY us",
      {q.symbol, seconds(q.from), seconds(q.to), std::to_string(q.limit)}, "reading bars");
  if (!r) return r.error();
  std::vector<BarRow> out;
  const PGresult* p = r->get();
  for (int i = 0; i < PQntuples(p); ++i)
    out.push_back({int_at(p, i, 0) * kNanosPerMicro, real_at(p, i, 1), real_at(p, i, 2),
                   real_at(p, i, 3), real_at(p, i, 4), real_at(p, i, 5), real_at(p, i, 6),
                   int_at(p, i, 7), static_cast<std::uint32_t>(int_at(p, i, 8))});
  return out;
}

Result<PatternPage> PgMarketData::patterns(const PatternQuery& q) {
  const std::string tf = q.timeframe ? std::string(timeframe_name(*q.timeframe)) : "";
  const std::string cursor_us = q.cursor ? std::to_string(q.cursor->first / kNanosPerMicro) : "";
  const std::string cursor_id = q.cursor ? std::to_string(q.cursor->second) : "";
  auto r = pool_.query(
      "SELECT id, symbol, timeframe, (extract(epoch FROM bar_start) * 1000000)::bigint, pattern, "
      "output, direction, confidence, price, volume, revision FROM pattern_detections WHERE "
      "($1 = '' OR symbol = $1) AND ($2 = '' OR pattern = $2) AND ($3 = '' OR timeframe = $3) "
      "AND confidence >= $4::double precision AND bar_start >= to_timestamp($5::double "
      "precision) AND ($6 = '' OR (bar_start, id) < (to_timestamp(nullif($6, '')::double "
      "precision / 1000000), nullif($7, '')::bigint)) ORDER BY bar_start DESC, id DESC LIMIT $8",
      {q.symbol, q.pattern, tf, std::to_string(q.min_confidence), seconds(q.since), cursor_us,
       cursor_id, std::to_string(q.limit + 1)},
      "reading pattern detections");
  if (!r) return r.error();
  PatternPage page;
  const PGresult* p = r->get();
  for (int i = 0; i < PQntuples(p); ++i) {
    if (i == q.limit) {
      page.next = std::make_pair(page.items.back().bar_start, page.items.back().id);
      break;
    }
    PatternRow row;
    row.id = int_at(p, i, 0);
    row.symbol = PQgetvalue(p, i, 1);
    row.timeframe = parse_timeframe(PQgetvalue(p, i, 2)).value_or(Timeframe::M1);
    row.bar_start = int_at(p, i, 3) * kNanosPerMicro;
    row.pattern = PQgetvalue(p, i, 4);
    row.output = static_cast<int>(int_at(p, i, 5));
    row.direction = PQgetvalue(p, i, 6);
    row.confidence = real_at(p, i, 7);
    row.price = real_at(p, i, 8);
    row.volume = real_at(p, i, 9);
    row.revision = static_cast<std::uint32_t>(int_at(p, i, 10));
    page.items.push_back(std::move(row));
  }
  return page;
}

Result<std::vector<IndicatorRow>> PgMarketData::indicators(const BarQuery& q) {
  auto r = pool_.query(
      "SELECT us, v FROM (SELECT (extract(epoch FROM bar_start) * 1000000)::bigint AS us, "
      "jsonb_strip_nulls(to_jsonb(i) - 'symbol' - 'timeframe' - 'bar_start' - 'revision' - "
      "'updated_at')::text AS v FROM indicator_values i WHERE symbol = $1 AND timeframe = $2 AND "
      "bar_start >= to_timestamp($3::double precision) AND bar_start <= to_timestamp($4::double "
      "precision) ORDER BY bar_start DESC LIMIT $5) x ORDER BY us",
      {q.symbol, std::string(timeframe_name(q.timeframe)), seconds(q.from), seconds(q.to),
       std::to_string(q.limit)},
      "reading indicator values");
  if (!r) return r.error();
  std::vector<IndicatorRow> out;
  for (int i = 0; i < PQntuples(r->get()); ++i)
    out.push_back({int_at(r->get(), i, 0) * kNanosPerMicro, PQgetvalue(r->get(), i, 1)});
  return out;
}

}  // namespace tickstock::app
