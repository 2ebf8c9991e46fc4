// Logging in to serve's dashboard in tests, and the headers of a logged-in request.
#ifndef TICKSTOCK_TESTS_APP_WEB_API_SUPPORT_H_
#define TICKSTOCK_TESTS_APP_WEB_API_SUPPORT_H_

#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/web/web_serve.h"
#include "support/web_client.h"

namespace tickstock::test {

constexpr const char* kAdminPassword = "admin-password-1";

// The file holding kAdminPassword (for --admin-password-file).
inline const std::string& admin_password_file() {
  static const std::string file = write_temp("admin-password", std::string(kAdminPassword) + "\n");
  return file;
}

// serve's arguments for an API test: cheap password hashing and no limit on password checks
// per address (the tests log in often; those of the limits set them), an admin "admin" with
// kAdminPassword, and `extra` (later flags win).
inline std::vector<std::string> api_args(const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a{"--password-hash-cost",  "minimum",
                             "--login-rate-ip",       "0",
                             "--admin-password-file", admin_password_file()};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

struct Login {
  HttpReply reply;
  std::string cookie;  // "tickstock_session=..."
  std::string csrf;
  bool ok() const { return reply.status == 200 && !cookie.empty() && !csrf.empty(); }
};

inline std::string credentials_json(const std::string& user, const std::string& password) {
  return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
}

inline Login login(HttpClient& c, const std::string& user, const std::string& password) {
  Login l;
  l.reply = c.request("POST", "/api/auth/login", credentials_json(user, password),
                      {{"Content-Type", "application/json"}});
  for (const std::string& sc : l.reply.set_cookies)
    if (sc.rfind("tickstock_session=", 0) == 0) l.cookie = sc.substr(0, sc.find(';'));
  l.csrf = json_field(l.reply.body, "csrf_token");
  return l;
}

// Cookie, CSRF token and JSON content type.
inline Headers auth(const Login& l) {
  return {{"Cookie", l.cookie}, {"X-CSRF-Token", l.csrf}, {"Content-Type", "application/json"}};
}

// The "id" of every item in a list answer.
inline std::set<std::string> ids_of(const std::string& body) {
  std::set<std::string> ids;
  for (std::size_t p = body.find("{\"id\":"); p != std::string::npos;
       p = body.find("{\"id\":", p + 1))
    ids.insert(json_field(body.substr(p), "id"));
  return ids;
}

// The ids of the user's alerts (pending only, or all), paging through GET /api/alerts `limit`
// a page; no page may overlap another.
inline std::set<std::string> alert_ids(HttpClient& c, const Login& who, bool pending,
                                       int limit = 37) {
  std::set<std::string> ids;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    const HttpReply r =
        c.get("/api/alerts?limit=" + std::to_string(limit) + (pending ? "&pending=true" : "") +
                  (cursor.empty() ? "" : "&cursor=" + cursor),
              auth(who));
    REQUIRE(r.status == 200);
    for (const auto& id : ids_of(r.body)) CHECK(ids.insert(id).second);
    cursor = json_field(r.body, "next");
    if (cursor == "null") break;
  }
  return ids;
}

// A /ws client's headers: the session cookie and the server's own Origin.
inline Headers ws_headers(const Login& l, int port) {
  return {{"Cookie", l.cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(port)}};
}

// Messages of `type` received within `wait` (stops early after `enough`).
inline std::vector<std::string> ws_collect(WsClient& ws, const std::string& type,
                                           std::chrono::milliseconds wait, std::size_t enough = 1) {
  std::vector<std::string> got;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (got.size() < enough && std::chrono::steady_clock::now() < deadline) {
    // A frame may hold several messages, one a line.
    std::istringstream frame(ws.receive(std::chrono::milliseconds(200)));
    for (std::string m; std::getline(frame, m);)
      if (json_field(m, "type") == type) got.push_back(m);
    if (ws.closed()) break;
  }
  return got;
}

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_APP_WEB_API_SUPPORT_H_
