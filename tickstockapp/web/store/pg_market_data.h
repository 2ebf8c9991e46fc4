// MarketData from the tables serve stores into (symbols, symbol groups, ohlcv_*,
// pattern_detections, indicator_values).
#ifndef TICKSTOCKAPP_WEB_STORE_PG_MARKET_DATA_H_
#define TICKSTOCKAPP_WEB_STORE_PG_MARKET_DATA_H_

#include "web/store/market_data.h"
#include "web/store/pg_pool.h"

namespace tickstock::app {

// Thread-safe. Every value reaches PostgreSQL as a parameter, never as SQL text.
class PgMarketData final : public MarketData {
 public:
  // REQUIRES: `pool` outlives this.
  explicit PgMarketData(PgPool& pool) : pool_(pool) {}
  Result<std::vector<SymbolRow>> symbols(const std::string& prefix, int limit) override;
  Result<std::vector<UniverseRow>> universes() override;
  Result<std::vector<BarRow>> bars(const BarQuery& q) override;
  Result<PatternPage> patterns(const PatternQuery& q) override;
  Result<std::vector<IndicatorRow>> indicators(const BarQuery& q) override;

 private:
  PgPool& pool_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_PG_MARKET_DATA_H_
