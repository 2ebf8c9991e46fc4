// The JSON payloads of schema version 1 (docs/redis-events.md): one function per kind of
// event, each writing the common envelope and then the event's fields.
#ifndef TICKSTOCK_REDIS_EVENT_PAYLOAD_H_
#define TICKSTOCK_REDIS_EVENT_PAYLOAD_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "tickstock/redis_events.h"
#include "tickstock/scanner.h"
#include "tickstock/types.h"

namespace tickstock::detail {

// What every payload starts with besides schema_version and event_type.
struct Envelope {
  std::string_view source;  // who published ("tickstockpl")
  Timestamp at = 0;         // when the event was given to the sink, UTC ns
  std::uint64_t seq = 0;    // from 1 per sink, in the order events were accepted
};

// A pattern event with the close and volume of its bar (NaN when the bar was not seen);
// `high_confidence` also sends it to :patterns:streaming and :patterns:detected.
struct PatternItem {
  PatternEvent event;
  double price = 0;
  double volume = 0;
  bool high_confidence = false;
};

// An alert with the close and volume of its bar; `critical` also sends it to :alerts:critical.
struct AlertItem {
  AlertEvent event;
  double price = 0;
  double volume = 0;
  bool critical = false;
};

// The indicator values of one scanned bar.
struct IndicatorsItem {
  Bar bar;
  std::array<double, kFieldCount> values{};
};

// The payload's "timeframe": 1min 5min 15min 30min hourly 4hour daily.
std::string_view payload_timeframe(Timeframe tf);
// Appends "2024-01-02T14:35:02.123456Z" (always six fraction digits).
void append_timestamp_us(std::string& out, Timestamp t);

// Each replaces the contents of `out` with one payload.
void write_payload(std::string& out, const Envelope& env, const PatternItem& item);
void write_payload(std::string& out, const Envelope& env, const AlertItem& item);
void write_payload(std::string& out, const Envelope& env, const IndicatorsItem& item);
void write_payload(std::string& out, const Envelope& env, const Bar& bar);
void write_payload(std::string& out, const Envelope& env, const ErrorReport& r);
// The envelope with `event_type`, then `members` (JSON object members, "" for none).
void write_payload(std::string& out, const Envelope& env, std::string_view event_type,
                   std::string_view members);

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_EVENT_PAYLOAD_H_
