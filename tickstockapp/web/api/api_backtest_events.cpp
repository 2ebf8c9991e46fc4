// /api/backtests/{id}/events?symbol&timeframe&pattern: the signals of one series of a job, with
// their forward returns, re-scanned on demand from the stored bars by the job's own options
// (the replay is deterministic: the same bars give the job's signals). For the chart a
// statistics cell opens: its symbol, timeframe and pattern, the newest 5,000.
#include <algorithm>
#include <string>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/patterns.h"
#include "tickstock/pg_bar_source.h"

#include "base/json_out.h"
#include "jobs/backtest_job.h"
#include "web/api/api.h"
#include "web/api/api_backtest_util.h"
#include "web/api/api_params.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kMaxEvents = 5000;

HttpResponse bad(const std::string& detail) { return json_error(400, "bad_request", detail); }

void write_signal(JsonOut& j, const SignalEvent& e) {
  j.begin_object();
  j.field("time", static_cast<std::int64_t>(e.bar_start / 1'000'000'000));
  j.field("start", format_iso8601(e.bar_start));
  j.field("pattern", pattern_info(e.pattern).talib_name);
  j.field("name", pattern_info(e.pattern).display_name);
  j.field("direction", signal_side_name(e.side));
  j.field("output", e.output);
  j.field("confidence", e.confidence);
  j.field("entry", e.entry);
  j.key("r");
  j.begin_array();
  for (const double r : e.returns) j.value(r);
  j.end_array();
  j.end_object();
}

}  // namespace

HttpResponse api_backtest_events(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  if (auto e = only_params(call, {"symbol", "timeframe", "pattern"})) return *e;
  BacktestJobRow job;
  if (auto e = visible_job(ctx, call, call.path_params.at(0), job)) return *e;
  if (job.status != "done")
    return json_error(409, "conflict", "the backtest is " + job.status + ": it has no signals yet");
  auto options = backtest_options_from(job.params, 1);
  if (!options) return internal_error(options.error());
  BacktestOptions o = std::move(*options);
  const std::string* s = call.req.param("symbol");
  const std::string symbol = s != nullptr ? parse_symbol(*s).value_or("") : o.symbols.front();
  if (std::find(o.symbols.begin(), o.symbols.end(), symbol) == o.symbols.end())
    return bad("symbol must be one of the job's symbols");
  Timeframe tf = o.timeframes.front();
  if (const std::string* t = call.req.param("timeframe")) {
    const auto parsed = parse_timeframe(*t);
    if (!parsed ||
        std::find(o.timeframes.begin(), o.timeframes.end(), *parsed) == o.timeframes.end())
      return bad("timeframe must be one of the job's timeframes");
    tf = *parsed;
  }
  if (const std::string* p = call.req.param("pattern")) {
    if (!find_pattern(*p)) return bad("pattern '" + quote_value(*p) + "' is not a TA-Lib name");
    o.patterns = {*p};
  }
  o.symbols = {symbol};
  o.timeframes = {tf};
  o.strategy.reset();
  o.keep_signals = true;
  auto source = make_pg_bar_source(ctx.backtests->database_url());
  if (!source) return internal_error(source.error());
  auto plan = plan_backtest(o, **source);
  if (!plan) return internal_error(plan.error());
  auto report = run_backtest(*plan, o, **source);
  if (!report) return internal_error(report.error());
  const auto& signals = report->signals;
  const std::size_t from = signals.size() > kMaxEvents ? signals.size() - kMaxEvents : 0;
  JsonOut j;
  j.begin_object();
  j.field("job_id", job.id);
  j.field("symbol", symbol);
  j.field("timeframe", timeframe_name(tf));
  j.key("horizons");
  j.begin_array();
  for (const int h : o.horizons) j.value(h);
  j.end_array();
  j.field("total", static_cast<std::int64_t>(signals.size()));
  j.key("items");
  j.begin_array();
  for (std::size_t i = from; i < signals.size(); ++i) write_signal(j, signals[i]);
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

}  // namespace tickstock::app
