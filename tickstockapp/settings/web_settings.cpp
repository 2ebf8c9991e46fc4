// --http and the dashboard's other settings.
#include "settings/web_settings.h"

#include <sstream>
#include <unistd.h>

#include "web/http/client_address.h"
#include "web/store/passwords.h"

namespace tickstock::app {

void declare_web_settings(Settings& s) {
  s.add("--http", "TICKSTOCK_HTTP", "",
        "dashboard listen address host:port (port 0: any free port); empty = no dashboard");
  s.add("--http-tls-cert", "TICKSTOCK_HTTP_TLS_CERT", "",
        "PEM certificate chain: with --http-tls-key, the dashboard speaks only TLS");
  s.add("--http-tls-key", "TICKSTOCK_HTTP_TLS_KEY", "", "PEM private key for --http-tls-cert");
  s.add("--web-root", "TICKSTOCK_WEB_ROOT", "",
        "directory of the UI's files; empty = the web/ installed next to the binary");
  s.add("--http-threads", "TICKSTOCK_HTTP_THREADS", "1", "io threads of the dashboard");
  s.add("--http-workers", "TICKSTOCK_HTTP_WORKERS", "2",
        "threads for the dashboard's database queries");
  s.add("--http-hash-workers", "TICKSTOCK_HTTP_HASH_WORKERS", "1",
        "threads for password checks (argon2id, 64 MiB each), apart from the other workers");
  s.add("--http-body-limit-kb", "TICKSTOCK_HTTP_BODY_LIMIT_KB", "64",
        "larger request bodies are refused with 413");
  s.add("--http-timeout-s", "TICKSTOCK_HTTP_TIMEOUT_S", "30",
        "time to receive a request (and keep-alive idle time) and to send a response");
  s.add("--http-max-connections", "TICKSTOCK_HTTP_MAX_CONNECTIONS", "10000",
        "connections beyond this are closed at once (counted)");
  s.add("--http-max-connections-per-ip", "TICKSTOCK_HTTP_MAX_CONNECTIONS_PER_IP", "64",
        "connections from one client address (IPv6: one /64) beyond this are closed at once "
        "(counted); trusted proxies are exempt");
  s.add("--http-fd-reserve", "TICKSTOCK_HTTP_FD_RESERVE", "128",
        "file descriptors kept from HTTP connections for the database, Redis and files (at most "
        "a quarter of the open-file limit, which serve raises to its hard limit)");
  s.add_list("--trusted-proxy", "TICKSTOCK_TRUSTED_PROXY",
             "CIDR of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed "
             "(repeatable or comma-separated)");
  s.show_default("--trusted-proxy", "none: the headers are ignored");
  s.add_switch("--cookie-secure", "TICKSTOCK_COOKIE_SECURE",
               "mark cookies Secure even without --http-tls-cert (TLS ends at a proxy in front)");
  s.add("--http-db-timeout-s", "TICKSTOCK_HTTP_DB_TIMEOUT_S", "10",
        "the dashboard's PostgreSQL statement_timeout (unless the URL, role or database sets "
        "one); an answer is awaited 3 s longer, then the connection is dropped. Connecting "
        "waits connect_timeout (5 s unless the URL says)");
  s.add("--ready-feed-max-age-s", "TICKSTOCK_READY_FEED_MAX_AGE_S", "120",
        "/ready: the feed must have produced something within this many seconds");
  s.add_switch("--registration", "TICKSTOCK_REGISTRATION",
               "anyone may create a user account (POST /api/auth/register)");
  s.add("--session-ttl-h", "TICKSTOCK_SESSION_TTL_H", "12", "a login lasts this many hours");
  s.add("--login-max-failures", "TICKSTOCK_LOGIN_MAX_FAILURES", "5",
        "failed logins of one account from one address before each next try waits (1 s, "
        "doubling)");
  s.add("--login-lockout-s", "TICKSTOCK_LOGIN_LOCKOUT_S", "900",
        "the longest wait between tries of one account from one address");
  s.add("--login-rate-ip", "TICKSTOCK_LOGIN_RATE_IP", "0.2/5",
        "password checks (login, register, password change) per second per client IP "
        "[/burst]; 0 = no limit");
  s.add("--alert-history", "TICKSTOCK_ALERT_HISTORY", "1000",
        "pattern alerts kept per user (the oldest beyond go)");
  s.add("--rate-limit-ip", "TICKSTOCK_RATE_LIMIT_IP", "50/100",
        "API requests per second per client IP [/burst]; 0 = no limit");
  s.add("--rate-limit-user", "TICKSTOCK_RATE_LIMIT_USER", "20/40",
        "API requests per second per user [/burst]; 0 = no limit");
  s.add("--admin-user", "TICKSTOCK_ADMIN_USER", "admin",
        "with --admin-password-file: the admin created when there is none");
  s.add("--admin-password-file", "TICKSTOCK_ADMIN_PASSWORD_FILE", "",
        "file whose first line is the password of the admin created when there is none");
  s.add("--password-hash-cost", "TICKSTOCK_PASSWORD_HASH_COST", "interactive",
        "argon2id cost of new passwords: interactive (64 MiB), or minimum (tests only)");
  s.add("--ws-batch-ms", "TICKSTOCK_WS_BATCH_MS", "250",
        "WebSocket updates are batched this long (latest per symbol and kind); 0 = off");
  s.add("--ws-queue-kb", "TICKSTOCK_WS_QUEUE_KB", "1024",
        "bytes queued to one WebSocket client before it is disconnected as too slow (updates "
        "are conflated from a quarter of it)");
  s.add("--allowed-origins", "TICKSTOCK_ALLOWED_ORIGINS", "",
        "comma-separated Origins that may open /ws besides the server's own (e.g. a proxy's)");
}

Result<std::optional<WebSettings>> web_settings(const Settings& s) {
  const std::string& http = s.get("--http");
  if (http.empty()) return std::optional<WebSettings>();
  WebSettings w;
  const auto colon = http.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return fail("--http '", http, "': expected host:port, e.g. 127.0.0.1:8080");
  w.server.host = http.substr(0, colon);
  if (w.server.host.size() > 2 && w.server.host.front() == '[' && w.server.host.back() == ']')
    w.server.host = w.server.host.substr(1, w.server.host.size() - 2);
  if (w.server.host == "localhost") w.server.host = "127.0.0.1";
  char* end = nullptr;
  const long port = std::strtol(http.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || end == http.c_str() + colon + 1 || port < 0 || port > 65535)
    return fail("--http '", http, "': the port must be a number from 0 to 65535");
  w.server.port = static_cast<int>(port);
  w.server.tls_cert = s.get("--http-tls-cert");
  w.server.tls_key = s.get("--http-tls-key");
  if (w.server.tls_cert.empty() != w.server.tls_key.empty())
    return fail("--http-tls-cert and --http-tls-key go together");
  auto threads = s.get_int("--http-threads", 1, 64);
  auto workers = s.get_int("--http-workers", 1, 64);
  auto hash_workers = s.get_int("--http-hash-workers", 1, 64);
  auto history = s.get_int("--alert-history", 1, 1'000'000);
  auto body = s.get_int("--http-body-limit-kb", 1, 1024 * 1024);
  auto timeout = s.get_int("--http-timeout-s", 1, 3600);
  auto maxconn = s.get_int("--http-max-connections", 1, 1'000'000);
  auto per_ip = s.get_int("--http-max-connections-per-ip", 1, 1'000'000);
  auto reserve = s.get_int("--http-fd-reserve", 0, 1'000'000);
  auto db_timeout = s.get_int("--http-db-timeout-s", 1, 3600);
  auto age = s.get_int("--ready-feed-max-age-s", 1, 86400 * 7);
  auto ttl = s.get_int("--session-ttl-h", 1, 24 * 365);
  auto failures = s.get_int("--login-max-failures", 1, 1000);
  auto lockout = s.get_int("--login-lockout-s", 0, 86400 * 30);
  auto batch = s.get_int("--ws-batch-ms", 0, 60000);
  auto queue_kb = s.get_int("--ws-queue-kb", 16, 1024 * 1024);
  for (const auto* r :
       {&threads, &workers, &hash_workers, &history, &body, &timeout, &maxconn, &per_ip, &reserve,
        &db_timeout, &age, &ttl, &failures, &lockout, &batch, &queue_kb})
    if (!*r) return r->error();
  for (const char* flag : {"--rate-limit-ip", "--rate-limit-user", "--login-rate-ip"}) {
    const std::string f = flag;
    RateLimit& l = f == "--rate-limit-ip"     ? w.app.ip_limit
                   : f == "--rate-limit-user" ? w.app.user_limit
                                              : w.app.auth.login_rate;
    if (!parse_rate_limit(s.get(flag), l))
      return fail(flag, " '", s.get(flag), "': expected RATE or RATE/BURST, e.g. 50/100");
  }
  const std::string& cost = s.get("--password-hash-cost");
  if (cost != "interactive" && cost != "minimum")
    return fail("--password-hash-cost '", cost, "': expected interactive or minimum");
  w.app.auth.hash_cost = cost == "minimum" ? HashCost::kMinimum : HashCost::kInteractive;
  w.app.auth.registration = s.on("--registration");
  w.app.auth.session_ttl = std::chrono::seconds(*ttl * 3600);
  w.app.auth.max_failures = static_cast<int>(*failures);
  w.app.auth.lockout = std::chrono::seconds(*lockout);
  w.hub.batch = std::chrono::milliseconds(*batch);
  w.server.ws_queue_limit = static_cast<std::size_t>(*queue_kb) * 1024;
  std::stringstream origins(s.get("--allowed-origins"));
  for (std::string o; std::getline(origins, o, ',');)
    if (!o.empty()) w.app.allowed_origins.push_back(o);
  w.admin_user = s.get("--admin-user");
  w.admin_password_file = s.get("--admin-password-file");
  if (auto ok = check_username(w.admin_user); !ok)
    return fail("--admin-user '", w.admin_user, "': ", ok.error().message);
  w.server.threads = static_cast<int>(*threads);
  w.workers = static_cast<int>(*workers);
  w.hash_workers = static_cast<int>(*hash_workers);
  w.alert_history = static_cast<std::size_t>(*history);
  w.server.body_limit = static_cast<std::size_t>(*body) * 1024;
  w.server.request_timeout = std::chrono::seconds(*timeout);
  w.server.max_connections = static_cast<std::size_t>(*maxconn);
  w.server.max_connections_per_ip = static_cast<std::size_t>(*per_ip);
  w.server.fd_reserve = static_cast<std::size_t>(*reserve);
  auto proxies = parse_cidr_list(s.get("--trusted-proxy"));
  if (!proxies) return fail("--trusted-proxy ", proxies.error().message);
  w.server.trusted_proxies = std::move(*proxies);
  w.server.cookie_secure = s.on("--cookie-secure");
  w.app.ready_feed_max_age = std::chrono::seconds(*age);
  w.app.db_timeouts.statement = std::chrono::seconds(*db_timeout);
  w.app.web_root =
      s.get("--web-root").empty() ? default_web_root() : std::filesystem::path(s.get("--web-root"));
  return std::optional<WebSettings>(std::move(w));
}

std::filesystem::path default_web_root() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto dir = exe.parent_path();
  for (const auto& p : {dir / "web", dir.parent_path() / "share" / "tickstock" / "web"})
    if (std::filesystem::is_directory(p / ".", ec)) return p;
  return {};
}

}  // namespace tickstock::app
