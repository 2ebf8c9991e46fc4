#include "cli/backtest_jobs.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "base/progress.h"
#include "cli/backtest_flags.h"
#include "db/pg_util.h"
#include "jobs/backtest_job.h"
#include "jobs/job_store.h"
#include "settings/scanner_settings.h"
#include "settings/settings.h"

namespace tickstock::app {
namespace {

constexpr const char* kSubmitUsage =
    "usage: tickstockapp backtest submit --symbols A,B --from DATE --to DATE [options] [--wait]\n\n"
    "Queues a backtest job in the jobs table of --database-url for a running `serve` (which\n"
    "runs it with its own scanner settings and --backtest-threads) and prints its id. With\n"
    "--wait it follows the job every second and exits as `backtest run` does: 0 done, 1\n"
    "failed, 2 bad arguments, 3 data missing, 4 cancelled.\n\n";

// The job `job` names: its id (digits) or its request_id.
const char* kJobWhere =
    "kind = 'backtest' AND (id = $1::bigint OR params->>'request_id' = $2 OR "
    "(params->>'type' = 'backtest_job' AND params->>'job_id' = $2))";

bool digits(const std::string& s) {
  return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos;
}

// Parses the flags of a subcommand with only --database-url (and `extra`); 2 on an error.
int parse_simple(Settings& s, int argc, char** argv, Log& log, const char* usage) {
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL: the jobs table of the server");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("backtest: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf("%s%s", usage, s.help().c_str());
    return 0;
  }
  if (s.get("--database-url").empty()) {
    log.error("backtest: --database-url: set it (or DATABASE_URL)");
    return 2;
  }
  return -1;
}

std::string field(const PgResult& r, int row, int col) { return PQgetvalue(r.get(), row, col); }

// Follows job `id` every second until it ends; the exit code of `backtest run`.
int wait_for(PGconn* c, const std::string& id, Log& log) {
  ProgressBar bar("backtest job");
  for (;;) {
    auto r = pg_exec_params(c,
                            "SELECT status, progress, coalesce(error, ''), coalesce(result_dir, "
                            "'') FROM jobs WHERE id = $1::bigint",
                            {id.c_str()}, "backtest: read job " + id);
    if (!r) {
      log.error(r.error().message);
      return 1;
    }
    const std::string status = field(*r, 0, 0);
    bar.step(static_cast<std::int64_t>(std::stod(field(*r, 0, 1)) * 1000), 1000, 0);
    if (status == "done" || status == "failed" || status == "cancelled") {
      bar.finish();
      if (status == "done") log.info("backtest: job " + id + " done; files in " + field(*r, 0, 3));
      if (status == "cancelled") log.warn("backtest: job " + id + " cancelled");
      if (status == "failed") log.error("backtest: job " + id + " failed: " + field(*r, 0, 2));
      if (status == "done") return 0;
      if (status == "cancelled") return 4;
      return field(*r, 0, 2).rfind("data missing", 0) == 0 ? 3 : 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

int run_backtest_submit(int argc, char** argv, Log& log) {
  auto sets = take_sets(argc, argv);
  if (!sets) {
    log.error("backtest: " + sets.error().message);
    return 2;
  }
  Settings s;
  declare_backtest_flags(s);
  s.add("--request-id", "", "", "the job's request_id (default: cli-<host pid>-<time>)");
  s.add_switch("--wait", "", "follow the job until it ends; exit as `backtest run` does");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("backtest: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf("%s%s", kSubmitUsage, s.help().c_str());
    return 0;
  }
  if (!sets->empty()) {
    log.error(
        "backtest: --set: a submitted job runs with the server's scanner settings; use "
        "`backtest run` to change them");
    return 2;
  }
  if (s.get("--database-url").empty()) {
    log.error("backtest: --database-url: set it (or DATABASE_URL)");
    return 2;
  }
  auto options = options_from_flags(s, *sets);
  if (!options) {
    log.error("backtest: " + options.error().message);
    return 2;
  }
  const std::string request_id =
      s.get("--request-id").empty()
          ? "cli-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::system_clock::now().time_since_epoch().count())
          : s.get("--request-id");
  JobRequest request;
  request.job_type = "backtest";
  request.params = backtest_request_json(*options, request_id);
  if (auto check = backtest_options_from(request.params, 0); !check) {  // as serve will read it
    log.error("backtest: the server would refuse the job: " + check.error().message);
    return 2;
  }
  JobStore store(s.get("--database-url"));
  auto id = store.insert(request);
  if (!id) {
    log.error("backtest: " + id.error().message);
    return 1;
  }
  std::printf("%lld\n", static_cast<long long>(*id));
  std::fflush(stdout);
  log.info("backtest: job " + std::to_string(*id) + " queued (request_id " + request_id + ")");
  if (!s.on("--wait")) return 0;
  auto c = store.connection();
  if (!c) {
    log.error("backtest: " + c.error().message);
    return 1;
  }
  return wait_for(*c, std::to_string(*id), log);
}

int run_backtest_status(int argc, char** argv, Log& log) {
  Settings s;
  if (const int rc =
          parse_simple(s, argc, argv, log, "usage: tickstockapp backtest status JOB\n\n");
      rc >= 0)
    return rc;
  if (s.args().size() != 1) {
    log.error("backtest status: give one JOB (its id or request_id)");
    return 2;
  }
  const std::string job = s.args()[0];
  auto c = pg_connect(s.get("--database-url"));
  if (!c) {
    log.error("backtest: " + c.error().message);
    return 1;
  }
  const std::string id = digits(job) ? job : "0";
  auto r = pg_exec_params(
      c->get(),
      std::string("SELECT id, status, round(progress * 100)::text || ' %', created_at::text, "
                  "coalesce(started_at::text, ''), coalesce(finished_at::text, ''), "
                  "coalesce(error, ''), coalesce(result_dir, ''), coalesce(result::text, ''), "
                  "cancel_requested::text, coalesce(params->>'request_id', params->>'job_id', '') "
                  "FROM jobs WHERE ") +
          kJobWhere + " ORDER BY id DESC LIMIT 1",
      {id.c_str(), job.c_str()}, "backtest: read the job");
  if (!r) {
    log.error(r.error().message);
    return 1;
  }
  if (PQntuples(r->get()) == 0) {
    log.error("backtest: no backtest job '" + job + "'");
    return 1;
  }
  static const char* const kNames[] = {"id",      "status",           "progress",  "created",
                                       "started", "finished",         "error",     "files",
                                       "result",  "cancel requested", "request_id"};
  for (int col = 0; col < 11; ++col) {
    const std::string v = field(*r, 0, col);
    if (!v.empty()) std::printf("%s: %s\n", kNames[col], v.c_str());
  }
  return 0;
}

int run_backtest_cancel(int argc, char** argv, Log& log) {
  Settings s;
  if (const int rc =
          parse_simple(s, argc, argv, log, "usage: tickstockapp backtest cancel JOB\n\n");
      rc >= 0)
    return rc;
  if (s.args().size() != 1) {
    log.error("backtest cancel: give one JOB (its id or request_id)");
    return 2;
  }
  JobStore store(s.get("--database-url"));
  auto done = store.cancel(s.args()[0]);
  if (!done) {
    log.error("backtest: " + done.error().message);
    return 1;
  }
  log.info("backtest: job " + std::to_string(done->id) +
           (done->was_queued ? " cancelled (it had not started)"
                             : ": its runner stops within about a second"));
  return 0;
}

int run_backtest_list(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--status", "", "", "only jobs of this status: queued running done failed cancelled");
  s.add("--limit", "", "20", "at most this many jobs, newest first (1..1000)");
  if (const int rc = parse_simple(s, argc, argv, log, "usage: tickstockapp backtest list\n\n");
      rc >= 0)
    return rc;
  const std::string& status = s.get("--status");
  if (!status.empty() && status != "queued" && status != "running" && status != "done" &&
      status != "failed" && status != "cancelled") {
    log.error("backtest: --status: queued, running, done, failed or cancelled, not '" + status +
              "'");
    return 2;
  }
  auto limit = s.get_int("--limit", 1, 1000);
  if (!limit) {
    log.error("backtest: " + limit.error().message);
    return 2;
  }
  auto c = pg_connect(s.get("--database-url"));
  if (!c) {
    log.error("backtest: " + c.error().message);
    return 1;
  }
  const std::string n = std::to_string(*limit);
  auto r = pg_exec_params(
      c->get(),
      "SELECT id, status, round(progress * 100)::text || '%', "
      "coalesce(params->>'request_id', params->>'job_id', ''), "
      "array_to_string(ARRAY(SELECT jsonb_array_elements_text(params->'symbols')), ','), "
      "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM jobs "
      "WHERE kind = 'backtest' AND ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2::int",
      {status.c_str(), n.c_str()}, "backtest: list the jobs");
  if (!r) {
    log.error(r.error().message);
    return 1;
  }
  std::printf("%-8s %-10s %5s  %-20s %-19s %s\n", "ID", "STATUS", "DONE", "REQUEST",
              "CREATED (UTC)", "SYMBOLS");
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    std::string symbols = field(*r, i, 4);
    if (symbols.size() > 40) symbols = symbols.substr(0, 37) + "...";
    std::printf("%-8s %-10s %5s  %-20s %-19s %s\n", field(*r, i, 0).c_str(),
                field(*r, i, 1).c_str(), field(*r, i, 2).c_str(), field(*r, i, 3).c_str(),
                field(*r, i, 5).c_str(), symbols.c_str());
  }
  return 0;
}

}  // namespace tickstock::app
