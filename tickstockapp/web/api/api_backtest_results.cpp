// What a finished backtest left: /api/backtests/{id}/stats (the backtest_stats rows, filtered,
// sorted, paged, as JSON or CSV) and /api/backtests/{id}/{file} (results.json, the CSV files,
// report.html from the job's directory), and the helpers of api_backtest_util.h.
#include <filesystem>
#include <fstream>
#include <string>

#include "tickstock/patterns.h"

#include "backtest/report_html.h"
#include "base/json_object_reader.h"
#include "base/json_out.h"
#include "web/api/api.h"
#include "web/api/api_backtest_util.h"
#include "web/api/api_params.h"

namespace tickstock::app {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = 64u << 20;  // larger files are read on the server

HttpResponse bad(const std::string& detail) { return json_error(400, "bad_request", detail); }

// The stats filters of the query; `format` receives json or csv.
std::optional<HttpResponse> read_stats_query(const ApiCall& call, StatsQuery& q,
                                             std::string& format) {
  if (auto e = only_params(call, {"pattern", "symbol", "timeframe", "direction", "horizon",
                                  "significant", "sort", "limit", "offset", "format", "job_id"}))
    return e;
  if (const std::string* p = call.req.param("pattern")) {
    std::string upper = *p;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!find_pattern(upper)) return bad("pattern '" + quote_value(*p) + "' is not a TA-Lib name");
    q.pattern = upper;
  }
  if (const std::string* s = call.req.param("symbol")) {
    auto symbol = parse_symbol(*s);
    if (!symbol) return bad("symbol '" + quote_value(*s) + "' is not a ticker or ALL");
    q.symbol = *symbol;
  }
  if (const std::string* t = call.req.param("timeframe")) {
    auto tf = parse_timeframe(*t);
    if (!tf) return bad("timeframe '" + quote_value(*t) + "' is not 1m, 5m, ..., 1d");
    q.timeframe = std::string(timeframe_name(*tf));
  }
  if (const std::string* d = call.req.param("direction")) {
    if (*d != "bullish" && *d != "bearish" && *d != "neutral")
      return bad("direction must be bullish, bearish or neutral");
    q.direction = *d;
  }
  int horizon = 0;
  if (auto e = int_param(call.req, "horizon", 1, 500, horizon)) return e;
  if (horizon > 0) q.horizon = horizon;
  if (const std::string* s = call.req.param("significant")) {
    if (*s != "true" && *s != "false") return bad("significant must be true or false");
    q.significant = *s == "true";
  }
  if (const std::string* s = call.req.param("sort")) {
    std::string_view col = *s;
    q.descending = !col.empty() && col.front() == '-';
    if (q.descending) col.remove_prefix(1);
    for (const StatsColumn& c : kStatsColumns)
      if (col == c.name) q.sort_column = c.name;
    if (q.sort_column.empty())
      return bad("sort '" + quote_value(*s) + "' is not a column (e.g. q, -excess, n_eff)");
  }
  if (auto e = int_param(call.req, "limit", 1, 10000, q.limit)) return e;
  if (auto e = int_param(call.req, "offset", 0, 10'000'000, q.offset)) return e;
  format = "json";
  if (const std::string* f = call.req.param("format")) {
    if (*f != "json" && *f != "csv") return bad("format must be json or csv");
    format = *f;
  }
  return std::nullopt;
}

// One value of a stats row as JSON: NULL, NaN and infinities as null.
void write_stat_value(JsonOut& j, const StatsColumn& c, const std::optional<std::string>& v) {
  if (!v || *v == "NaN" || *v == "Infinity" || *v == "-Infinity") {
    j.null();
  } else if (c.kind == 's') {
    j.value(*v);
  } else if (c.kind == 'b') {
    j.value(*v == "t");
  } else {
    j.raw(*v);
  }
}

HttpResponse stats_json(std::int64_t id, const StatsQuery& q, const StatsPage& page) {
  JsonOut j;
  j.begin_object();
  j.field("job_id", id);
  j.field("total", page.total);
  j.field("offset", q.offset);
  j.key("items");
  j.begin_array();
  for (const auto& row : page.rows) {
    j.begin_object();
    for (std::size_t c = 0; c < row.size(); ++c) {
      j.key(kStatsColumns[c].name);
      write_stat_value(j, kStatsColumns[c], row[c]);
    }
    j.end_object();
  }
  j.end_array();
  j.key("next_offset");
  if (q.offset + static_cast<std::int64_t>(page.rows.size()) < page.total) {
    j.value(q.offset + static_cast<std::int64_t>(page.rows.size()));
  } else {
    j.null();
  }
  j.end_object();
  return json_ok(j.take());
}

HttpResponse stats_csv(std::int64_t id, const StatsPage& page) {
  std::string out;
  for (const StatsColumn& c : kStatsColumns) out += std::string(out.empty() ? "" : ",") + c.name;
  out += '\n';
  for (const auto& row : page.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      const auto& v = row[c];
      if (!v || *v == "NaN") continue;
      out += kStatsColumns[c].kind == 'b' ? (*v == "t" ? "true" : "false") : *v;
    }
    out += '\n';
  }
  HttpResponse r = json_ok(std::move(out));
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"backtest-" + std::to_string(id) + "-stats.csv\"");
  return r;
}

HttpResponse stats_of(ApiContext& ctx, const ApiCall& call, std::string_view id_text) {
  BacktestJobRow job;
  if (auto e = visible_job(ctx, call, id_text, job)) return *e;
  if (job.status != "done")
    return json_error(409, "conflict",
                      "the backtest is " + job.status + ": its statistics come when it is done");
  StatsQuery q;
  std::string format;
  if (auto e = read_stats_query(call, q, format)) return *e;
  q.job_id = job.id;
  auto page = ctx.backtests->stats(q);
  if (!page) return internal_error(page.error());
  return format == "csv" ? stats_csv(job.id, *page) : stats_json(job.id, q, *page);
}

struct JobFile {
  const char* route;  // the last path segment
  const char* file;   // in the job's directory
  const char* type;
};
constexpr JobFile kJobFiles[] = {
    {"results.json", "results.json", "application/json"},
    {"trades", "trades.csv", "text/csv; charset=utf-8"},
    {"trades.csv", "trades.csv", "text/csv; charset=utf-8"},
    {"equity", "equity.csv", "text/csv; charset=utf-8"},
    {"equity.csv", "equity.csv", "text/csv; charset=utf-8"},
    {"equity_daily.csv", "equity_daily.csv", "text/csv; charset=utf-8"},
    {"stats.csv", "stats.csv", "text/csv; charset=utf-8"},
    {"calibration.csv", "calibration.csv", "text/csv; charset=utf-8"},
    {"events.csv", "events.csv", "text/csv; charset=utf-8"},
    {"report.html", "report.html", "text/html; charset=utf-8"},
    {"equity.png", "equity.png", "image/png"},
};

}  // namespace

HttpResponse backtests_unavailable() {
  return json_error(503, "unavailable",
                    "backtests need a database: start serve with --database-url (DATABASE_URL)");
}

JobScope job_scope(const ApiCall& call) {
  return {call.session->user.id, call.session->user.role == Role::kAdmin};
}

std::optional<HttpResponse> visible_job(ApiContext& ctx, const ApiCall& call, std::string_view id,
                                        BacktestJobRow& out) {
  std::int64_t n = 0;
  if (auto bad = id_segment(id, "the backtest id", n)) return bad;
  auto row = ctx.backtests->get(job_scope(call), n);
  if (!row) return internal_error(row.error());
  if (!*row) return json_error(404, "not_found", "you have no backtest with that id");
  out = std::move(**row);
  return std::nullopt;
}

std::string summary_params(const std::string& params) {
  JsonObjectReader reader(params.size() + 1);
  auto doc = reader.read(params);
  if (!doc) return "{}";
  JsonOut j;
  j.begin_object();
  for (const char* key :
       {"request_id", "type", "timeframe", "start", "end", "start_date", "end_date"}) {
    std::string_view v;
    if ((*doc)[key].get_string().get(v) == simdjson::SUCCESS) j.field(key, v);
  }
  simdjson::dom::array a;
  if ((*doc)["symbols"].get_array().get(a) == simdjson::SUCCESS) {
    j.key("symbols");
    j.begin_array();
    std::size_t n = 0;
    for (auto e : a) {
      std::string_view v;
      if (n++ < 10 && e.get_string().get(v) == simdjson::SUCCESS) j.value(v);
    }
    j.end_array();
    j.field("symbol_count", static_cast<std::int64_t>(a.size()));
  }
  if ((*doc)["params"]["timeframes"].get_array().get(a) == simdjson::SUCCESS) {
    j.key("timeframes");
    j.begin_array();
    for (auto e : a) {
      std::string_view v;
      if (e.get_string().get(v) == simdjson::SUCCESS) j.value(v);
    }
    j.end_array();
  }
  if ((*doc)["patterns"].get_array().get(a) == simdjson::SUCCESS)
    j.field("pattern_count", static_cast<std::int64_t>(a.size()));
  j.end_object();
  return j.take();
}

HttpResponse api_backtest_stats(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  if (call.req.param("job_id") != nullptr) return bad("job_id belongs to the alias route only");
  return stats_of(ctx, call, call.path_params.at(0));
}

HttpResponse api_tickstockpl_stats(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  const std::string* id = call.req.param("job_id");
  if (id == nullptr) return bad("job_id is required: the backtest's id");
  return stats_of(ctx, call, *id);
}

HttpResponse api_backtest_file(ApiContext& ctx, ApiCall& call) {
  if (ctx.backtests == nullptr) return backtests_unavailable();
  if (auto e = only_params(call, {})) return *e;
  const std::string& name = call.path_params.at(1);
  const JobFile* file = nullptr;
  for (const JobFile& f : kJobFiles)
    if (name == f.route) file = &f;
  if (file == nullptr)
    return json_error(404, "not_found",
                      "no such backtest file '" + quote_value(name) +
                          "' (results.json, trades, equity, equity_daily.csv, stats.csv, "
                          "calibration.csv, events.csv, report.html, equity.png)");
  BacktestJobRow job;
  if (auto e = visible_job(ctx, call, call.path_params.at(0), job)) return *e;
  if (job.status != "done" || job.result_dir.empty())
    return json_error(409, "conflict", "the backtest is " + job.status + ": it has no files yet");
  // The directory is the runner's (from the jobs row), the name one of kJobFiles.
  const fs::path path = fs::path(job.result_dir) / file->file;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec)
    return json_error(404, "not_found", std::string(file->file) + " was not made for this job");
  if (size > kMaxFileBytes)
    return json_error(413, "too_large",
                      std::string(file->file) + " is " + std::to_string(size >> 20) +
                          " MiB: read it on the server, in " + job.result_dir);
  std::ifstream in(path, std::ios::binary);
  std::string body(size, '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size)))
    return internal_error(Error{path.string() + ": cannot be read"});
  HttpResponse r = json_ok(std::move(body));
  r.content_type = file->type;
  if (std::string_view(file->type).rfind("text/csv", 0) == 0)
    r.headers.emplace_back(
        "Content-Disposition",
        "attachment; filename=\"backtest-" + std::to_string(job.id) + "-" + file->file + "\"");
  if (std::string_view(file->file) == "report.html")
    r.headers.emplace_back("Content-Security-Policy", report_csp());
  return r;
}

}  // namespace tickstock::app
