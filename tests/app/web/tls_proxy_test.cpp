// TLS as browsers expect it today (1.3, HSTS, a clean close_notify) and deployments behind a
// reverse proxy: Secure cookies on request, X-Forwarded-For/-Proto believed only from a
// trusted proxy, the real client address driving limits; IPv6 clients counted per /64.
#include <cstdlib>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "app/web/raw_socket.h"
#include "support/pg_test_db.h"
#include "web/http/client_address.h"

using namespace tickstock::test;
namespace net = boost::asio;
namespace ssl = net::ssl;

namespace {

// A self-signed certificate for 127.0.0.1 in a directory removed at the end.
class TestCert {
 public:
  TestCert() : dir_("/tmp/tickstock-tls-proxy-" + std::to_string(getpid())) {
    const std::string gen = "mkdir -p " + dir_ + " && openssl req -x509 -newkey ec -pkeyopt " +
                            "ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 " +
                            "-keyout " + dir_ + "/key.pem -out " + dir_ + "/cert.pem 2>/dev/null";
    ok_ = std::system(gen.c_str()) == 0;
  }
  ~TestCert() { std::system(("rm -rf " + dir_).c_str()); }
  bool ok() const { return ok_; }
  std::vector<std::string> args() const {
    return {"--http-tls-cert", dir_ + "/cert.pem", "--http-tls-key", dir_ + "/key.pem"};
  }

 private:
  std::string dir_;
  bool ok_ = false;
};

struct TlsExchange {
  std::string version;        // as OpenSSL names it: "TLSv1.3"
  std::string response;       // everything read
  bool close_notify = false;  // the server ended the TLS session cleanly
  std::string error;
};

// One request over TLS (up to `max_version`, 0: the newest), read until the server closes.
TlsExchange tls_exchange(int port, const std::string& request, int max_version = 0) {
  TlsExchange x;
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  if (max_version != 0) SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
  ssl::stream<net::ip::tcp::socket> s(ioc, ctx);
  boost::system::error_code ec;
  s.next_layer().connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)},
                         ec);
  if (!ec) s.handshake(ssl::stream_base::client, ec);
  if (ec) {
    x.error = ec.message();
    return x;
  }
  x.version = SSL_get_version(s.native_handle());
  net::write(s, net::buffer(request), ec);
  char buf[4096];
  for (;;) {
    const std::size_t n = s.read_some(net::buffer(buf), ec);
    x.response.append(buf, n);
    if (ec) break;
  }
  // Asio reports a received close_notify as eof, a TCP close without one as stream_truncated.
  x.close_notify = ec == net::error::eof;
  if (!x.close_notify) x.error = ec.message();
  return x;
}

const std::string kGetHealth =
    "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

std::string login_request(const std::string& extra_headers) {
  const std::string body = credentials_json("admin", kAdminPassword);
  return "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
         "Content-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The Set-Cookie line of the session cookie in a raw response.
std::string session_set_cookie(const std::string& response) {
  const auto at = response.find("Set-Cookie: tickstock_session=");
  if (at == std::string::npos) return "";
  return response.substr(at, response.find("\r\n", at) - at);
}

int status_of(const std::string& response) {
  return response.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(response.c_str() + 9) : 0;
}

}  // namespace

TEST_CASE("serve --http with TLS negotiates 1.3, sends HSTS and closes with close_notify",
          "[app][web][http][tls]") {
  TestCert cert;
  REQUIRE(cert.ok());
  WebServe serve(cert.args());
  REQUIRE(serve.port() > 0);
  const TlsExchange x = tls_exchange(serve.port(), kGetHealth);
  INFO(x.error);
  CHECK(x.version == "TLSv1.3");
  CHECK(status_of(x.response) == 200);
  CHECK(x.response.find("\r\nStrict-Transport-Security: max-age=31536000\r\n") !=
        std::string::npos);
  CHECK(x.close_notify);
  // TLS 1.2 clients are still served; nothing older is.
  const TlsExchange v12 = tls_exchange(serve.port(), kGetHealth, TLS1_2_VERSION);
  CHECK(v12.version == "TLSv1.2");
  CHECK(status_of(v12.response) == 200);
  CHECK(v12.close_notify);
  const TlsExchange v11 = tls_exchange(serve.port(), kGetHealth, TLS1_1_VERSION);
  CHECK(v11.version.empty());
  CHECK(!v11.error.empty());
  // Without TLS there is no HSTS (it would mean nothing over plain HTTP).
  WebServe plain({});
  REQUIRE(plain.port() > 0);
  HttpClient c(plain.port());
  const HttpReply r = c.get("/health");
  CHECK(r.status == 200);
  CHECK(r.header("strict-transport-security").empty());
  CHECK(serve.stop() == 0);
  CHECK(plain.stop() == 0);
}

TEST_CASE("serve --http --cookie-secure marks cookies Secure without TLS", "[app][web][http]") {
  WebServe secure(api_args({"--cookie-secure"}));
  WebServe plain(api_args());
  REQUIRE((secure.port() > 0 && plain.port() > 0));
  HttpClient cs(secure.port());
  const Login a = login(cs, "admin", kAdminPassword);
  REQUIRE(a.ok());
  REQUIRE(a.reply.set_cookies.size() == 2);
  for (const std::string& c : a.reply.set_cookies) CHECK(c.find("; Secure") != std::string::npos);
  HttpClient cp(plain.port());
  const Login b = login(cp, "admin", kAdminPassword);
  REQUIRE(b.ok());
  for (const std::string& c : b.reply.set_cookies) CHECK(c.find("Secure") == std::string::npos);
  CHECK(secure.stop() == 0);
  CHECK(plain.stop() == 0);
}

TEST_CASE("serve --http --trusted-proxy believes X-Forwarded-For only from the proxy",
          "[app][web][http][abuse]") {
  // Only 127.0.0.1 is the proxy; 127.0.0.2 is a client that forges the headers.
  WebServe serve(api_args({"--trusted-proxy", "10.9.0.0/16", "--trusted-proxy", "127.0.0.1/32",
                           "--rate-limit-ip", "0.01/2"}));
  REQUIRE(serve.port() > 0);
  auto me = [&](const char* from, const std::string& forwarded) {
    return status_of(
        exchange_from(from, serve.port(),
                      "GET /api/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                          forwarded + "\r\n"));
  };
  // Through the proxy: each forwarded client has its own budget of 2.
  const std::string a = "X-Forwarded-For: 203.0.113.7\r\n";
  const std::string b = "X-Forwarded-For: 198.51.100.1, 203.0.113.8\r\n";
  CHECK(me("127.0.0.1", a) == 401);
  CHECK(me("127.0.0.1", a) == 401);
  CHECK(me("127.0.0.1", a) == 429);
  CHECK(me("127.0.0.1", b) == 401);  // the rightmost address is the proxy's client
  CHECK(me("127.0.0.1", b) == 401);
  CHECK(me("127.0.0.1", b) == 429);
  // A chain of trusted proxies: the first untrusted address from the right is the client.
  CHECK(me("127.0.0.1", "X-Forwarded-For: 192.0.2.1, 10.9.3.4\r\n") == 401);
  CHECK(me("127.0.0.1", "X-Forwarded-For: 192.0.2.1\r\nX-Forwarded-For: 10.9.3.4\r\n") == 401);
  CHECK(me("127.0.0.1", "X-Forwarded-For: 192.0.2.1\r\n") == 429);
  // Garbage in the header: the proxy itself is the client.
  CHECK(me("127.0.0.1", "X-Forwarded-For: not-an-address\r\n") == 401);
  CHECK(me("127.0.0.1", "X-Forwarded-For: <script>\r\n") == 401);
  CHECK(me("127.0.0.1", "X-Forwarded-For: ::ffff:127.0.0.1\r\n") == 429);
  // Not through the proxy: forged headers are ignored; the peer's address is counted.
  CHECK(me("127.0.0.2", "X-Forwarded-For: 192.0.2.50\r\n") == 401);
  CHECK(me("127.0.0.2", "X-Forwarded-For: 192.0.2.51\r\n") == 401);
  CHECK(me("127.0.0.2", "X-Forwarded-For: 192.0.2.52\r\n") == 429);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http --trusted-proxy: X-Forwarded-Proto https from the proxy only",
          "[app][web][http]") {
  WebServe serve(api_args({"--trusted-proxy", "127.0.0.1", "--rate-limit-ip", "0"}));
  REQUIRE(serve.port() > 0);
  const std::string https = "X-Forwarded-Proto: https\r\n";
  const std::string via_proxy = exchange_from("127.0.0.1", serve.port(), login_request(https));
  CHECK(status_of(via_proxy) == 200);
  CHECK(session_set_cookie(via_proxy).find("; Secure") != std::string::npos);
  CHECK(via_proxy.find("\r\nStrict-Transport-Security: max-age=31536000\r\n") != std::string::npos);
  const std::string forged = exchange_from("127.0.0.2", serve.port(), login_request(https));
  CHECK(status_of(forged) == 200);
  CHECK(session_set_cookie(forged).find("Secure") == std::string::npos);
  CHECK(forged.find("Strict-Transport-Security") == std::string::npos);
  // /ws behind the proxy: the browser's Origin is https://host.
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  WsClient ws(serve.port(), {{"Cookie", l.cookie},
                             {"Origin", "https://127.0.0.1:" + std::to_string(serve.port())},
                             {"X-Forwarded-Proto", "https"}});
  CHECK(ws.ok());
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http: trusted proxies are not held to the per-address connection cap",
          "[app][web][http][abuse]") {
  WebServe serve({"--http-max-connections-per-ip", "2", "--trusted-proxy", "127.0.0.1"});
  REQUIRE(serve.port() > 0);
  std::vector<int> proxy, client;
  for (int i = 0; i < 5; ++i) proxy.push_back(connect_from("127.0.0.1", serve.port()));
  for (int i = 0; i < 3; ++i) client.push_back(connect_from("127.0.0.2", serve.port()));
  for (int s : proxy) CHECK(!closed_by_server(s, std::chrono::milliseconds(200)));
  CHECK(!closed_by_server(client[0], std::chrono::milliseconds(10)));
  CHECK(!closed_by_server(client[1], std::chrono::milliseconds(10)));
  CHECK(closed_by_server(client[2], std::chrono::seconds(3)));
  for (int s : proxy) ::close(s);
  for (int s : client) ::close(s);
  CHECK(serve.stop() == 0);
}

TEST_CASE("IPv6 clients are counted per /64", "[app][web][http][abuse]") {
  using tickstock::app::address_key;
  using tickstock::app::forwarded_client;
  using tickstock::app::parse_cidr_list;
  CHECK(address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(address_key("2001:db8:1:2::ffff") == "2001:db8:1:2::/64");
  CHECK(address_key("2001:db8:1:3::1") == "2001:db8:1:3::/64");
  CHECK(address_key("::1") == "::/64");
  CHECK(address_key("203.0.113.7") == "203.0.113.7");
  CHECK(address_key("::ffff:203.0.113.7") == "203.0.113.7");  // IPv4-mapped is IPv4
  CHECK(address_key("garbage") == "garbage");
  const auto trusted = parse_cidr_list("10.0.0.0/8, fd00::/8");
  REQUIRE(trusted);
  CHECK(forwarded_client("10.1.2.3", "2001:db8::1, fd00::5", "http, https", *trusted).ip ==
        "2001:db8::1");
  CHECK(forwarded_client("10.1.2.3", "2001:db8::1, fd00::5", "http, https", *trusted).https);
  CHECK(forwarded_client("192.0.2.1", "2001:db8::1", "https", *trusted).ip == "192.0.2.1");
  CHECK(!forwarded_client("192.0.2.1", "2001:db8::1", "https", *trusted).https);
  CHECK(!parse_cidr_list("10.0.0.0/33"));
  CHECK(!parse_cidr_list("10.0.0.0/8,nonsense"));
  CHECK(!parse_cidr_list("fd00::/129"));
  // One real request path: addresses of one /64 share a budget, another /64 has its own.
  WebServe serve({"--trusted-proxy", "127.0.0.1", "--rate-limit-ip", "0.01/2"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  auto me = [&](const std::string& ip) {
    return c.get("/api/auth/me", {{"X-Forwarded-For", ip}}).status;
  };
  CHECK(me("2001:db8:1:2::1") == 401);
  CHECK(me("2001:db8:1:2::2") == 401);
  CHECK(me("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429);
  CHECK(me("2001:db8:1:3::1") == 401);
  CHECK(serve.stop() == 0);
  // The password-check rate too.
  WebServe logins({"--trusted-proxy", "127.0.0.1", "--login-rate-ip", "0.01/2"});
  REQUIRE(logins.port() > 0);
  HttpClient cl(logins.port());
  auto login_from = [&](const std::string& ip) {
    return cl
        .request("POST", "/api/auth/login", "{\"username\":\"nobody\",\"password\":\"x\"}",
                 {{"Content-Type", "application/json"}, {"X-Forwarded-For", ip}})
        .status;
  };
  CHECK(login_from("2001:db8:7:7::1") == 401);
  CHECK(login_from("2001:db8:7:7::2") == 401);
  CHECK(login_from("2001:db8:7:7:abcd::3") == 429);
  CHECK(login_from("2001:db8:7:8::1") == 401);
  CHECK(logins.stop() == 0);
}

TEST_CASE("dashboard: a session behind a trusted proxy records the client's address",
          "[app][web][http][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  auto env = memory_env();
  env[0].second = db.url();
  WebServe serve(api_args({"--trusted-proxy", "127.0.0.1"}), env);
  REQUIRE(serve.port() > 0);
  const std::string r =
      exchange_from("127.0.0.1", serve.port(), login_request("X-Forwarded-For: 203.0.113.77\r\n"));
  CHECK(status_of(r) == 200);
  const std::string forged =
      exchange_from("127.0.0.2", serve.port(), login_request("X-Forwarded-For: 203.0.113.78\r\n"));
  CHECK(status_of(forged) == 200);
  CHECK(db.query("SELECT string_agg(client_ip, ',' ORDER BY client_ip DESC) FROM "
                 "sessions") == "203.0.113.77,127.0.0.2");
  CHECK(serve.stop() == 0);
}
