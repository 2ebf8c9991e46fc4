// Secrets out of log lines: the library's redaction (tickstock/redact.h), which its PostgreSQL
// readers use too, under the names the app's code calls it by.
#ifndef TICKSTOCKAPP_BASE_REDACT_H_
#define TICKSTOCKAPP_BASE_REDACT_H_

#include "tickstock/redact.h"

namespace tickstock::app {

using tickstock::libpq_url;
using tickstock::redact_url;

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_REDACT_H_
