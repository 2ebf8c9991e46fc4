// Logins against password guessing, over real sockets (serve in memory mode, several client
// addresses on 127.0.0.0/8): every refusal looks alike; failures delay one (account, address)
// with doubling waits, never the account's owner elsewhere; password changes count too; the
// rate of password checks per address; the tracking map's bound.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "web/api/login_guard.h"

using namespace tickstock::test;
using tickstock::app::LoginGuard;
using tickstock::app::LoginGuardOptions;

namespace {

using Clock = std::chrono::steady_clock;

// A login's answer and how long it took.
struct Timed {
  HttpReply reply;
  double seconds = 0;
};

Timed timed_login(HttpClient& c, const std::string& user, const std::string& password) {
  const auto t0 = Clock::now();
  Timed t{login(c, user, password).reply, 0};
  t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return t;
}

// The server's count of password verifications (tickstock_auth_password_checks_total).
long long password_checks(HttpClient& c) {
  const std::string m = c.get("/metrics").body;
  const std::string name = "\ntickstock_auth_password_checks_total ";
  const auto at = m.find(name);
  return at == std::string::npos ? -1 : std::stoll(m.substr(at + name.size()));
}

// The headers of an answer that may tell one refusal from another (not Date).
std::string telling_headers(const HttpReply& r) {
  std::string out;
  for (const auto& [k, v] : r.headers)
    if (k != "date") out += k + ": " + v + "\n";
  return out;
}

}  // namespace

TEST_CASE("dashboard: every failed login is the same 401 after the same password check",
          "[app][web][api][auth]") {
  // The real hashing cost (argon2id interactive), as a deployment has it.
  WebServe serve({"--admin-password-file", admin_password_file(), "--login-rate-ip", "0",
                  "--login-max-failures", "3", "--registration"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Headers json{{"Content-Type", "application/json"}};
  const HttpReply made =
      c.request("POST", "/api/auth/register", credentials_json("dora", "dora-password"), json);
  REQUIRE(made.status == 201);
  const std::string dora_id = json_field(made.body, "id");
  const Login admin = login(c, "admin", kAdminPassword);
  REQUIRE(admin.ok());
  REQUIRE(c.request("PATCH", "/api/admin/users/" + dora_id, "{\"enabled\":false}", auth(admin))
              .status == 200);
  // The admin, from 127.0.0.2, fails eight times: that address must now wait 2^(8-3) = 32 s
  // (longer than the rounds below take, even in a sanitizer build).
  HttpClient other(serve.port(), false, "127.0.0.2");
  for (int i = 0; i < 8; ++i) REQUIRE(login(other, "admin", "wrong-password").reply.status == 401);

  struct Case {
    const char* what;
    HttpClient* client;
    std::string user, password;
  };
  const std::vector<Case> cases = {
      {"wrong password", &c, "admin", "wrong-password"},
      {"unknown user", &c, "nobody", "wrong-password"},
      {"disabled, right password", &c, "dora", "dora-password"},
      {"disabled, wrong password", &c, "dora", "wrong-password"},
      {"delayed address, right password", &other, "admin", kAdminPassword},
      {"not a username", &c, "no such name!", "wrong-password"},
  };
  std::vector<std::vector<double>> times(cases.size());
  std::string body0, headers0;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const Case& k = cases[i];
      const long long checks = password_checks(c);
      const Timed t = timed_login(*k.client, k.user, k.password);
      INFO(k.what << ": " << t.reply.status << " " << t.reply.body);
      CHECK(t.reply.status == 401);
      CHECK(password_checks(c) == checks + 1);  // exactly one argon2id verification
      if (body0.empty()) {
        body0 = t.reply.body;
        headers0 = telling_headers(t.reply);
      }
      CHECK(t.reply.body == body0);
      CHECK(telling_headers(t.reply) == headers0);
      CHECK(t.reply.set_cookies.empty());
      times[i].push_back(t.seconds);
    }
  }
  CHECK(body0 == "{\"error\":\"unauthorized\",\"detail\":\"wrong username or password\"}");
  // Each kind made exactly one verification (counted above), and it was the real one: an
  // argon2id check of the interactive cost takes 40-130 ms here, an answer without it about
  // 1 ms. Only a floor is checked: a busy machine slows answers down, never up, so comparing
  // kinds with each other would fail when the load changes between them.
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const double fastest = *std::min_element(times[i].begin(), times[i].end());
    INFO(cases[i].what << ": fastest " << fastest << " s");
    CHECK(fastest > 0.02);
  }
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: failures delay one account from one address, doubling, never elsewhere",
          "[app][web][api][auth]") {
  WebServe serve(api_args({"--login-max-failures", "2", "--login-lockout-s", "60"}));
  REQUIRE(serve.port() > 0);
  HttpClient owner(serve.port());
  HttpClient attacker(serve.port(), false, "127.0.0.3");
  // Many failures from the attacker's address do not lock the admin out at the owner's.
  for (int i = 0; i < 10; ++i)
    CHECK(login(attacker, "admin", "guess-" + std::to_string(i)).reply.status == 401);
  CHECK(login(owner, "admin", kAdminPassword).ok());
  // The attacker's address waits, even with the right password.
  CHECK(login(attacker, "admin", kAdminPassword).reply.status == 401);

  // Two failures (the limit) make the address wait 1 s; a try meanwhile, even with the right
  // password, is refused and doubles the wait.
  HttpClient c(serve.port(), false, "127.0.0.4");
  CHECK(login(c, "admin", "wrong-1").reply.status == 401);
  CHECK(login(c, "admin", "wrong-2").reply.status == 401);       // now 1 s
  CHECK(login(c, "admin", kAdminPassword).reply.status == 401);  // now 2 s
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(login(c, "admin", kAdminPassword).reply.status == 401);  // now 4 s
  std::this_thread::sleep_for(std::chrono::milliseconds(4200));
  CHECK(login(c, "admin", kAdminPassword).ok());
  // A success forgets the failures.
  CHECK(login(c, "admin", "wrong-4").reply.status == 401);
  CHECK(login(c, "admin", kAdminPassword).ok());
  // Unknown accounts are tracked the same way (tracking tells nothing about existence).
  for (int i = 0; i < 2; ++i) CHECK(login(c, "ghost", "wrong").reply.status == 401);
  const std::string m = owner.get("/metrics").body;
  CHECK(m.find("tickstock_auth_locked_logins_total 11\n") != std::string::npos);
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: wrong current passwords count as failed logins of that address",
          "[app][web][api][auth]") {
  WebServe serve(api_args({"--login-max-failures", "2", "--login-lockout-s", "60"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port(), false, "127.0.0.5");
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  auto change = [&](const std::string& current) {
    return c.request(
        "POST", "/api/auth/password",
        "{\"current_password\":\"" + current + "\",\"new_password\":\"new-password-1\"}", auth(l));
  };
  CHECK(change("wrong-1").status == 403);
  CHECK(change("wrong-2").status == 403);
  // Right, but this address must wait (1 s); each try meanwhile doubles the wait.
  const HttpReply waits = change(kAdminPassword);
  CHECK(waits.status == 429);
  CHECK(waits.header("retry-after") == "2");
  CHECK(change(kAdminPassword).header("retry-after") == "4");
  CHECK(login(c, "admin", kAdminPassword).reply.status == 401);  // the same count as logins
  HttpClient elsewhere(serve.port(), false, "127.0.0.6");
  CHECK(login(elsewhere, "admin", kAdminPassword).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(8200));
  CHECK(change(kAdminPassword).status == 200);
  CHECK(serve.stop() == 0);
}

TEST_CASE("dashboard: password checks per client address are rate-limited",
          "[app][web][api][auth]") {
  WebServe serve(api_args({"--login-rate-ip", "0.5/3"}));
  REQUIRE(serve.port() > 0);
  HttpClient a(serve.port(), false, "127.0.0.7");
  for (int i = 0; i < 3; ++i) CHECK(login(a, "admin", "wrong").reply.status == 401);
  const HttpReply limited = login(a, "admin", kAdminPassword).reply;
  CHECK(limited.status == 429);
  CHECK(limited.header("retry-after") == "2");
  CHECK(a.get("/api/auth/me").status == 401);  // other routes are not limited by it
  HttpClient b(serve.port(), false, "127.0.0.8");
  CHECK(login(b, "admin", kAdminPassword).ok());
  CHECK(serve.stop() == 0);
}

TEST_CASE("login guard: delays double up to the longest, and the map stays bounded",
          "[web][auth]") {
  LoginGuardOptions o;
  o.max_failures = 3;
  o.max_delay = std::chrono::seconds(10);
  o.max_tracked = 100;
  LoginGuard g(o);
  const auto t0 = Clock::now();
  CHECK(g.failed("Admin", "10.0.0.1", t0) == 0);
  CHECK(g.failed("admin", "10.0.0.1", t0) == 0);
  CHECK(g.failed("ADMIN", "10.0.0.1", t0) == 1);  // names are case-insensitive
  CHECK(g.delay("admin", "10.0.0.1", t0) == 1);
  CHECK(g.delay("admin", "10.0.0.2", t0) == 0);  // another address
  CHECK(g.delay("admin", "10.0.0.1", t0 + std::chrono::seconds(1)) == 0);
  CHECK(g.failed("admin", "10.0.0.1", t0) == 2);
  CHECK(g.failed("admin", "10.0.0.1", t0) == 4);
  CHECK(g.failed("admin", "10.0.0.1", t0) == 8);
  CHECK(g.failed("admin", "10.0.0.1", t0) == 10);  // the longest
  CHECK(g.failed("admin", "10.0.0.1", t0) == 10);
  g.succeeded("admin", "10.0.0.1");
  CHECK(g.delay("admin", "10.0.0.1", t0) == 0);
  // A flood of names from many addresses: never more than max_tracked pairs.
  for (int i = 0; i < 1000; ++i)
    g.failed("user" + std::to_string(i), "10.1." + std::to_string(i % 250) + ".1",
             t0 + std::chrono::milliseconds(i));
  CHECK(g.tracked() == 100);
  // The pairs that failed last are the ones kept: user999's first failure counts, user0's was
  // forgotten.
  const auto t1 = t0 + std::chrono::seconds(2);
  CHECK(g.failed("user999", "10.1.249.1", t1) == 0);
  CHECK(g.failed("user999", "10.1.249.1", t1) == 1);
  CHECK(g.failed("user0", "10.1.0.1", t1) == 0);
  CHECK(g.failed("user0", "10.1.0.1", t1) == 0);
  CHECK(g.tracked() == 100);
}
