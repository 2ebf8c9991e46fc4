#include "polygon/history_backfill.h"

#include "db/bar_store.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kMaxErrors = 20;

}  // namespace

HistoryReport backfill_history(PolygonRest& rest, PGconn* c, const HistoryRequest& r,
                               const std::function<void(std::size_t, std::size_t, std::uint64_t,
                                                        const std::string&)>& progress,
                               const std::atomic<bool>* cancel) {
  HistoryReport out;
  SymbolTable symbols;
  for (std::size_t i = 0; i < r.symbols.size(); ++i) {
    if (cancel != nullptr && *cancel) {
      out.cancelled = true;
      break;
    }
    const std::string& sym = r.symbols[i];
    auto got = rest.aggregates(symbols, sym, r.timeframe, r.from, r.to);
    Result<std::uint64_t> st =
        got ? store_bars(c, r.timeframe, *got) : Result<std::uint64_t>(got.error());
    if (!st) {
      ++out.failed;
      if (out.errors.size() < kMaxErrors) out.errors.push_back(st.error().message);
    } else {
      ++out.symbols_done;
      out.bars += got->size();
      out.stored += *st;
    }
    if (progress) progress(i + 1, r.symbols.size(), out.bars, sym);
  }
  return out;
}

}  // namespace tickstock::app
