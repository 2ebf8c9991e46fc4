// The web layer's symbols (query parameters, /ws subscribe, admin universe) follow the one
// symbol grammar, upper-cased: option, crypto and index tickers pass, control characters not.
#include <string>

#include <catch2/catch.hpp>

#include "app/web/api_support.h"
#include "web/api/api.h"

using namespace tickstock::test;
using tickstock::app::parse_symbol;

TEST_CASE("dashboard: parse_symbol takes the symbol grammar and upper-cases",
          "[app][web][symbol]") {
  CHECK(parse_symbol("spy") == "SPY");
  CHECK(parse_symbol("brk.b") == "BRK.B");
  CHECK(parse_symbol("x:btcusd") == "X:BTCUSD");
  CHECK(parse_symbol("I:SPX") == "I:SPX");
  CHECK(parse_symbol("O:SPY251219C00650000") == "O:SPY251219C00650000");
  CHECK(parse_symbol("c:eur/usd") == "C:EUR/USD");
  CHECK(parse_symbol("^vix") == "^VIX");
  CHECK(parse_symbol("es_f") == "ES_F");
  CHECK(parse_symbol(std::string(32, 'a')) == std::string(32, 'A'));
  CHECK_FALSE(parse_symbol(std::string(33, 'A')));
  CHECK_FALSE(parse_symbol(""));
  CHECK_FALSE(parse_symbol(std::string("SP\0Y", 4)));
  CHECK_FALSE(parse_symbol("SP\x1bY"));
  CHECK_FALSE(parse_symbol("SP Y"));
  CHECK_FALSE(parse_symbol("SP'Y"));
  CHECK_FALSE(parse_symbol("SP|Y"));
  CHECK_FALSE(parse_symbol("\xc3\xa9"));
}

TEST_CASE("dashboard: query parameters take option and crypto tickers, refuse control characters",
          "[app][web][symbol]") {
  WebServe serve(api_args({"--synthetic-symbols", "2"}));
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "admin", kAdminPassword);
  REQUIRE(l.ok());
  for (const std::string sym : {"x:btcusd", "O:SPY251219C00650000", "I:SPX", "BRK.B"}) {
    INFO(sym);
    const HttpReply r = c.get("/api/bars?symbol=" + sym + "&timeframe=1m", auth(l));
    CHECK(r.status == 200);
  }
  for (const std::string& sym :
       std::vector<std::string>{"SP%00Y", "SP%1BY", "SP%20Y", std::string(33, 'A')}) {
    INFO(sym);
    CHECK(c.get("/api/bars?symbol=" + sym + "&timeframe=1m", auth(l)).status == 400);
  }
  CHECK(serve.stop() == 0);
}
