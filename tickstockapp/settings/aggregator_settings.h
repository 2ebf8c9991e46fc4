// The bar-building settings that `serve` and `aggregate` share, declared and parsed once so
// that both commands build bars the same way from the same flags.
#ifndef TICKSTOCKAPP_SETTINGS_AGGREGATOR_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_AGGREGATOR_SETTINGS_H_

#include "tickstock/bar_aggregator.h"

#include "settings/settings.h"

namespace tickstock::app {

// Declares --grace-ms, --lateness-s, --regular-only and --daily-extended.
void declare_aggregator_settings(Settings& s);
// AggregatorOptions from those settings, validated; the error names the flag and value.
Result<AggregatorOptions> aggregator_options(const Settings& s);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_AGGREGATOR_SETTINGS_H_
