// tickstockapp calibrate: the hit rates a backtest measured, per pattern, timeframe and
// direction (its ALL cells at one horizon), as the file `serve --confidence-calibration` reads,
// so that the live confidence of an event is the share of its kind that worked.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tickstock/scanner.h"

#include "cli/commands.h"
#include "db/pg_util.h"
#include "settings/settings.h"

namespace tickstock::app {
namespace {

struct Entry {
  std::string pattern, timeframe, direction, n, hit_rate;
};

constexpr const char* kUsage =
    "usage: tickstockapp calibrate (--from-job ID | --from-stats FILE) --out FILE "
    "[--horizon H] [--min-n N]\n\n"
    "Writes pattern,timeframe,direction,horizon,n,hit_rate: the hit rate of each pattern's\n"
    "pooled (ALL) cells of a finished backtest at one horizon, for those with at least N valid\n"
    "windows. `serve --confidence-calibration FILE` then reports that hit rate as the\n"
    "confidence of each such event (the formula stays for the others).\n"
    "Exit: 0 written, 1 failure, 2 bad arguments, 3 no statistics to take.\n\n";

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  return out;
}

// The entries of a stats.csv (backtest run --out, or a job's directory).
Result<std::vector<Entry>> from_stats(const std::string& path, long long horizon, long long min_n) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return fail(path, ": cannot be read");
  std::map<std::string, std::size_t> col;
  const auto names = split(line);
  for (std::size_t i = 0; i < names.size(); ++i) col[names[i]] = i;
  for (const char* need :
       {"pattern", "symbol", "timeframe", "direction", "horizon", "n", "hit_rate"}) {
    if (!col.count(need)) return fail(path, ":1: no column '", need, "': not a stats.csv");
  }
  std::vector<Entry> out;
  for (int number = 2; std::getline(in, line); ++number) {
    const auto f = split(line + ",");  // a trailing empty field stays a field
    if (f.size() < names.size())
      return fail(path, ":", std::to_string(number), ": ", std::to_string(f.size()),
                  " fields, the header has ", std::to_string(names.size()));
    if (f[col["symbol"]] != "ALL" || f[col["horizon"]] != std::to_string(horizon) ||
        f[col["hit_rate"]].empty())
      continue;
    long long n = 0;
    const std::string& nt = f[col["n"]];
    if (std::from_chars(nt.data(), nt.data() + nt.size(), n).ec != std::errc())
      return fail(path, ":", std::to_string(number), ": n '", nt, "' is not a count");
    if (n < min_n) continue;
    out.push_back(
        {f[col["pattern"]], f[col["timeframe"]], f[col["direction"]], nt, f[col["hit_rate"]]});
  }
  return out;
}

// The entries of a finished job's backtest_stats rows.
Result<std::vector<Entry>> from_job(const std::string& url, const std::string& job,
                                    long long horizon, long long min_n) {
  auto c = pg_connect(url);
  if (!c) return c.error();
  const std::string h = std::to_string(horizon), n = std::to_string(min_n);
  auto status = pg_exec_params(c->get(), "SELECT status FROM jobs WHERE id = $1::bigint",
                               {job.c_str()}, "calibrate: read the job");
  if (!status) return status.error();
  if (PQntuples(status->get()) == 0) return fail("no job ", job);
  if (std::string(PQgetvalue(status->get(), 0, 0)) != "done")
    return fail("job ", job, " is ", PQgetvalue(status->get(), 0, 0), ", not done");
  auto r = pg_exec_params(
      c->get(),
      "SELECT pattern, timeframe, direction, n::text, hit_rate::text FROM backtest_stats WHERE "
      "job_id = $1::bigint AND symbol = 'ALL' AND horizon = $2::int AND n >= $3::bigint AND "
      "hit_rate IS NOT NULL ORDER BY pattern, timeframe, direction",
      {job.c_str(), h.c_str(), n.c_str()}, "calibrate: read the statistics");
  if (!r) return r.error();
  std::vector<Entry> out;
  for (int i = 0; i < PQntuples(r->get()); ++i)
    out.push_back({PQgetvalue(r->get(), i, 0), PQgetvalue(r->get(), i, 1),
                   PQgetvalue(r->get(), i, 2), PQgetvalue(r->get(), i, 3),
                   PQgetvalue(r->get(), i, 4)});
  return out;
}

}  // namespace

int run_calibrate(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--from-job", "", "", "a finished backtest job's id (its backtest_stats rows)");
  s.add("--from-stats", "", "", "a stats.csv of `backtest run --out DIR` or a job's directory");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL, for --from-job");
  s.add("--out", "", "", "the calibration file to write");
  s.add("--horizon", "", "5", "the horizon (bars) whose hit rates are taken");
  s.add("--min-n", "", "30", "fewest valid windows a cell needs to be taken");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("calibrate: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf("%s%s", kUsage, s.help().c_str());
    return 0;
  }
  const bool job = !s.get("--from-job").empty(), stats = !s.get("--from-stats").empty();
  auto horizon = s.get_int("--horizon", 1, 500);
  auto min_n = s.get_int("--min-n", 1, 1'000'000'000);
  std::string bad;  // the first problem, in the order of the usage line
  auto check = [&](bool wrong, const std::string& why) {
    if (wrong && bad.empty()) bad = why;
  };
  check(job == stats, "--from-job or --from-stats: give one of them");
  check(job && s.get("--from-job").find_first_not_of("0123456789") != std::string::npos,
        "--from-job '" + s.get("--from-job") + "': a job id (digits)");
  check(s.get("--out").empty(), "--out FILE: required");
  check(!horizon, horizon ? "" : horizon.error().message);
  check(!min_n, min_n ? "" : min_n.error().message);
  check(job && s.get("--database-url").empty(), "--database-url: set it (or DATABASE_URL)");
  if (!bad.empty()) {
    log.error("calibrate: " + bad);
    return 2;
  }
  auto entries = job ? from_job(s.get("--database-url"), s.get("--from-job"), *horizon, *min_n)
                     : from_stats(s.get("--from-stats"), *horizon, *min_n);
  if (!entries) {
    log.error("calibrate: " + entries.error().message);
    return 1;
  }
  const std::string source = job ? "job " + s.get("--from-job") : s.get("--from-stats");
  if (entries->empty()) {
    log.error("calibrate: " + source + " has no pooled cell at horizon " +
              std::to_string(*horizon) + " with n >= " + std::to_string(*min_n));
    return 3;
  }
  std::string text = "pattern,timeframe,direction,horizon,n,hit_rate\n";
  for (const Entry& e : *entries)
    text += e.pattern + ',' + e.timeframe + ',' + e.direction + ',' + std::to_string(*horizon) +
            ',' + e.n + ',' + e.hit_rate + '\n';
  std::ofstream out(s.get("--out"), std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    log.error("calibrate: " + s.get("--out") + ": cannot be written");
    return 1;
  }
  // The file must read back as serve will read it.
  if (auto back = read_confidence_calibration(s.get("--out")); !back) {
    log.error("calibrate: " + back.error().message);
    return 1;
  }
  log.info("calibrate: " + std::to_string(entries->size()) +
           " entries (pattern, timeframe, direction) from " + source + " at horizon " +
           std::to_string(*horizon) + " -> " + s.get("--out"));
  return 0;
}

}  // namespace tickstock::app
