// One abuse run: a migrated throwaway database with users, `serve --feed redis --http` on it
// and the test's Redis, and what the suite asks of them (logins, publishing, the trader's
// traffic, memory readings, and what was stored in the end).
#ifndef TICKSTOCK_TESTS_ABUSE_ABUSE_RUN_H_
#define TICKSTOCK_TESTS_ABUSE_ABUSE_RUN_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tickstock/redis_events.h"

#include "abuse/attacks.h"
#include "abuse/market_producer.h"
#include "support/pg_test_db.h"

namespace tickstock::test {

class WebServe;
class RedisCommands;

struct UserSession {
  std::string name;
  std::string cookie;  // "tickstock_session=..."
  std::string csrf;
  bool ok() const { return !cookie.empty() && !csrf.empty(); }
};

struct Rss {
  long rss_kb = 0;   // VmRSS now
  long peak_kb = 0;  // VmHWM: the most it ever held
};

struct Traffic {
  Tally requests;  // by status
};

struct AlertCount {
  long long stored = 0;    // alerts kept for the user
  long long expected = 0;  // detections that match the user's subscription
};

struct BarCheck {
  int expected = 0;        // good minute bars sent
  int exact = 0;           // stored with exactly the expected OHLCV
  int bad_symbols = 0;     // stored symbols outside the ticker grammar
  int future_bars = 0;     // bars stamped more than a day after now
  int random_symbols = 0;  // RND* symbols that got bars (bounded by --max-symbols)
};

class AbuseRun {
 public:
  // Migrates `db`, adds the users alice, ben and mallory (password "<name>-password-1") and an
  // admin, and starts serve with Redis under `prefix` and `extra` arguments.
  AbuseRun(const TestDatabase& db, const std::string& prefix,
           const std::vector<std::string>& extra);
  ~AbuseRun();
  AbuseRun(const AbuseRun&) = delete;
  AbuseRun& operator=(const AbuseRun&) = delete;

  int port() const;
  const RedisChannels& channels() const { return channels_; }

  UserSession login(const std::string& name);
  int logout(const UserSession& s);
  // Subscribes `s` to every pattern on `symbols` in `timeframe`; the HTTP status.
  int subscribe(const UserSession& s, const std::vector<std::string>& symbols,
                const std::string& timeframe);

  // Publishes messages on the raw data channel.
  void publish(const std::vector<std::string>& messages);
  // Publishes trades [begin, end), pausing `pause` after every 50 and sending `extras` after
  // every 500.
  void publish_trades(const std::vector<GoodTrade>& trades, std::size_t begin, std::size_t end,
                      std::chrono::milliseconds pause, const std::vector<std::string>& extras = {});
  // Waits until PostgreSQL holds `n` minute bars of GOOD* symbols (or `limit` passes).
  void wait_for_bars(std::size_t n, std::chrono::milliseconds limit);

  Rss rss() const;
  std::string metrics();
  // The trader's requests (her session, her account's pages) every 100 ms until `stop`.
  Traffic trade_while(const UserSession& s, const std::atomic<bool>& stop);

  // Stops serve (SIGINT: it flushes everything) and counts `s`'s stored alerts against the
  // detections of `symbols` in `timeframe`.
  AlertCount stop_and_count_alerts(const UserSession& s, const std::vector<std::string>& symbols,
                                   const std::string& timeframe);
  // Compares the stored minute bars with `expected` ("SYMBOL epoch_s" -> bar).
  BarCheck check_bars(const std::map<std::string, MinuteBar>& expected) const;
  // serve's exit code (after stop_and_count_alerts).
  int exit_code() const { return exit_code_; }

 private:
  const TestDatabase& db_;
  RedisChannels channels_;
  std::unique_ptr<RedisCommands> redis_;
  std::unique_ptr<WebServe> serve_;
  int exit_code_ = -1;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_ABUSE_ABUSE_RUN_H_
