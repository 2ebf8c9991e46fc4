// Umbrella header: everything a program needs to run the TickStock engine.
#ifndef TICKSTOCK_TICKSTOCK_H_
#define TICKSTOCK_TICKSTOCK_H_

#include "tickstock/bar_aggregator.h"   // IWYU pragma: export
#include "tickstock/calendar.h"         // IWYU pragma: export
#include "tickstock/candle_settings.h"  // IWYU pragma: export
#include "tickstock/clock.h"            // IWYU pragma: export
#include "tickstock/csv_reader.h"       // IWYU pragma: export
#include "tickstock/indicators.h"       // IWYU pragma: export
#include "tickstock/patterns.h"         // IWYU pragma: export
#include "tickstock/result.h"           // IWYU pragma: export
#include "tickstock/scanner.h"          // IWYU pragma: export
#include "tickstock/sink.h"             // IWYU pragma: export
#include "tickstock/types.h"            // IWYU pragma: export

#endif  // TICKSTOCK_TICKSTOCK_H_
