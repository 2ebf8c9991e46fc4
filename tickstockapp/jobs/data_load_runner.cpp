#include "jobs/data_load_runner.h"

#include <algorithm>

#include "tickstock/csv_reader.h"
#include "tickstock/json.h"

#include "db/bar_import.h"
#include "polygon/history_backfill.h"
#include "redis/reports.h"

namespace tickstock::app {
namespace {

std::string history_results(const HistoryReport& h, std::size_t symbols) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.str("source", "polygon");
  w.uinteger("symbols", symbols);
  w.uinteger("symbols_done", h.symbols_done);
  w.uinteger("failed", h.failed);
  w.uinteger("bars", h.bars);
  w.uinteger("stored", h.stored);
  w.begin_array("errors");
  for (const std::string& e : h.errors) w.element(e);
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace

DataLoadRunner::DataLoadRunner(DataLoadRunnerOptions options, RedisSink* events, Log& log)
    : JobRunner("data_load", options.database_url, options.poll, options.heartbeat, events, log),
      options_(std::move(options)) {}

DataLoadRunner::~DataLoadRunner() { stop(); }

void DataLoadRunner::run_job(const Job& job) {
  auto request = data_load_request_from(job.params);
  if (!request) return end(job, "failed", request.error().message, "");
  on_progress(job, 0, "", "starting");
  if (request->source == DataLoadRequest::Source::kPolygon) return run_polygon(job, *request);
  run_file(job, *request);
}

void DataLoadRunner::run_polygon(const Job& job, const DataLoadRequest& r) {
  if (options_.rest.api_key.empty())
    return end(job, "failed", "Polygon: POLYGON_API_KEY is not set on the server", "");
  PolygonRest rest(options_.rest, log());
  const HistoryRequest h{r.symbols, r.timeframe, r.from, r.to};
  const HistoryReport done = backfill_history(
      rest, connection(), h,
      [&](std::size_t i, std::size_t n, std::uint64_t bars, const std::string& symbol) {
        on_progress(job, static_cast<double>(i) / static_cast<double>(n), symbol,
                    std::to_string(i) + " of " + std::to_string(n) + " symbols, " +
                        std::to_string(bars) + " bars");
      },
      &cancel());
  const std::string results = history_results(done, r.symbols.size());
  std::vector<std::pair<std::string, double>> metrics{
      {"symbols", static_cast<double>(done.symbols_done)},
      {"failed", static_cast<double>(done.failed)},
      {"bars", static_cast<double>(done.bars)},
      {"stored", static_cast<double>(done.stored)}};
  if (done.cancelled) return end(job, stopping() ? "queued" : "cancelled", "", results, metrics);
  if (done.failed > 0)
    return end(job, "failed",
               std::to_string(done.failed) + " of " + std::to_string(r.symbols.size()) +
                   " symbols failed; the first: " + done.errors.front(),
               results, metrics);
  end(job, "done", "", results, metrics);
}

void DataLoadRunner::run_file(const Job& job, const DataLoadRequest& r) {
  ImportOptions o;
  o.url = options_.database_url;
  o.path = options_.dir + "/" + r.file;
  o.timeframe = r.timeframe;
  {
    SymbolTable symbols;
    auto reader = BarCsvReader::open(o.path, symbols);
    if (!reader) return end(job, "failed", reader.error().message, "");
    if (!(*reader)->has_symbol_column()) {
      if (r.symbols.size() != 1)
        return end(job, "failed",
                   r.file + " has no symbol column: name its one symbol in 'symbols'", "");
      o.symbol = r.symbols.front();
    }
  }
  auto report = import_bars(o, [&](std::int64_t read, std::int64_t total, std::uint64_t rows) {
    on_progress(job, total > 0 ? static_cast<double>(read) / static_cast<double>(total) : 0, "",
                std::to_string(rows) + " bars read");
  });
  if (!report) return end(job, "failed", report.error().message, "");
  std::string results;
  JsonWriter w(results);
  w.begin_object();
  w.str("source", "file:" + r.file);
  w.uinteger("bars", report->rows);
  w.uinteger("stored", report->stored);
  w.uinteger("new_symbols", report->new_symbols);
  w.end_object();
  end(job, "done", "", results,
      {{"bars", static_cast<double>(report->rows)},
       {"stored", static_cast<double>(report->stored)}});
}

void DataLoadRunner::on_progress(const Job& job, double share, const std::string& symbol,
                                 const std::string& message) {
  const auto now = progress(job, share, share <= 0 || share >= 1);
  if (!now) return;
  BacktestProgress e;
  e.job_id = job.id;
  e.job_type = "data_load";
  e.request_id = job.request_id;
  e.progress = *now;
  e.current_symbol = symbol;
  e.message = message;
  e.elapsed_s = elapsed_s();
  e.eta_s = *now >= 0.01 ? e.elapsed_s * (1 - *now) / *now : -1;
  emit(job, e);
}

void DataLoadRunner::end(const Job& job, const std::string& status, const std::string& error,
                         const std::string& results,
                         std::vector<std::pair<std::string, double>> metrics) {
  if (status == "done") on_progress(job, 1, "", "done");
  finish(job, status, error, results, "");
  if (status == "queued") return;
  BacktestResult e;
  e.job_id = job.id;
  e.job_type = "data_load";
  e.request_id = job.request_id;
  e.status = status;
  e.error = error;
  e.results = results.empty() ? "null" : results;
  e.metrics = std::move(metrics);
  emit(job, e);
}

}  // namespace tickstock::app
