// Job requests: what a valid backtest or data load request looks like, and the refusals.
#include "jobs/job_request.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

using tickstock::app::JobRequestParser;

TEST_CASE("Job requests: a valid backtest and data load request", "[redis][jobs]") {
  JobRequestParser p;
  std::string id;
  const std::string backtest =
      R"({"request_id":"r-1","symbols":["AAPL","MSFT"],"timeframe":"daily",)"
      R"("start":"2023-01-01","end":"2023-12-31","patterns":["CDLENGULFING","CDLDOJI"],)"
      R"("params":{"min_confidence":0.7},"user":"ann"})";
  const auto r = p.parse("backtest", backtest, id);
  REQUIRE(r);
  CHECK(id == "r-1");
  CHECK(r->job_type == "backtest");
  CHECK(r->request_id == "r-1");
  CHECK(r->symbols == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(r->timeframe == tickstock::Timeframe::D1);
  CHECK(r->start == *tickstock::parse_timestamp("2023-01-01"));
  CHECK(r->end == *tickstock::parse_timestamp("2023-12-31"));
  CHECK(r->params == backtest);  // stored as received
  const auto load = p.parse(
      "data_load",
      R"({"symbols":["SPY"],"timeframe":"1min","start":"2024-01-02T14:30:00Z","end":"2024-01-02T21:00:00Z","source":"polygon"})",
      id);
  REQUIRE(load);
  CHECK(id.empty());
  CHECK(load->timeframe == tickstock::Timeframe::M1);
}

TEST_CASE("Job requests: refusals name the field", "[redis][jobs]") {
  JobRequestParser p;
  const std::string ok_tail = R"("timeframe":"daily","start":"2023-01-01","end":"2023-12-31")";
  const std::vector<std::tuple<std::string, std::string, std::string>> bad{
      {"backtest", "", "not JSON"},
      {"backtest", "[1]", "not a JSON object"},
      {"backtest", R"({"request_id":7,"symbols":["A"],)" + ok_tail + "}", "field 'request_id'"},
      {"backtest", "{" + ok_tail + "}", "field 'symbols'"},
      {"backtest", R"({"symbols":[],)" + ok_tail + "}", "field 'symbols'"},
      {"backtest", R"({"symbols":"AAPL",)" + ok_tail + "}", "field 'symbols'"},
      {"backtest", R"({"symbols":["AAPL",3],)" + ok_tail + "}", "field 'symbols': 3"},
      {"backtest",
       R"({"symbols":["A"],"timeframe":"2min","start":"2023-01-01","end":"2023-12-31"})",
       "field 'timeframe': '2min'"},
      {"backtest", R"({"symbols":["A"],"timeframe":"daily","end":"2023-12-31"})", "field 'start'"},
      {"backtest",
       R"({"symbols":["A"],"timeframe":"daily","start":"2023-13-01","end":"2023-12-31"})",
       "field 'start': '2023-13-01'"},
      {"backtest",
       R"({"symbols":["A"],"timeframe":"daily","start":"2023-02-01","end":"2023-01-01"})",
       "field 'end': before 'start'"},
      {"backtest", R"({"symbols":["A"],)" + ok_tail + R"(,"patterns":["CDLNOPE"]})",
       "field 'patterns': \"CDLNOPE\""},
      {"backtest", R"({"symbols":["A"],)" + ok_tail + R"(,"patterns":"CDLDOJI"})",
       "field 'patterns'"},
      {"backtest", R"({"symbols":["A"],)" + ok_tail + R"(,"params":[1]})", "field 'params'"},
      {"data_load", R"({"symbols":["A"],)" + ok_tail + R"(,"source":""})", "field 'source'"},
      {"data_load", std::string(300 * 1024, ' '), "longer than"},
  };
  for (const auto& [type, message, why] : bad) {
    INFO(message.substr(0, 120));
    std::string id;
    const auto r = p.parse(type, message, id);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(why));
  }
  // The request's id is known even when the rest is wrong, for the rejection.
  std::string id;
  CHECK_FALSE(p.parse("backtest", R"({"request_id":"r-9","symbols":[]})", id));
  CHECK(id == "r-9");
}

TEST_CASE("Job requests: symbols follow the symbol grammar, huge dates and numbers are refused",
          "[redis][jobs][symbol][numbers]") {
  JobRequestParser p;
  const std::string tail = R"(,"timeframe":"daily","start":"2023-01-01","end":"2023-12-31"})";
  std::string id;
  const auto ok =
      p.parse("backtest", R"({"symbols":["BRK.B","X:BTCUSD","O:SPY251219C00650000"])" + tail, id);
  REQUIRE(ok);
  CHECK(ok->symbols.size() == 3);
  const std::vector<std::pair<std::string, std::string>> bad{
      {R"({"symbols":["SPY","SP\u0000Y"])" + tail,
       "field 'symbols': 'SP\\x00Y' is not a symbol (byte 3 is '\\x00'"},
      {R"({"symbols":["A\u0007"])" + tail, "'A\\x07' is not a symbol"},
      {R"({"symbols":["A B"])" + tail, "'A B' is not a symbol"},
      {R"({"symbols":["A"],"timeframe":"daily","start":"99999999999999999999999","end":"2023-12-31"})",
       "field 'start'"},
      {R"({"symbols":["A"],"timeframe":"daily","start":"-9223372036854775808","end":"2023-12-31"})",
       "field 'start'"},
      {R"({"symbols":["A"],"timeframe":"daily","start":1e308,"end":"2023-12-31"})",
       "field 'start'"},
      {R"({"symbols":["A"],"timeframe":"daily","start":"2023-01-01","end":"9999-12-31T23:59:59Z"})",
       "field 'end'"},
      {R"({"symbols":["A"],"timeframe":1e308,"start":"2023-01-01","end":"2023-12-31"})",
       "field 'timeframe'"},
      {R"({"request_id":1e308,"symbols":["A"])" + tail, "field 'request_id'"},
  };
  for (const auto& [message, why] : bad) {
    INFO(message);
    const auto r = p.parse("backtest", message, id);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(why));
  }
}

TEST_CASE("Job requests: the original application's backtest_job form", "[redis][jobs]") {
  JobRequestParser p;
  std::string id;
  const std::string original =
      R"({"type":"backtest_job","job_id":7,"user_id":1,"symbols":["AAPL"],)"
      R"("start_date":"2023-01-01","end_date":"2023-06-30","patterns":["CDLDOJI"],)"
      R"("parameters":{"initial_capital":100000,"commission":0.001},)"
      R"("timestamp":"2023-07-01T00:00:00Z","source":"app"})";
  const auto r = p.parse("backtest", original, id);
  REQUIRE(r);
  CHECK(id == "7");
  CHECK(r->request_id == "7");
  CHECK(r->symbols == std::vector<std::string>{"AAPL"});
  CHECK(r->start == *tickstock::parse_timestamp("2023-01-01"));
  CHECK(r->end == *tickstock::parse_timestamp("2023-06-30"));
  const auto bad = p.parse(
      "backtest",
      R"({"type":"backtest_job","job_id":"j-1","symbols":["AAPL"],"start_date":"2023-07-01",)"
      R"("end_date":"2023-06-30"})",
      id);
  REQUIRE_FALSE(bad);
  CHECK(id == "j-1");
  CHECK_THAT(bad.error().message, Catch::Contains("field 'end_date'"));
}
