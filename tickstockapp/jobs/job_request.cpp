#include "jobs/job_request.h"

#include "tickstock/calendar.h"
#include "tickstock/patterns.h"

namespace tickstock::app {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::size_t kMaxSymbols = 10'000;
constexpr std::size_t kMaxRequestIdBytes = 128;

Result<std::string_view> text(object o, std::string_view key, std::size_t max_bytes) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS || s.empty() || s.size() > max_bytes) {
    return fail("field '", key, "': expected a string of 1 to ", std::to_string(max_bytes),
                " characters");
  }
  return s;
}

Result<Timestamp> time_field(object o, std::string_view key) {
  auto s = text(o, key, 40);
  if (!s) return s.error();
  const auto t = parse_timestamp(*s);
  if (!t || *t < kMinEventTime || *t > kMaxEventTime)
    return fail("field '", key, "': '", printable(*s), "' is not a date or ISO-8601 time");
  return *t;
}

Result<std::vector<std::string>> symbol_list(object o) {
  array a;
  if (o["symbols"].get_array().get(a) != simdjson::SUCCESS || a.size() == 0 ||
      a.size() > kMaxSymbols) {
    return fail("field 'symbols': expected an array of 1 to ", std::to_string(kMaxSymbols),
                " symbols");
  }
  std::vector<std::string> out;
  for (element e : a) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS)
      return fail("field 'symbols': ", shown(e), " is not a symbol");
    if (auto ok = check_symbol("symbols", s); !ok) return ok.error();
    out.emplace_back(s);
  }
  return out;
}

Result<void> backtest_fields(object o) {
  element patterns;
  if (o["patterns"].get(patterns) == simdjson::SUCCESS) {
    array a;
    if (patterns.get_array().get(a) != simdjson::SUCCESS) {
      return fail("field 'patterns': expected an array of TA-Lib pattern names");
    }
    for (element e : a) {
      std::string_view name;
      if (e.get_string().get(name) != simdjson::SUCCESS || !find_pattern(name)) {
        return fail("field 'patterns': ", shown(e),
                    " is not a TA-Lib pattern name (e.g. CDLENGULFING)");
      }
    }
  }
  for (const char* key : {"params", "parameters"}) {
    element params;
    if (o[key].get(params) == simdjson::SUCCESS && !params.is_object()) {
      return fail("field '", key, "': expected an object");
    }
  }
  return {};
}

}  // namespace

Result<JobRequest> JobRequestParser::parse(std::string_view job_type, std::string_view message,
                                           std::string& request_id) {
  request_id.clear();
  auto read = reader_.read(message);
  if (!read) return read.error();
  const object o = *read;
  // The original application's form: {"type":"backtest_job","job_id",...,"start_date",
  // "end_date","parameters"}; its job_id is the request_id.
  std::string_view type;
  const bool original = job_type == "backtest" &&
                        o["type"].get_string().get(type) == simdjson::SUCCESS &&
                        type == "backtest_job";
  std::int64_t original_id = 0;
  if (original && o["job_id"].get_int64().get(original_id) == simdjson::SUCCESS) {
    request_id = std::to_string(original_id);
  } else if (const char* key = original ? "job_id" : "request_id";
             o[key].error() != simdjson::NO_SUCH_FIELD) {
    auto id = text(o, key, kMaxRequestIdBytes);
    if (!id) return id.error();
    request_id.assign(*id);
  }
  JobRequest r;
  r.job_type = job_type;
  r.request_id = request_id;
  auto symbols = symbol_list(o);
  if (!symbols) return symbols.error();
  r.symbols = std::move(*symbols);
  auto tf = original && o["timeframe"].error() == simdjson::NO_SUCH_FIELD
                ? Result<std::string_view>(std::string_view("daily"))
                : text(o, "timeframe", 16);
  if (!tf) return tf.error();
  const auto timeframe = parse_timeframe(*tf);
  if (!timeframe) {
    return fail("field 'timeframe': '", *tf, "' is not one of 1min 5min 15min 30min hourly ",
                "4hour daily");
  }
  r.timeframe = *timeframe;
  auto start = time_field(o, original ? "start_date" : "start");
  if (!start) return start.error();
  auto end = time_field(o, original ? "end_date" : "end");
  if (!end) return end.error();
  if (*end < *start) return fail("field '", original ? "end_date" : "end", "': before 'start'");
  r.start = *start;
  r.end = *end;
  if (job_type == "backtest") {
    if (auto b = backtest_fields(o); !b) return b.error();
  } else if (o["source"].error() != simdjson::NO_SUCH_FIELD) {
    if (auto src = text(o, "source", 64); !src) return src.error();
  }
  r.params.assign(message);
  return r;
}

std::pair<Timestamp, Timestamp> request_range(const JobRequest& r) {
  constexpr Timestamp kDay = 24 * kNanosPerHour;
  // A date-only time is UTC midnight (as parse_timestamp reads "2023-01-31").
  auto new_york_day = [](Timestamp t, int add_days) {
    return t % kDay != 0 ? t : new_york_midnight(civil_from_days(t / kDay + add_days));
  };
  return {new_york_day(r.start, 0), new_york_day(r.end, 1) - (r.end % kDay == 0 ? 1 : 0)};
}

}  // namespace tickstock::app
