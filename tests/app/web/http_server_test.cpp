// serve --http: the listener, limits, static files, /health, /ready, /metrics, TLS and
// shutdown, over real sockets against the real binary.
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "app/web/web_serve.h"
#include "support/web_client.h"

using namespace tickstock::test;

TEST_CASE("serve --http answers /health, /ready and /metrics and keeps connections alive",
          "[app][web][http]") {
  WebServe serve({});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const HttpReply health = c.get("/health");
  CHECK(health.status == 200);
  CHECK(health.body == "{\"status\":\"ok\"}");
  CHECK(health.header("content-type") == "application/json");
  CHECK(health.header("x-content-type-options") == "nosniff");
  const HttpReply ready = c.get("/ready");
  CHECK(ready.status == 200);
  CHECK(ready.body.find("\"status\":\"ready\"") != std::string::npos);
  CHECK(ready.body.find("\"database\":{\"ok\":true,\"configured\":false") != std::string::npos);
  CHECK(ready.body.find("\"feed\":{\"ok\":true") != std::string::npos);
  const HttpReply metrics = c.get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  for (const char* line :
       {"# TYPE tickstock_feed_items_total counter\n", "# TYPE tickstock_bars_total counter\n",
        "tickstock_queue_depth{queue=\"feed_batches\"} ", "# TYPE tickstock_ws_clients gauge\n",
        "tickstock_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 1\n",
        "tickstock_http_request_duration_seconds_bucket{route=\"/ready\",le=\"+Inf\"} 1\n",
        "tickstock_http_connections_open 1\n"}) {
    INFO(line);
    CHECK(metrics.body.find(line) != std::string::npos);
  }
  CHECK(metrics.body.back() == '\n');
  CHECK(c.connections() == 1);  // all three on one kept-alive connection
  CHECK(serve.stop() == 0);
  CHECK(serve.process().err().find("http: stopped") != std::string::npos);
}

TEST_CASE("serve --http serves the UI's files and nothing outside them", "[app][web][http]") {
  WebServe serve({});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const HttpReply index = c.get("/");
  CHECK(index.status == 200);
  CHECK(index.header("content-type") == "text/html; charset=utf-8");
  CHECK(index.body.find("<!doctype html>") != std::string::npos);
  CHECK(c.get("/index.html").body == index.body);
  CHECK(c.get("/charts").body == index.body);  // the pages' own routes
  CHECK(c.get("/no-such-file.js").status == 404);
  // Traversal in every spelling: refused or not found, never a file from outside.
  for (const char* target : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                             "/..%2f..%2f..%2fetc%2fpasswd", "/%2E%2E%5C%2E%2E%5Cetc%5Cpasswd",
                             "/.hidden", "/a/../../etc/passwd", "/index.html%00.js", "/%"}) {
    INFO(target);
    const HttpReply r = c.get(target);
    CHECK((r.status == 400 || r.status == 404));
    CHECK(r.body.find("root:") == std::string::npos);
    CHECK(r.body.find("\"error\"") != std::string::npos);
  }
  CHECK(c.request("POST", "/index.html", "x").status == 405);
  CHECK(c.request("DELETE", "/").status == 405);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http refuses oversized and malformed requests", "[app][web][http]") {
  WebServe serve({"--http-body-limit-kb", "1"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const HttpReply big = c.request("POST", "/api/auth/login", std::string(2048, 'x'),
                                  {{"Content-Type", "application/json"}});
  CHECK(big.status == 413);
  CHECK(big.body.find("\"error\":\"payload_too_large\"") != std::string::npos);
  const HttpReply huge_header = c.get("/health", {{"X-Filler", std::string(20000, 'a')}});
  CHECK(huge_header.status == 431);
  const std::string garbage = c.raw("NOT HTTP AT ALL\r\n\r\n");
  CHECK(garbage.rfind("HTTP/1.1 400", 0) == 0);
  // The server goes on.
  CHECK(c.get("/health").status == 200);
  const HttpReply metrics = c.get("/metrics");
  CHECK(metrics.body.find("tickstock_http_bad_requests_total 3\n") != std::string::npos);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http closes idle connections after the request timeout", "[app][web][http]") {
  WebServe serve({"--http-timeout-s", "1"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  // Half a request line and then nothing: closed after the timeout without an answer.
  const auto t0 = std::chrono::steady_clock::now();
  const std::string got = c.raw("GET /health HT", std::chrono::seconds(5));
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(got.empty());
  CHECK(waited < 4.0);
  CHECK(c.get("/metrics").body.find("tickstock_http_timeouts_total 1\n") != std::string::npos);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve --http /ready reports a dependency that is down", "[app][web][http]") {
  // A replay that ends (no --exit-on-eof): the feed is no longer ready, the process still lives.
  const std::string ticks =
      write_temp("ready-ticks.csv", "ts_ns,symbol,price,size\n1704205800000000000,SPY,470.1,100\n");
  WebServe serve({"--feed", "replay:" + ticks, "--speed", "max"});
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  HttpReply ready;
  for (int i = 0; i < 100; ++i) {
    ready = c.get("/ready");
    if (ready.status == 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(ready.status == 503);
  CHECK(ready.body.find("\"status\":\"not_ready\"") != std::string::npos);
  CHECK(ready.body.find("\"feed\":{\"ok\":false,\"configured\":true}") != std::string::npos);
  CHECK(c.get("/health").status == 200);  // alive all the same
  CHECK(serve.stop() == 0);
  std::remove(ticks.c_str());
}

TEST_CASE("serve --http with a certificate speaks only TLS", "[app][web][http][tls]") {
  const std::string dir = "/tmp/tickstock-tls-" + std::to_string(getpid());
  const std::string gen = "mkdir -p " + dir + " && openssl req -x509 -newkey ec -pkeyopt " +
                          "ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 " +
                          "-keyout " + dir + "/key.pem -out " + dir + "/cert.pem 2>/dev/null";
  REQUIRE(std::system(gen.c_str()) == 0);
  WebServe serve({"--http-tls-cert", dir + "/cert.pem", "--http-tls-key", dir + "/key.pem"});
  REQUIRE(serve.port() > 0);
  CHECK(serve.process().err().find("http: listening on https://127.0.0.1:") != std::string::npos);
  HttpClient tls(serve.port(), true);
  const HttpReply r = tls.get("/health");
  CHECK(r.status == 200);
  CHECK(tls.get("/").status == 200);
  HttpClient plain(serve.port());
  CHECK(plain.get("/health").status == 0);  // no plain HTTP on a TLS port
  CHECK(serve.stop() == 0);
  std::system(("rm -rf " + dir).c_str());

  WebServe missing({"--http-tls-cert", "/nonexistent.pem", "--http-tls-key", "/nonexistent.key"});
  CHECK(missing.port() == 0);
  CHECK(missing.process().wait() == 2);
  CHECK(missing.process().err().find("TLS certificate '/nonexistent.pem'") != std::string::npos);
}

TEST_CASE("serve --http checks its settings", "[app][web][http]") {
  const auto bad = run_app("serve --http nonsense --synthetic-minutes 1 --speed max",
                           "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--http 'nonsense': expected host:port") != std::string::npos);
  const auto port = run_app("serve --http 127.0.0.1:99999 --synthetic-minutes 1 --speed max",
                            "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  CHECK(port.exit_code == 2);
  const auto half = run_app("serve --http 127.0.0.1:0 --http-tls-cert x.pem",
                            "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  CHECK(half.exit_code == 2);
  CHECK(half.err.find("go together") != std::string::npos);
  // Taken port: a clear error, exit 2.
  WebServe first({});
  REQUIRE(first.port() > 0);
  const auto taken = run_app("serve --http 127.0.0.1:" + std::to_string(first.port()) +
                                 " --synthetic-minutes 1 --speed max",
                             "env -u DATABASE_URL -u REDIS_URL -u REDIS_HOST");
  CHECK(taken.exit_code == 2);
  CHECK(taken.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
        std::string::npos);
  CHECK(first.stop() == 0);
}
