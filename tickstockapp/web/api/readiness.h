// /ready's checks (the database, Redis, the feed's freshness) and its answer. The checks are
// made at most once per `cache` (a flood of /ready calls costs no more than one a second: no
// PostgreSQL connection per call); the answer gives each check's detail (libpq's and Redis's
// error text, which name hosts and users) only to admins.
#ifndef TICKSTOCKAPP_WEB_API_READINESS_H_
#define TICKSTOCKAPP_WEB_API_READINESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tickstock/redis_sink.h"

#include "feeds/feed.h"
#include "web/http/http_types.h"
#include "web/store/pg_pool.h"

namespace tickstock::app {

// One dependency: configured or not, fine or not, and what was seen.
struct ReadyCheck {
  const char* name;
  bool configured;
  bool ok;
  std::string detail;
};

// What the checks look at. REQUIRES: feed and feed_running set; all outlive the Readiness.
struct ReadinessSources {
  std::string database_url;  // "" = no database
  const RedisSink* redis = nullptr;
  Feed* feed = nullptr;
  const std::atomic<bool>* feed_running = nullptr;
  std::chrono::seconds feed_max_age{120};  // the feed must have produced an item within this
  PgTimeouts timeouts;                     // for the database check's connection
};

// Thread-safe.
class Readiness {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Readiness(ReadinessSources src,
                     std::chrono::milliseconds cache = std::chrono::seconds(1))
      : src_(std::move(src)), cache_(cache) {}
  // The checks if made within `cache`, else nullopt (never blocks).
  std::optional<std::vector<ReadyCheck>> cached();
  // The checks: the cached ones when fresh or while another thread is making new ones, else made
  // now (may block on PostgreSQL for up to its connect timeout: workers only).
  std::vector<ReadyCheck> checks();

 private:
  std::vector<ReadyCheck> make();
  ReadyCheck feed_check();

  ReadinessSources src_;
  std::chrono::milliseconds cache_;
  std::mutex mu_;
  std::uint64_t last_items_ = 0;  // the feed's item count when last seen to move
  Clock::time_point last_change_ = Clock::now();
  std::vector<ReadyCheck> checks_;
  Clock::time_point made_at_{};
  bool made_ = false;
  bool making_ = false;  // a thread is making new checks
};

// The /ready answer: 200 when every check is ok, else 503; details only when `details`.
HttpResponse ready_response(const std::vector<ReadyCheck>& checks, bool details);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_API_READINESS_H_
