#include "settings/aggregator_settings.h"

namespace tickstock::app {

void declare_aggregator_settings(Settings& s) {
  s.add("--grace-ms", "TICKSTOCK_GRACE_MS", "2000", "a bar closes this long after its end");
  s.add("--lateness-s", "TICKSTOCK_LATENESS_S", "300",
        "ticks up to this old (vs the latest seen) still revise their bar");
  s.add_switch("--regular-only", "TICKSTOCK_REGULAR_ONLY",
               "intraday bars without pre/post-market trades");
  s.add_switch("--daily-extended", "TICKSTOCK_DAILY_EXTENDED",
               "daily bars cover the whole New York day instead of 09:30-16:00");
}

Result<AggregatorOptions> aggregator_options(const Settings& s) {
  auto grace = s.get_int("--grace-ms", 0, 3'600'000);
  if (!grace) return grace.error();
  auto late = s.get_int("--lateness-s", 0, 1800);
  if (!late) return late.error();
  AggregatorOptions o;
  o.close_grace = *grace * 1'000'000;
  o.allowed_lateness = *late * kNanosPerSecond;
  o.intraday_extended_hours = !s.on("--regular-only");
  o.daily_extended_hours = s.on("--daily-extended");
  if (auto v = validate(o); !v) return v.error();
  return o;
}

}  // namespace tickstock::app
