// The alert writer: its own thread and bounded queue; what the store refuses one by one is
// counted and logged with the reason while the rest of the batch is kept; a full queue and a
// store that stays down are counted, never waited for. Alerts queued for delivery are handed
// over once stored, with their ids, or at the first failed attempt, without.
#include "web/live/alert_writer.h"

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"
#include "web/store/memory_account_store.h"
#include "web/store/pg_account_store.h"

using namespace tickstock::app;
using tickstock::test::run_app;
using tickstock::test::TestDatabase;

namespace {

// What this process writes to stderr while it lives (the log's lines).
class StderrCapture {
 public:
  StderrCapture() {
    char path[] = "/tmp/tickstock-stderr-XXXXXX";
    const int fd = mkstemp(path);
    path_ = path;
    std::fflush(stderr);
    saved_ = dup(2);
    dup2(fd, 2);
    close(fd);
  }
  ~StderrCapture() {
    restore();
    std::remove(path_.c_str());
  }
  std::string text() {
    restore();
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

StoredAlert alert(std::int64_t user, const std::string& payload) {
  return {0, user, std::make_shared<const std::string>(payload), 1000, 0};
}

// What the writer handed over for delivery, and when.
struct Delivered {
  std::mutex mu;
  std::vector<StoredAlert> alerts;
  std::chrono::steady_clock::time_point first{};
  AlertWriter::Deliver callback() {
    return [this](const std::vector<StoredAlert>& a) {
      std::lock_guard lock(mu);
      if (alerts.empty()) first = std::chrono::steady_clock::now();
      alerts.insert(alerts.end(), a.begin(), a.end());
    };
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return alerts.size();
  }
};

}  // namespace

TEST_CASE("alert writer: a refused payload is counted and logged, the rest of its batch kept",
          "[web][alerts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  PgPool pool(db.url());
  PgAccountStore store(pool);
  const std::int64_t id = (**store.create_user("ann", "h", Role::kUser, 1000)).id;
  WebMetrics metrics;
  Log log;
  StderrCapture err;
  {
    AlertWriter w(store, 1000, metrics, log);
    w.start();
    w.add({alert(id, "{\"n\":1}"), alert(id, "{\"n\":2,\"symbol\":\"A\\u0000B\"}"),
           alert(id, "{\"n\":3}")});
    w.stop();
  }
  const std::string logged = err.text();
  CHECK(metrics.alerts_refused.load() == 1);
  CHECK(metrics.alerts_not_stored.load() == 1);
  CHECK(metrics.alerts_queue_overflow.load() == 0);
  CHECK(db.query("SELECT string_agg(payload->>'n', ',' ORDER BY id) FROM pending_alerts") == "1,3");
  CHECK(logged.find("an alert for user " + std::to_string(id) +
                    " was refused by the store and dropped: storing alerts: ") !=
        std::string::npos);
  CHECK(logged.find("\\u0000") != std::string::npos);
}

TEST_CASE("alert writer: a full queue refuses and counts instead of waiting", "[web][alerts]") {
  MemoryAccountStore store;
  WebMetrics metrics;
  Log log;
  StderrCapture err;
  AlertWriter w(store, 4, metrics, log);  // not started yet: nothing leaves the queue
  w.add({alert(1, "{}"), alert(1, "{}"), alert(1, "{}")});
  w.add({alert(1, "{}"), alert(1, "{}")});  // 5 > 4: refused whole
  CHECK(w.depth() == 3);
  CHECK(metrics.alerts_queue_overflow.load() == 2);
  CHECK(metrics.alerts_not_stored.load() == 2);
  w.start();
  w.stop();
  CHECK(store.alert_history(1, 0, 100, false)->items.size() == 3);
  CHECK(err.text().find("the alert store's queue is full: 2 alerts not stored") !=
        std::string::npos);
}

TEST_CASE("alert writer: a store that stays down is tried three times, then counted",
          "[web][alerts]") {
  PgPool down("postgresql://nobody@127.0.0.1:1/none");
  PgAccountStore store(down);
  WebMetrics metrics;
  Log log;
  StderrCapture err;
  AlertWriter w(store, 100, metrics, log);
  w.start();
  w.add({alert(1, "{}"), alert(1, "{}")});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metrics.alerts_not_stored.load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  w.stop();
  CHECK(metrics.alerts_not_stored.load() == 2);
  CHECK(metrics.alerts_refused.load() == 0);
  const std::string logged = err.text();
  CHECK(logged.find("storing alerts (attempt 3): ") != std::string::npos);
  CHECK(logged.find("cannot connect to PostgreSQL") != std::string::npos);
}

TEST_CASE("alert writer: alerts queued for delivery are handed over with their stored ids",
          "[web][alerts]") {
  MemoryAccountStore store;
  WebMetrics metrics;
  Log log;
  Delivered out;
  AlertWriter w(store, 100, metrics, log, out.callback());
  w.start();
  CHECK(w.add({alert(1, "{\"n\":1}"), alert(2, "{\"n\":2}")}, true));
  CHECK(w.add({alert(1, "{\"n\":3}")}, false));  // stored only (the hub sent it)
  w.stop();
  REQUIRE(out.alerts.size() == 2);
  const auto one = store.alert_history(1, 0, 10, true)->items;  // newest first
  const auto two = store.alert_history(2, 0, 10, true)->items;
  REQUIRE(one.size() == 2);
  REQUIRE(two.size() == 1);
  CHECK(out.alerts[0].id == one[1].id);
  CHECK(*out.alerts[0].payload == "{\"n\":1}");
  CHECK(out.alerts[1].id == two[0].id);
  CHECK(out.alerts[1].user_id == 2);
  CHECK(w.healthy());
}

TEST_CASE("alert writer: a store that writes at once is written and handed over in add()",
          "[web][alerts]") {
  MemoryAccountStore store;
  REQUIRE(store.writes_at_once());
  WebMetrics metrics;
  Log log;
  Delivered out;
  AlertWriter w(store, 1, metrics, log, out.callback(), store.writes_at_once());
  // Not started, and more than the queue holds: nothing waits for the writer's thread.
  CHECK(w.add({alert(1, "{\"n\":1}"), alert(1, "{\"n\":2}")}, true));
  REQUIRE(out.size() == 2);
  CHECK(w.depth() == 0);
  const auto one = store.alert_history(1, 0, 10, true)->items;  // newest first
  REQUIRE(one.size() == 2);
  CHECK(out.alerts[0].id == one[1].id);
  CHECK(out.alerts[1].id == one[0].id);
  CHECK(metrics.alerts_queue_overflow.load() == 0);
}

TEST_CASE("alert writer: a store that is down hands alerts over at once, without ids",
          "[web][alerts]") {
  PgPool down("postgresql://nobody@127.0.0.1:1/none");
  PgAccountStore store(down);
  WebMetrics metrics;
  Log log;
  StderrCapture err;
  Delivered out;
  AlertWriter w(store, 100, metrics, log, out.callback());
  CHECK(w.healthy());
  w.start();
  const auto queued = std::chrono::steady_clock::now();
  CHECK(w.add({alert(1, "{}"), alert(1, "{}")}, true));
  const auto deadline = queued + std::chrono::seconds(10);
  while (metrics.alerts_not_stored.load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  w.stop();
  // Handed over once, after the first attempt (not after the retries, a second apart).
  REQUIRE(out.alerts.size() == 2);
  CHECK(out.alerts[0].id == 0);
  CHECK(out.alerts[1].id == 0);
  CHECK(out.first - queued < std::chrono::milliseconds(900));
  CHECK(metrics.alerts_not_stored.load() == 2);
  CHECK(!w.healthy());  // the hub sends by itself until the store answers again
}
