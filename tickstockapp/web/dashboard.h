// Everything `serve --http` runs, put together: the engine's hand-off (a BarSink/ScanSink for
// serve's fan-outs), the account and market stores (PostgreSQL or memory), the worker pool,
// the hub thread, the request handling and the listener. serve makes it before the engine's
// sinks (to add events()) and starts it once the engine's counters exist.
#ifndef TICKSTOCKAPP_WEB_DASHBOARD_H_
#define TICKSTOCKAPP_WEB_DASHBOARD_H_

#include <memory>

#include "base/log.h"
#include "web/dashboard_options.h"
#include "web/http/http_server.h"
#include "web/http/worker_pool.h"
#include "web/live/web_event_sink.h"
#include "web/live/web_hub.h"
#include "web/store/account_store.h"
#include "web/store/backtest_jobs.h"
#include "web/store/market_data.h"
#include "web/store/memory_market_data.h"
#include "web/store/pg_pool.h"
#include "web/web_app.h"

namespace tickstock::app {

class Dashboard {
 public:
  // With `database_url` non-empty, accounts and market data are PostgreSQL's (REQUIRES: its
  // schema is current); otherwise they live in memory for this run.
  Dashboard(DashboardOptions settings, const std::string& database_url, Log& log);
  // Stops (see stop()).
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  // The engine's hand-off: add to serve's bar and scan fan-outs.
  WebEventSink& events() { return events_; }
  // Creates the admin of --admin-password-file when there is none, then starts the hub and the
  // listener. Errors: the password file, the store, the address or the TLS files.
  Result<void> start(WebSources sources);
  // Stops the listener (requests in progress finish), the workers and the hub. Idempotent.
  void stop();
  int port() const { return server_ ? server_->port() : 0; }
  // Sends a JSON message to the user's open WebSockets (any thread; nothing when none).
  void send_to_user(std::int64_t user_id, std::string message) {
    hub_.send_to_user(user_id, std::move(message));
  }
  bool tls() const { return server_ && server_->tls(); }

 private:
  Result<void> bootstrap_admin();

  DashboardOptions settings_;
  Log& log_;
  WebEventSink events_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<MemoryMarketData> memory_market_;
  std::unique_ptr<MarketData> pg_market_;
  std::unique_ptr<BacktestJobs> backtests_;
  WebMetrics metrics_;
  WorkerPool workers_;
  WorkerPool hashing_;  // password checks only
  WebHub hub_;
  std::unique_ptr<WebApp> app_;
  std::unique_ptr<HttpServer> server_;
  bool stopped_ = false;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_DASHBOARD_H_
