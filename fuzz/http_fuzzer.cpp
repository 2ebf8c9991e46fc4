// libFuzzer target: the dashboard's request handling (WebApp::handle: routing, /health, /ready,
// /metrics, the REST API, static files) on the memory account and market stores, with a fuzzed
// request. Input: a flags byte (which session cookie and headers to add), then
// "METHOD TARGET\n", header lines "name: value\n", an empty line and the body. Beyond the
// sanitizers' findings it checks that every request is answered exactly once, with a real
// status, never a 500 (the memory stores do not fail), and that a JSON answer is valid JSON.
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <simdjson.h>

#include "tickstock/bar_aggregator.h"
#include "tickstock/clock.h"

#include "engine/engine_runner.h"
#include "engine/monitor.h"
#include "feeds/feed_monitor_source.h"
#include "web/store/memory_account_store.h"
#include "web/store/memory_market_data.h"
#include "web/store/passwords.h"
#include "web/web_app.h"

namespace {

using namespace tickstock;
using namespace tickstock::app;

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input
}

class IdleFeed final : public Feed {
 public:
  Result<void> run(FeedQueue&, const std::atomic<bool>&) override { return {}; }
  std::string describe() const override { return "idle"; }
  bool event_time_clock() const override { return false; }
};

class NullSink final : public BarSink {
 public:
  void on_bar(const Bar&) override {}
};

constexpr const char* kAdminToken = "admin-session-token-for-the-fuzzer-0000000000000";
constexpr const char* kUserToken = "user-session-token-for-the-fuzzer-00000000000000";
constexpr const char* kCsrf = "fuzz-csrf";

// A few bars, indicator rows and detections of SPY, for the market routes to find.
void fill(MemoryMarketData& market) {
  static SymbolTable symbols;
  Bar b;
  b.symbol = symbols.intern("SPY");
  std::array<double, kFieldCount> values{};
  values.fill(1.5);
  for (int i = 0; i < 50; ++i) {
    b.start = 1'704'205'800'000'000'000 + i * 60'000'000'000LL;
    b.open = b.high = b.low = b.close = b.vwap = 470 + i;
    b.volume = 100;
    market.add_bar(b);
    market.add_indicators(b, values);
    PatternEvent p;
    p.symbol = b.symbol;
    p.bar_start = b.start;
    p.confidence = 0.5;
    market.add_pattern(p, b.close, b.volume);
  }
}

// Everything a WebApp needs, made once.
struct World {
  World()
      : aggregator(AggregatorOptions{}, clock, sink),
        engine(queue, clock, aggregator),
        monitor(MonitorSources{&source, &engine, &queue, &bars, &running, &errors}, nullptr, log,
                std::chrono::milliseconds(5000)),
        pool(1, 64) {
    const std::string hash = *hash_password("fuzz-password-1", HashCost::kMinimum);
    password_hash = hash;
    admin_id = (*accounts.create_user("admin", hash, Role::kAdmin, 1))->id;
    user_id = (*accounts.create_user("ann", hash, Role::kUser, 1))->id;
    fill(market);
    WebOptions o;
    o.web_root = TICKSTOCK_WEB_ROOT;
    o.auth.registration = true;
    o.auth.hash_cost = HashCost::kMinimum;
    o.ip_limit = RateLimit{0, 1};
    o.user_limit = RateLimit{0, 1};
    WebSources src;
    src.monitor = &monitor;
    src.feed = &feed;
    src.feed_running = &running;
    app = std::make_unique<WebApp>(o, src, WebServices{accounts, market, metrics, nullptr}, pool,
                                   log);
  }
  // Undoes what the last request may have changed about the two test users.
  void reset() {
    bool ok = accounts.update_user(admin_id, Role::kAdmin, true).has_value() &&
              accounts.update_user(user_id, Role::kUser, true).has_value() &&
              accounts.set_password(admin_id, password_hash).has_value() &&
              accounts.set_password(user_id, password_hash).has_value();
    for (auto [token, id] : {std::pair{kAdminToken, admin_id}, std::pair{kUserToken, user_id}})
      ok = ok &&
           accounts.create_session({token_digest(token), id, kCsrf, 1, INT64_MAX / 2, "127.0.0.1"})
               .has_value();
    check(ok);
  }

  Log log;
  IdleFeed feed;
  FeedMonitorSource source{feed, nullptr};
  FeedQueue queue{4};
  ManualClock clock{0};
  NullSink sink;
  BarAggregator aggregator;
  EngineRunner engine;
  BarCounter bars;
  std::atomic<bool> running{true};
  std::atomic<std::uint64_t> errors{0};
  Monitor monitor;
  MemoryAccountStore accounts;
  MemoryMarketData market;
  WebMetrics metrics;
  WorkerPool pool;
  std::unique_ptr<WebApp> app;
  std::string password_hash;
  std::int64_t admin_id = 0, user_id = 0;
};

// The request in `in` (see the top); false when it has no request line.
bool read_request(std::string_view in, HttpRequest& r) {
  if (in.empty()) return false;
  const auto flags = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  const auto eol = in.find('\n');
  const std::string_view line = in.substr(0, eol);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return false;
  r.method = std::string(line.substr(0, space));
  r.target = std::string(line.substr(space + 1));
  in = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
  while (!in.empty()) {
    const auto end = in.find('\n');
    const std::string_view h = in.substr(0, end);
    in = end == std::string_view::npos ? std::string_view() : in.substr(end + 1);
    if (h.empty()) break;
    const auto colon = h.find(':');
    std::string name(h.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::move(name), std::string(value));
  }
  r.body = std::string(in);
  if (flags & 1) r.headers.emplace_back("cookie", std::string("tickstock_session=") + kAdminToken);
  if (flags & 2) r.headers.emplace_back("cookie", std::string("tickstock_session=") + kUserToken);
  if (flags & 4) r.headers.emplace_back("x-csrf-token", kCsrf);
  if (flags & 8) r.headers.emplace_back("content-type", "application/json");
  r.client_ip = flags & 16 ? "2001:db8::1" : "127.0.0.1";
  r.tls = r.secure = r.cookie_secure = (flags & 32) != 0;
  r.received = std::chrono::steady_clock::now();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  HttpRequest r;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!read_request(in, r)) return 0;
  // The server answers a malformed target itself (400) before the app sees it.
  if (!parse_target(r.target, r.path, r.query)) return 0;
  world.reset();
  // Shared with the reply, which a worker may call: a second call after this input is done
  // would still find it (and fail the next check on this state).
  struct Answer {
    std::mutex mu;
    std::condition_variable done;
    int count = 0;
    HttpResponse res;
  };
  auto answer = std::make_shared<Answer>();
  world.app->handle(std::move(r), [answer](HttpResponse got) {
    std::lock_guard lock(answer->mu);
    ++answer->count;
    answer->res = std::move(got);
    answer->done.notify_all();
  });
  std::unique_lock lock(answer->mu);
  check(answer->done.wait_for(lock, std::chrono::seconds(20), [&] { return answer->count > 0; }));
  check(answer->count == 1);
  const HttpResponse& res = answer->res;
  check(res.status >= 200 && res.status <= 599);
  check(res.status != 500);
  if (res.content_type == "application/json" && !res.body.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    check(parser.parse(res.body).get(doc) == simdjson::SUCCESS);
  }
  return 0;
}
