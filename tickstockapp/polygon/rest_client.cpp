#include "polygon/rest_client.h"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <simdjson.h>

#include "tickstock/calendar.h"

#include "polygon/tls_client.h"

namespace tickstock::app {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr auto kAwait = net::use_awaitable;

struct Reply {
  int status = 0;
  std::string body;
  std::string retry_after;  // seconds, as sent
};

template <class Stream>
net::awaitable<Result<Reply>> exchange(Stream& stream, const Url& url, const std::string& target,
                                       const std::string& key) {
  beast::error_code ec;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, url.host_header());
  req.set(http::field::user_agent, "tickstockapp");
  req.set(http::field::authorization, "Bearer " + key);
  req.set(http::field::accept_encoding, "identity");
  co_await http::async_write(stream, req, net::redirect_error(kAwait, ec));
  if (ec) co_return fail("sending the request failed: ", ec.message());
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);
  co_await http::async_read(stream, buf, parser, net::redirect_error(kAwait, ec));
  if (ec) co_return fail("reading the answer failed: ", ec.message());
  Reply r;
  r.status = static_cast<int>(parser.get().result_int());
  r.body = std::move(parser.get().body());
  r.retry_after = std::string(parser.get()[http::field::retry_after]);
  co_return r;
}

// One GET over a fresh connection (plain or TLS), within `timeout`.
Result<Reply> http_get(const Url& url, const std::string& target, const std::string& key,
                       const std::string& ca_file, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  Result<Reply> out = fail("no answer");
  auto run = [&]() -> net::awaitable<void> {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints =
        co_await resolver.async_resolve(url.host, url.port, net::redirect_error(kAwait, ec));
    if (ec) {
      out = fail("cannot resolve ", url.host, ": ", ec.message());
      co_return;
    }
    const std::string where = url.host + ":" + url.port;
    if (!url.tls()) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout);
      co_await stream.async_connect(endpoints, net::redirect_error(kAwait, ec));
      if (ec) {
        out = fail("cannot connect to ", where, ": ", ec.message());
        co_return;
      }
      out = co_await exchange(stream, url, target, key);
      co_return;
    }
    ssl::context ctx(ssl::context::tls_client);
    if (auto t = trust_for_client(ctx, ca_file); !t) {
      out = t.error();
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints,
                                                           net::redirect_error(kAwait, ec));
    if (ec) {
      out = fail("cannot connect to ", where, ": ", ec.message());
      co_return;
    }
    expect_peer(stream, url.host);
    co_await stream.async_handshake(ssl::stream_base::client, net::redirect_error(kAwait, ec));
    if (ec) {
      out = fail("TLS handshake with ", where, " failed: ", ec.message());
      co_return;
    }
    out = co_await exchange(stream, url, target, key);
  };
  net::co_spawn(ioc, run(), net::detached);
  ioc.run();
  return out;
}

// Polygon's own words on an error answer: its "error" or "message" field, else the start of
// the body.
std::string polygon_message(const std::string& body) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  std::string_view m;
  if (!p.parse(body).get(doc) &&
      (!doc["error"].get_string().get(m) || !doc["message"].get_string().get(m)))
    return std::string(m.substr(0, 200));
  return body.substr(0, 200);
}

std::string ms(Timestamp ns) { return std::to_string(ns / 1'000'000); }

// A Retry-After longer than this is waited as this (a broken or hostile answer must not stall
// the client for years, nor overflow the wait).
constexpr long kMaxRetryAfterS = 3600;

// One result of an aggregates answer as a Bar, or why it cannot be one. Numbers are checked
// before any cast: `t` a time in range, `n` a count a uint32 holds; low > 0, high >= low,
// volume >= 0.
Result<Bar> bar_of(simdjson::dom::element r, Symbol sym, Timeframe tf) {
  Bar b;
  b.symbol = sym;
  b.timeframe = tf;
  std::int64_t t = 0;
  if (r["t"].get_int64().get(t) || t < 0 || t > kMaxEventTime / 1'000'000)
    return fail("no 't' or one out of range");
  if (r["o"].get_double().get(b.open) || r["h"].get_double().get(b.high) ||
      r["l"].get_double().get(b.low) || r["c"].get_double().get(b.close) ||
      r["v"].get_double().get(b.volume))
    return fail("a missing field (o, h, l, c, v)");
  if (!(b.low > 0) || b.high < b.low || !(b.volume >= 0))
    return fail("inconsistent OHLC or negative volume");
  if (r["vw"].get_double().get(b.vwap) || !(b.vwap > 0)) b.vwap = b.close;
  double n = 0;
  if (!r["n"].get_double().get(n)) {
    if (!(n >= 0 && n <= 4294967295.0)) return fail("'n' is not a trade count");
    b.trade_count = static_cast<std::uint32_t>(n);
  }
  b.start = t * 1'000'000;
  if (tf == Timeframe::D1) {
    b.start = new_york_midnight(new_york_date(b.start));
  } else {
    b.session = new_york_session(b.start);
  }
  return b;
}

}  // namespace

void RestTiming::sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

PolygonRest::PolygonRest(RestOptions options, Log& log, RestTiming timing)
    : opt_(std::move(options)), log_(log), timing_(std::move(timing)) {
  auto u = parse_url(opt_.base_url);
  if (!u) {
    base_error_ = "POLYGON_REST_URL: " + u.error().message;
  } else if (u->scheme != "http" && u->scheme != "https") {
    base_error_ = "POLYGON_REST_URL '" + opt_.base_url + "': expected http:// or https://";
  } else {
    base_ = *u;
  }
}

void PolygonRest::keep_to_budget() {
  if (opt_.requests_per_minute <= 0) return;
  const auto minute = std::chrono::minutes(1);
  auto now = timing_.now();
  while (!sent_.empty() && now - sent_.front() >= minute) sent_.pop_front();
  if (sent_.size() >= static_cast<std::size_t>(opt_.requests_per_minute)) {
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(sent_.front() + minute - now);
    ++stats_.budget_waits;
    timing_.sleep(wait);
    now = timing_.now();
    while (!sent_.empty() && now - sent_.front() >= minute) sent_.pop_front();
  }
  sent_.push_back(now);
}

Result<std::string> PolygonRest::get(const std::string& target) {
  if (!base_error_.empty()) return fail(base_error_);
  int retries = 0, limited = 0;
  for (;;) {
    keep_to_budget();
    ++stats_.requests;
    auto r = http_get(base_, target, opt_.api_key, opt_.ca_file, opt_.timeout);
    std::string why;
    std::optional<std::chrono::milliseconds> wait;
    if (r && r->status == 200) return std::move(r->body);
    if (r && r->status == 429) {
      ++stats_.rate_limited;
      if (++limited > opt_.max_rate_limited)
        return fail("Polygon REST: still rate limited (429) after ", std::to_string(limited - 1),
                    " waits");
      char* end = nullptr;
      errno = 0;
      const long secs = std::strtol(r->retry_after.c_str(), &end, 10);
      wait = (!r->retry_after.empty() && *end == '\0' && secs >= 0 && errno == 0)
                 ? std::chrono::milliseconds(std::min<long>(secs, kMaxRetryAfterS) * 1000)
                 : std::min<std::chrono::milliseconds>(
                       opt_.retry_max, opt_.retry_min * (1LL << std::min(limited, 16)));
      log_.warn("polygon REST: rate limited (429); waiting " + std::to_string(wait->count()) +
                " ms");
      timing_.sleep(*wait);
      continue;
    }
    if (r && r->status < 500)
      return fail("Polygon REST: HTTP ", std::to_string(r->status), ": ", polygon_message(r->body));
    why = r ? "HTTP " + std::to_string(r->status) : r.error().message;
    if (++retries > opt_.max_retries)
      return fail("Polygon REST: giving up after ", std::to_string(opt_.max_retries),
                  " retries: ", why);
    ++stats_.retries;
    const auto d = std::min<std::chrono::milliseconds>(
        opt_.retry_max, opt_.retry_min * (1LL << std::min(retries - 1, 16)));
    log_.warn("polygon REST: " + why + "; retry " + std::to_string(retries) + " in " +
              std::to_string(d.count()) + " ms");
    timing_.sleep(d);
  }
}

Result<std::vector<Bar>> PolygonRest::aggregates(SymbolTable& symbols, const std::string& symbol,
                                                 Timeframe tf, Timestamp from, Timestamp to) {
  if (tf != Timeframe::M1 && tf != Timeframe::D1)
    return fail("Polygon REST aggregates: timeframe must be 1m or 1d");
  if (auto ok = check_symbol("symbol", symbol); !ok)
    return fail("Polygon REST aggregates: ", ok.error().message);
  const auto sym = symbols.try_intern(symbol);
  if (!sym)
    return fail(symbol, ": a new symbol and the limit of ", std::to_string(symbols.capacity()),
                " symbols is reached");
  std::string target = "/v2/aggs/ticker/" + symbol + "/range/1/" +
                       (tf == Timeframe::M1 ? "minute" : "day") + "/" + ms(from) + "/" + ms(to) +
                       "?adjusted=true&sort=asc&limit=50000";
  std::vector<Bar> bars;
  simdjson::dom::parser parser;
  for (;;) {
    auto body = get(target);
    if (!body) return fail(symbol, ": ", body.error().message);
    ++stats_.pages;
    simdjson::dom::element doc;
    if (auto e = parser.parse(*body).get(doc))
      return fail(symbol, ": the aggregates answer is not JSON (", simdjson::error_message(e), ")");
    std::string_view status;
    if (!doc["status"].get_string().get(status) && status == "ERROR")
      return fail(symbol, ": Polygon REST: ", polygon_message(*body));
    simdjson::dom::array results;
    if (!doc["results"].get_array().get(results)) {  // absent when there is no bar
      std::size_t i = 0;
      for (simdjson::dom::element r : results) {
        auto b = bar_of(r, *sym, tf);
        if (!b) {
          ++stats_.bad_results;
          log_.limited("polygon-rest-bad", "polygon REST: " + symbol + " results[" +
                                               std::to_string(i) + "]: " + b.error().message +
                                               "; skipped");
        } else {
          bars.push_back(*b);
        }
        ++i;
      }
    }
    std::string_view next;
    if (doc["next_url"].get_string().get(next) || next.empty()) break;
    auto nu = parse_url(std::string(next));
    if (!nu || nu->host != base_.host || nu->port != base_.port)
      return fail(symbol, ": next_url does not point to ", base_.host,
                  " (not followed: the key would go elsewhere)");
    target = nu->target;
  }
  return bars;
}

Result<ConditionTable> PolygonRest::conditions() {
  auto body = get("/v3/reference/conditions?asset_class=stocks&data_type=trade&limit=1000");
  if (!body) return body.error();
  return parse_condition_reference(*body);
}

}  // namespace tickstock::app
