// Dashboard: builds the web layer's parts in dependency order and stops them in reverse.
#include "web/dashboard.h"

#include <ctime>
#include <fstream>

#include "web/store/memory_account_store.h"
#include "web/store/passwords.h"
#include "web/store/pg_account_store.h"
#include "web/store/pg_market_data.h"

namespace tickstock::app {

Dashboard::Dashboard(DashboardOptions settings, const std::string& database_url, Log& log)
    : settings_(std::move(settings)),
      log_(log),
      // A connection for each worker of both pools, the hub and the alert writer.
      pool_(database_url.empty()
                ? nullptr
                : std::make_unique<PgPool>(
                      database_url,
                      static_cast<std::size_t>(settings_.workers + settings_.hash_workers + 2),
                      settings_.app.db_timeouts)),
      accounts_(pool_ ? std::unique_ptr<AccountStore>(
                            std::make_unique<PgAccountStore>(*pool_, settings_.alert_history))
                      : std::make_unique<MemoryAccountStore>(settings_.alert_history)),
      memory_market_(pool_ ? nullptr : std::make_unique<MemoryMarketData>()),
      pg_market_(pool_ ? std::make_unique<PgMarketData>(*pool_) : nullptr),
      backtests_(pool_ ? std::make_unique<BacktestJobs>(*pool_, database_url) : nullptr),
      workers_(settings_.workers, settings_.worker_queue),
      // A short queue: a login waits at most a few hashes' time, or is told to retry.
      hashing_(settings_.hash_workers, static_cast<std::size_t>(settings_.hash_workers) * 8),
      hub_(settings_.hub, events_, memory_market_.get(), *accounts_, workers_, metrics_, log) {}

Dashboard::~Dashboard() { stop(); }

Result<void> Dashboard::bootstrap_admin() {
  const std::string& file = settings_.admin_password_file;
  if (file.empty()) {
    // In memory no account exists at start and `user add` cannot reach one: without this
    // line the login page is a wall nobody is told how to pass.
    if (!pool_)
      log_.warn(
          "http: accounts are in memory and there is no admin: give --admin-password-file FILE "
          "(TICKSTOCK_ADMIN_PASSWORD_FILE; first line = password, --admin-user names it) to "
          "create one at start, or a --database-url and `tickstockapp user add NAME --role "
          "admin`");
    return {};
  }
  std::ifstream in(file);
  std::string password;
  if (!in || !std::getline(in, password))
    return fail("--admin-password-file '", file, "': cannot be read");
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (auto ok = check_password(password); !ok)
    return fail("--admin-password-file '", file, "': ", ok.error().message);
  auto admins = accounts_->count_admins();
  if (!admins) return fail("dashboard accounts: ", admins.error().message);
  if (*admins > 0) return {};
  auto hash = hash_password(password, settings_.app.auth.hash_cost);
  if (!hash) return hash.error();
  auto made = accounts_->create_user(settings_.admin_user, *hash, Role::kAdmin, std::time(nullptr));
  if (!made) return fail("dashboard accounts: ", made.error().message);
  if (!*made) return fail("--admin-user '", settings_.admin_user, "' exists and is not an admin");
  log_.info("http: created the admin user '" + settings_.admin_user + "'");
  return {};
}

Result<void> Dashboard::start(WebSources sources) {
  if (auto r = bootstrap_admin(); !r) return r;
  MarketData& market = pool_ ? *pg_market_ : static_cast<MarketData&>(*memory_market_);
  app_ = std::make_unique<WebApp>(
      settings_.app, std::move(sources),
      WebServices{*accounts_, market, metrics_, &hub_, &hashing_, backtests_.get()}, workers_,
      log_);
  server_ = std::make_unique<HttpServer>(settings_.server, *app_, log_);
  if (auto r = server_->start(); !r) return r;
  app_->set_http_stats(&server_->stats());
  hub_.start();
  return {};
}

void Dashboard::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_) server_->stop();
  hub_.stop();  // its last alerts are stored
  hashing_.stop();
  workers_.stop();
}

}  // namespace tickstock::app
