// AbuseRun: the real binary, the real servers; every wait bounded.
#include "abuse/abuse_run.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/app_support.h"
#include "app/web/web_serve.h"
#include "support/redis_test.h"
#include "support/web_client.h"

namespace tickstock::test {
namespace {

using namespace std::chrono_literals;

std::string password_of(const std::string& name) { return name + "-password-1"; }

std::string symbol_list_sql(const std::vector<std::string>& symbols) {
  std::string out;
  for (const auto& s : symbols) out += (out.empty() ? "'" : ",'") + s + "'";
  return out;
}

std::string json_string_field(const std::string& body, const std::string& key) {
  const std::string want = "\"" + key + "\":\"";
  const auto at = body.find(want);
  if (at == std::string::npos) return "";
  const auto from = at + want.size();
  return body.substr(from, body.find('"', from) - from);
}

}  // namespace

AbuseRun::AbuseRun(const TestDatabase& db, const std::string& prefix,
                   const std::vector<std::string>& extra)
    : db_(db), channels_(prefix) {
  if (run_app("migrate", db.env()).exit_code != 0) throw std::runtime_error("migrate failed");
  for (const char* name : {"alice", "ben", "mallory"}) {
    const auto r = run_app(std::string("user add ") + name,
                           "printf '" + password_of(name) + "\\n' | " + db.env());
    if (r.exit_code != 0) throw std::runtime_error("user add " + std::string(name) + ": " + r.err);
  }
  const std::string admin = write_temp("abuse-admin", password_of("admin") + "\n");
  const std::string redis_url =
      "redis://" + redis_host() + ":" + std::to_string(redis_port()) + "/0";
  std::vector<std::string> args{
      "--feed",         "redis",  "--redis-url",           redis_url, "--redis-prefix", prefix,
      "--database-url", db.url(), "--admin-password-file", admin};
  args.insert(args.end(), extra.begin(), extra.end());
  serve_ =
      std::make_unique<WebServe>(args, std::vector<std::pair<std::string, std::string>>{
                                           {"DATABASE_URL", db.url()}, {"REDIS_URL", redis_url}});
  redis_ = std::make_unique<RedisCommands>(redis_host(), redis_port());
  for (int i = 0; i < 400 && redis_->subscribers(channels_.ticks_raw) == 0; ++i)
    std::this_thread::sleep_for(50ms);
}

AbuseRun::~AbuseRun() = default;

int AbuseRun::port() const { return serve_->port(); }

UserSession AbuseRun::login(const std::string& name) {
  HttpClient c(port());
  const HttpReply r =
      c.request("POST", "/api/auth/login",
                "{\"username\":\"" + name + "\",\"password\":\"" + password_of(name) + "\"}",
                {{"Content-Type", "application/json"}});
  UserSession s;
  s.name = name;
  if (r.status != 200) return s;
  for (const std::string& sc : r.set_cookies)
    if (sc.rfind("tickstock_session=", 0) == 0) s.cookie = sc.substr(0, sc.find(';'));
  s.csrf = json_string_field(r.body, "csrf_token");
  return s;
}

int AbuseRun::logout(const UserSession& s) {
  HttpClient c(port());
  return c.request("POST", "/api/auth/logout", "", {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}})
      .status;
}

int AbuseRun::subscribe(const UserSession& s, const std::vector<std::string>& symbols,
                        const std::string& timeframe) {
  std::string list;
  for (const auto& x : symbols) list += (list.empty() ? "\"" : ",\"") + x + "\"";
  HttpClient c(port());
  return c
      .request(
          "POST", "/api/subscriptions",
          "{\"pattern\":\"*\",\"symbols\":[" + list + "],\"timeframes\":[\"" + timeframe + "\"]}",
          {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}, {"Content-Type", "application/json"}})
      .status;
}

void AbuseRun::publish(const std::vector<std::string>& messages) {
  for (const auto& m : messages) redis_->run({"PUBLISH", channels_.ticks_raw, m});
}

void AbuseRun::publish_trades(const std::vector<GoodTrade>& trades, std::size_t begin,
                              std::size_t end, std::chrono::milliseconds pause,
                              const std::vector<std::string>& extras) {
  for (std::size_t i = begin; i < end; ++i) {
    redis_->run({"PUBLISH", channels_.ticks_raw, trade_json(trades[i])});
    if ((i - begin) % 50 == 49 && pause.count() > 0) std::this_thread::sleep_for(pause);
    if ((i - begin) % 500 == 499) publish(extras);
  }
}

void AbuseRun::wait_for_bars(std::size_t n, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    const auto have =
        std::stoull(db_.query("SELECT count(*) FROM ohlcv_1min WHERE symbol LIKE 'GOOD%'"));
    if (have >= n) return;
    std::this_thread::sleep_for(100ms);
  }
}

Rss AbuseRun::rss() const {
  std::ifstream in("/proc/" + std::to_string(serve_->process().pid()) + "/status");
  Rss r;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) r.rss_kb = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) r.peak_kb = std::stol(line.substr(6));
  }
  return r;
}

std::string AbuseRun::metrics() {
  HttpClient c(port());
  return c.get("/metrics").body;
}

Traffic AbuseRun::trade_while(const UserSession& s, const std::atomic<bool>& stop) {
  static const char* kPages[] = {"/api/auth/me", "/api/patterns?limit=20", "/api/alerts?limit=10",
                                 "/api/subscriptions",
                                 "/api/bars?symbol=GOODA&timeframe=1m&limit=50"};
  Traffic t;
  HttpClient c(port());
  for (std::size_t i = 0; !stop.load(); ++i) {
    t.requests.add(c.get(kPages[i % std::size(kPages)], {{"Cookie", s.cookie}}).status);
    std::this_thread::sleep_for(100ms);
  }
  return t;
}

AlertCount AbuseRun::stop_and_count_alerts(const UserSession& s,
                                           const std::vector<std::string>& symbols,
                                           const std::string& timeframe) {
  exit_code_ = serve_->stop();
  AlertCount c;
  c.stored = std::stoll(
      db_.query("SELECT count(*) FROM pending_alerts a JOIN users u ON u.id = a.user_id WHERE "
                "u.username = '" +
                s.name + "'"));
  c.expected =
      std::stoll(db_.query("SELECT count(*) FROM pattern_detections WHERE symbol IN (" +
                           symbol_list_sql(symbols) + ") AND timeframe = '" + timeframe + "'"));
  return c;
}

BarCheck AbuseRun::check_bars(const std::map<std::string, MinuteBar>& expected) const {
  BarCheck b;
  b.expected = static_cast<int>(expected.size());
  // One row per bar: "SYMBOL epoch open high low close volume", compared exactly (the
  // prices are cents and the volumes whole: exact in a double).
  const std::string rows = db_.query(
      "SELECT string_agg(symbol || ' ' || extract(epoch FROM ts)::bigint || ' ' || open || ' ' "
      "|| high || ' ' || low || ' ' || close || ' ' || volume, E'\\n') FROM ohlcv_1min WHERE "
      "symbol LIKE 'GOOD%'");
  std::istringstream in(rows);
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string sym, epoch;
    MinuteBar got;
    f >> sym >> epoch >> got.open >> got.high >> got.low >> got.close >> got.volume;
    auto it = expected.find(sym + " " + epoch);
    if (it == expected.end()) continue;
    const MinuteBar& want = it->second;
    if (got.open == want.open && got.high == want.high && got.low == want.low &&
        got.close == want.close && got.volume == want.volume)
      ++b.exact;
  }
  b.bad_symbols = std::stoi(
      db_.query("SELECT count(*) FROM symbols WHERE symbol !~ '^[A-Za-z0-9.:/^_-]{1,32}$'"));
  b.future_bars =
      std::stoi(db_.query("SELECT count(*) FROM ohlcv_1min WHERE ts > now() + interval '1 day'"));
  b.random_symbols = std::stoi(
      db_.query("SELECT count(DISTINCT symbol) FROM ohlcv_1min WHERE symbol LIKE 'RND%'"));
  return b;
}

}  // namespace tickstock::test
