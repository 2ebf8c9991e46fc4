// engine_version and engine_commit: what built a result (results.json: engine).
#include "tickstock/backtest.h"

#include "tickstock_commit.h"  // generated each build (cmake/tickstock_commit.cmake)

namespace tickstock {

std::string_view engine_version() { return TICKSTOCK_VERSION; }
std::string_view engine_commit() { return TICKSTOCK_COMMIT; }

}  // namespace tickstock
