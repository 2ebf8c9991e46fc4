// The web layer's consumer of the engine's events: a thread that takes what WebEventSink
// buffered (every --ws-batch-ms, or at once with 0), keeps this run's market data for the API
// (without a database), and fans events out to WebSocket clients:
// - bars, indicator updates and pattern/indicator events of a (symbol, timeframe) go to the
//   clients whose chart subscribed to it; within a batch only the latest update of each bar
//   and kind is sent;
// - a pattern goes, as a pattern_alert, to every user one of whose enabled subscriptions
//   matches it (pattern, symbols, timeframes, min confidence): into their alert history,
//   pending until a client acknowledges it, and to their open connections with the id it was
//   stored under. The AlertWriter does both, storing first (its thread: the hub never waits for
//   the database); while the store fails or is slow the hub sends the alerts itself, without
//   ids.
// It also closes the WebSockets of sessions that ended: at once for those ended through this
// server (close_sessions), and by re-checking every open socket's session every
// `session_check` for the rest (another server, the `user` command, expiry).
// Each message is serialised once and shared by all its recipients; the pattern alerts of one
// round go to a connection as one frame of newline-separated messages (a burst of alerts at a
// bar close costs each client one write), and connections due the same messages share that
// frame: a user's connections (each user's copy of an alert has its own id), or every user's
// when the alerts could not be stored.
#ifndef TICKSTOCKAPP_WEB_LIVE_WEB_HUB_H_
#define TICKSTOCKAPP_WEB_LIVE_WEB_HUB_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.h"
#include "web/api/web_metrics.h"
#include "web/http/worker_pool.h"
#include "web/http/ws_types.h"
#include "web/live/alert_writer.h"
#include "web/live/web_event_sink.h"
#include "web/store/account_store.h"
#include "web/store/memory_market_data.h"
#include "web/store/session_cache.h"

namespace tickstock::app {

struct WebHubOptions {
  std::chrono::milliseconds batch{250};  // how often buffered events are sent (0: at once)
  std::size_t max_charts_per_client = 50;
  std::chrono::seconds session_check{3};  // open sockets' sessions are re-checked this often
  std::size_t alert_queue = 100000;       // alerts waiting for the store at most
};

class HubClient;

class WebHub {
 public:
  // REQUIRES: everything referenced outlives the hub; `memory` may be null (a database serves
  // the API).
  WebHub(WebHubOptions options, WebEventSink& events, MemoryMarketData* memory,
         AccountStore& accounts, WorkerPool& pool, WebMetrics& metrics, Log& log);
  // Stops (see stop()).
  ~WebHub();
  WebHub(const WebHub&) = delete;
  WebHub& operator=(const WebHub&) = delete;

  void start();
  // Handles what is left, then joins (the alerts routed by then are stored). Idempotent.
  void stop();
  // A WebSocket peer for `user` in session `token_hash`. Once it opens it joins the hub, then
  // is greeted (on a worker) with the first page of the alerts that wait for the user and how
  // many wait: an alert stored after that read reaches it live, one stored before is in the
  // page or the count (or both: the client tells them apart by id).
  std::shared_ptr<WsPeer> connect(const User& user, std::string token_hash);
  // Closes the user's open WebSockets of the sessions `which` says (relative to `token_hash`),
  // with a policy close (1008); `reason` is the disconnect metric's.
  void close_sessions(std::int64_t user_id, const std::string& token_hash, EndedSessions which);
  // Sends `message` (one JSON object) to the user's open WebSockets; any thread. The job
  // runners' backtest_progress and backtest_result events for the job's owner.
  void send_to_user(std::int64_t user_id, std::string message);
  // The subscriptions changed: they are read again before the next batch.
  void subscriptions_changed() { subscriptions_dirty_ = true; }

  // For HubClient (any thread).
  void join(const std::shared_ptr<HubClient>& c);
  void leave(HubClient* c, const std::string& reason);
  // Adds or removes a chart subscription; false (and nothing changed) when the client has too
  // many. Costs O(log n) in the client's and the hub's keys, whatever the number of clients.
  bool chart(HubClient* c, const std::string& key, bool subscribe);
  // Chart keys with at least one subscriber.
  std::size_t chart_keys();
  // Reads the greeting of a client that joined (on a worker) and sends it.
  void greet(const std::shared_ptr<HubClient>& c);
  // Marks the client's user's alerts `ids` delivered (on a worker); the client is told.
  void ack(const std::shared_ptr<HubClient>& c, std::vector<std::int64_t> ids);

 private:
  struct Outgoing {
    std::string chart_key;  // "SYMBOL|tf"
    std::shared_ptr<const std::string> message;
    std::uint64_t conflate_key;
  };
  void run();
  void handle(const WebEvent& e, std::vector<Outgoing>& out,
              std::map<std::uint64_t, std::size_t>& latest);
  void route_alert(const WebEvent& e, const std::string& symbol, double price);
  void send_charts(std::vector<Outgoing>& out);
  // Hands the round's alerts to the writer (or sends them, see above).
  void send_alerts();
  // Sends `alerts` to their users' open connections (any thread).
  void deliver(const std::vector<StoredAlert>& alerts);
  void reload_subscriptions();
  void unchart(HubClient* c, const std::string& key);  // REQUIRES: mu_ held
  // Every session_check: the sessions of the open sockets are read again (on a worker) and
  // the sockets of those that ended are closed.
  void check_sessions();
  void close_ended(const std::vector<std::string>& checked, std::vector<std::string> live);

  WebHubOptions opt_;
  WebEventSink& events_;
  MemoryMarketData* memory_;
  AccountStore& accounts_;
  WorkerPool& pool_;
  WebMetrics& metrics_;
  Log& log_;
  AlertWriter writer_;
  std::thread thread_;
  std::atomic<bool> subscriptions_dirty_{true};
  std::atomic<bool> checking_{false};  // a session check is on a worker

  // Hub thread only.
  std::map<std::pair<std::uint32_t, Timeframe>, Bar> last_bar_;  // a detection's price, volume
  std::vector<Subscription> subscriptions_;
  // The pattern alerts of this round and the users they go to (sorted, unique).
  struct RoundAlert {
    std::shared_ptr<const std::string> message;
    std::vector<std::int64_t> users;
  };
  std::vector<RoundAlert> round_;
  std::chrono::steady_clock::time_point next_check_{};

  std::mutex mu_;  // guards the registry below
  std::unordered_map<std::int64_t, std::vector<std::weak_ptr<HubClient>>> by_user_;
  std::map<std::string, std::set<HubClient*>> by_chart_;  // no empty sets
  std::unordered_map<HubClient*, std::weak_ptr<HubClient>> clients_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_LIVE_WEB_HUB_H_
