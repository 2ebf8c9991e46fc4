// /api/backtests: submit, list, read and cancel backtest jobs, and the limits and defaults a
// form needs (/config). The request is the one tickstock.jobs.backtest takes, checked by the
// same code the runner uses, so a job accepted here does not fail on its parameters later.
#include <string>

#include "tickstock/backtest.h"
#include "tickstock/patterns.h"

#include "base/json_out.h"
#include "jobs/backtest_job.h"
#include "jobs/job_request.h"
#include "web/api/api.h"
#include "web/api/api_backtest_util.h"
#include "web/api/api_params.h"

namespace tickstock::app {
namespace {

void write_job(JsonOut& j, const BacktestJobRow& row, bool with_params) {
  j.begin_object();
  j.field("id", row.id);
  j.field("status", row.status);
  j.field("progress", row.progress);
  j.field("request_id", row.request_id);
  j.key("user_id");
  if (row.user_id == 0) {
    j.null();
  } else {
    j.value(row.user_id);
  }
  j.field("created_at", iso_seconds(row.created_at));
  j.field("started_at", iso_seconds(row.started_at));
  j.field("finished_at", iso_seconds(row.finished_at));
  j.field("error", row.error);
  j.field("cancel_requested", row.cancel_requested);
  j.field("attempts", row.attempts);
  j.field("data_fingerprint", row.data_fingerprint);
  j.key("params");
  j.raw(with_params ? row.params : summary_params(row.params));
  j.key("results");
  if (row.result.empty()) {
    j.null();
  } else {
    j.raw(row.result);
  }
  if (row.status == "done") {
    const std::string base = "/api/backtests/" + std::to_string(row.id);
    j.key("links");
    j.begin_object();
    j.field("stats", base + "/stats");
    j.field("csv", base + "/stats?format=csv");
    j.field("json", base + "/results.json");
    j.field("trades", base + "/trades");
    j.field("equity", base + "/equity");
    j.field("html", base + "/report.html");
    j.end_object();
  }
  j.end_object();
}

void write_strategy_defaults(JsonOut& j) {
  const StrategyOptions s;
  j.key("strategy");
  j.begin_object();
  j.field("initial_capital", s.initial_capital);
  j.field("commission", s.commission);
  j.field("slippage", s.slippage);
  j.field("max_position", s.max_position);
  j.field("stop_loss", s.stop_loss);
  j.field("take_profit", s.take_profit);
  j.field("max_hold_bars", s.max_hold_bars);
  j.field("allow_short", s.allow_short);
  j.field("intrabar", intrabar_name(s.intrabar));
  j.end_object();
}

// A range of a number [lo, hi] (or (lo, hi) / [lo, hi) as `bounds` says).
void write_range(JsonOut& j, const char* name, double lo, double hi, const char* bounds) {
  j.key(name);
  j.begin_object();
  j.field("min", lo);
  j.field("max", hi);
  j.field("bounds", bounds);
  j.end_object();
}

}  // namespace

HttpResponse api_backtest_config(ApiContext&, ApiCall& call) {
  if (auto e = only_params(call, {})) return *e;
  const BacktestOptions d;
  JsonOut j;
  j.begin_object();
  j.key("limits");
  j.begin_object();
  j.field("max_symbols", 50);
  j.field("max_days", 1826);
  j.field("max_horizons", 8);
  j.field("max_horizon", 500);
  j.field("max_queued_per_user", kMaxQueuedBacktestsPerUser);
  write_range(j, "commission", 0, 0.05, "[)");
  write_range(j, "slippage", 0, 0.05, "[)");
  write_range(j, "min_confidence", 0, 1, "[]");
  write_range(j, "initial_capital", 1000, 1e10, "[]");
  write_range(j, "max_position", 0, 1, "(]");
  write_range(j, "stop_loss", 0, 1, "()");
  write_range(j, "take_profit", 0, 10, "(]");
  j.end_object();
  j.key("defaults");
  j.begin_object();
  j.key("timeframes");
  j.begin_array();
  for (const Timeframe tf : d.timeframes) j.value(timeframe_name(tf));
  j.end_array();
  j.key("horizons");
  j.begin_array();
  for (const int h : d.horizons) j.value(h);
  j.end_array();
  j.field("entry", "next_open");
  j.field("hit_threshold", "zero");
  j.field("min_confidence", d.min_confidence);
  j.field("warmup_bars", d.warmup_bars);
  j.field("session_bound", d.session_bound);
  write_strategy_defaults(j);
  j.end_object();
  j.key("timeframes");
  j.begin_array();
  for (int tf = 0; tf < kTimeframeCount; ++tf) j.value(timeframe_name(static_cast<Timeframe>(tf)));
  j.end_array();
  j.key("patterns");
  j.begin_array();
  for (const PatternInfo& p : pattern_catalogue()) {
    j.begin_object();
    j.field("pattern", p.talib_name);
    j.field("name", p.display_name);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_backtest_submit(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  const std::string_view type = call.req.header("content-type");
  if (type.substr(0, type.find(';')) != "application/json")
    return json_error(415, "unsupported_media_type", "send the body as application/json");
  JobRequestParser parser;
  std::string request_id;
  auto request = parser.parse("backtest", call.req.body, request_id);
  if (!request) return json_error(400, "bad_request", request.error().message);
  if (auto options = backtest_options_from(call.req.body, 1); !options)
    return json_error(400, "bad_request", options.error().message);
  auto id = ctx.backtests->submit(call.session->user.id, request->params);
  if (!id) return internal_error(id.error());
  if (!*id) {
    HttpResponse r = json_error(429, "too_many_jobs",
                                "at most " + std::to_string(kMaxQueuedBacktestsPerUser) +
                                    " queued backtests per user: wait for one to start, or "
                                    "cancel one");
    r.headers.emplace_back("Retry-After", "10");
    return r;
  }
  JsonOut j;
  j.begin_object();
  j.field("job_id", **id);
  j.field("status", "queued");
  j.field("request_id", request_id);
  j.end_object();
  HttpResponse r = json_ok(j.take(), 201);
  r.headers.emplace_back("Location", "/api/backtests/" + std::to_string(**id));
  return r;
}

HttpResponse api_backtest_list(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  if (auto e = only_params(call, {"status", "limit", "cursor"})) return *e;
  std::string status;
  if (const std::string* s = call.req.param("status")) {
    if (*s != "queued" && *s != "running" && *s != "done" && *s != "failed" && *s != "cancelled")
      return json_error(400, "bad_request",
                        "status must be queued, running, done, failed or cancelled, not '" +
                            quote_value(*s) + "'");
    status = *s;
  }
  int limit = 20;
  std::int64_t cursor = 0;
  if (auto e = int_param(call.req, "limit", 1, 100, limit)) return *e;
  if (auto e = int_param(call.req, "cursor", 1, INT64_MAX, cursor)) return *e;
  auto rows = ctx.backtests->list(job_scope(call), status, limit, cursor);
  if (!rows) return internal_error(rows.error());
  JsonOut j;
  j.begin_object();
  j.key("items");
  j.begin_array();
  for (const BacktestJobRow& row : *rows) write_job(j, row, false);
  j.end_array();
  j.key("next");
  if (static_cast<int>(rows->size()) == limit) {
    j.value(std::to_string(rows->back().id));
  } else {
    j.null();
  }
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_backtest_get(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  if (auto e = only_params(call, {})) return *e;
  BacktestJobRow row;
  if (auto e = visible_job(ctx, call, call.path_params.at(0), row)) return *e;
  JsonOut j;
  j.begin_object();
  j.key("job");
  write_job(j, row, true);
  j.end_object();
  return json_ok(j.take());
}

HttpResponse api_backtest_cancel(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  std::int64_t id = 0;
  if (auto bad = id_segment(call.path_params.at(0), "the backtest id", id)) return *bad;
  auto outcome = ctx.backtests->cancel(job_scope(call), id);
  if (!outcome) return internal_error(outcome.error());
  using Outcome = BacktestJobs::CancelOutcome;
  switch (*outcome) {
    case Outcome::kNotFound:
      return json_error(404, "not_found", "you have no backtest with that id");
    case Outcome::kFinished:
      return json_error(409, "conflict", "the backtest has finished: nothing to cancel");
    case Outcome::kCancelled:
      return json_ok(R"({"job_id":)" + std::to_string(id) + R"(,"status":"cancelled"})");
    case Outcome::kRequested:
      return json_ok(R"({"job_id":)" + std::to_string(id) + R"(,"status":"cancelling"})", 202);
  }
  return json_error(500, "internal_error", "unknown cancel outcome");
}

}  // namespace tickstock::app
