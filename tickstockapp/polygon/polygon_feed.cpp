#include "polygon/polygon_feed.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <random>
#include <set>

#include "tickstock/json.h"

#include "polygon/frame_parser.h"
#include "polygon/ws_connection.h"

namespace tickstock::app {

using namespace polygon_ws;  // NOLINT: this file is the connection's only user

namespace {

// The feed's event-time clock: the newest trade time seen, carried on by the wall clock while
// no trade comes, so that bars still close when the market is quiet.
struct EventClock {
  Timestamp newest = std::numeric_limits<Timestamp>::min();
  Timestamp wall_at_newest = 0;
  Timestamp last_idle = std::numeric_limits<Timestamp>::min();
  bool started() const { return newest != std::numeric_limits<Timestamp>::min(); }
};

// A JSON string literal for `s` (tickstock/json.h: control characters escaped, not dropped).
std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// {"action":"<action>","params":"T.A,AM.A,..."} messages for `symbols`, each at most ~4000
// characters of params.
std::vector<std::string> subscription_messages(const char* action,
                                               const std::vector<std::string>& channels,
                                               const std::vector<std::string>& symbols) {
  std::vector<std::string> out;
  std::string params;
  auto emit = [&] {
    if (params.empty()) return;
    out.push_back(std::string("{\"action\":\"") + action + "\",\"params\":" + json_string(params) +
                  "}");
    params.clear();
  };
  for (const auto& s : symbols) {
    for (const auto& c : channels) {
      if (!params.empty()) params += ',';
      params += c + "." + s;
    }
    if (params.size() > 4000) emit();
  }
  emit();
  return out;
}

}  // namespace

struct PolygonFeed::Shared {
  net::io_context ioc{1};
  mutable std::mutex mu;
  std::vector<std::string> desired;     // guarded by mu: what set_symbols asked for
  std::vector<std::string> subscribed;  // guarded by mu: what the open session subscribed
  std::string last_disconnect;          // guarded by mu
  Session* active = nullptr;            // the open session; I/O thread only
};

// One connection's protocol state: the parser's handler, the outgoing messages, the batch of
// items of the frame being read. Lives on the I/O thread.
class PolygonFeed::Session final : public PolygonHandler {
 public:
  Session(PolygonFeed& feed, PolygonFrameParser& parser, FeedQueue& out, EventClock& clock,
          net::any_io_executor ex)
      : wake(ex), feed_(feed), parser_(parser), out_(out), clock_(clock) {}

  std::deque<std::string> outbox;  // messages to send, in order
  net::steady_timer wake;          // the writer waits on it; cancelled when outbox gets one
  bool authenticated = false;
  bool reader_done = false;
  std::optional<SessionEnd> end;  // set by a status that ends the session

  // Parses one frame (followed by PolygonFrameParser::kPadding readable bytes) and hands its
  // items to the engine queue.
  void on_frame(const char* frame, std::size_t size, Timestamp received) {
    feed_.pstats_.frames.fetch_add(1, std::memory_order_relaxed);
    const PolygonParseStats before = parser_.stats();
    (void)parser_.parse_padded(frame, size, received, *this);
    const PolygonParseStats& after = parser_.stats();
    auto add = [](std::atomic<std::uint64_t>& a, std::uint64_t n) {
      if (n != 0) a.fetch_add(n, std::memory_order_relaxed);
    };
    add(feed_.pstats_.trades, after.trades - before.trades);
    add(feed_.pstats_.minute_aggregates, after.minute_aggregates - before.minute_aggregates);
    add(feed_.pstats_.other_messages,
        after.quotes - before.quotes + after.second_aggregates - before.second_aggregates);
    add(feed_.pstats_.unknown_events, after.unknown_events - before.unknown_events);
    add(feed_.pstats_.bad_frames, after.bad_frames - before.bad_frames);
    add(feed_.pstats_.bad_messages, after.bad_messages - before.bad_messages);
    add(feed_.pstats_.unknown_conditions, after.unknown_conditions - before.unknown_conditions);
    push_batch();
  }

  void on_trade(const Tick& tick, const PolygonTradeInfo&) override {
    if ((tick.flags & kTickVolumeOnly) == kTickVolumeOnly && (tick.flags & kTickNoVolume) != 0) {
      feed_.pstats_.condition_ignored.fetch_add(1, std::memory_order_relaxed);
      return;  // e.g. an official open or close print: no bar uses it
    }
    if (tick.ts_event > clock_.newest) {
      clock_.newest = tick.ts_event;
      clock_.wall_at_newest = tick.ts_recv;
    }
    FeedItem item;
    item.kind = FeedItem::Kind::Tick;
    item.tick = tick;
    item.now = clock_.newest;
    batch_.push_back(item);
  }

  // Per-minute aggregates go to the engine's cross-check; per-second ones are only counted.
  void on_aggregate(const Bar& bar, bool per_minute) override {
    if (!per_minute) return;
    FeedItem item;
    item.kind = FeedItem::Kind::VendorBar;
    item.bar = bar;
    item.now = clock_.started() ? clock_.newest : 0;
    batch_.push_back(item);
  }

  void on_status(std::string_view status, std::string_view message) override {
    Log& log = feed_.log_;
    if (status == "connected") {
      outbox.push_back("{\"action\":\"auth\",\"params\":" + json_string(feed_.opt_.api_key) + "}");
    } else if (status == "auth_success") {
      authenticated = true;
      feed_.pstats_.sessions.fetch_add(1, std::memory_order_relaxed);
      std::vector<std::string> symbols;
      {
        std::lock_guard lock(feed_.shared_->mu);
        feed_.shared_->subscribed = feed_.shared_->desired;
        symbols = feed_.shared_->subscribed;
      }
      for (auto& m : subscription_messages("subscribe", feed_.opt_.channels, symbols))
        outbox.push_back(std::move(m));
      log.info("polygon: authenticated; subscribing to " + describe_symbols(symbols));
    } else if (status == "auth_failed") {
      end = SessionEnd{EndKind::AuthFailed, std::string(message)};
    } else if (status == "max_connections") {
      end = SessionEnd{EndKind::MaxConnections, std::string(message)};
    } else if (status == "success") {
      log.info("polygon: " + shorten(message));
    } else if (status == "error") {
      log.warn("polygon: the server reports an error: " + shorten(message));
    } else {
      log.info("polygon: status '" + shorten(status, 40) + "': " + shorten(message));
    }
  }

  void on_bad_input(std::string_view what) override {
    feed_.stats_.bad_records.fetch_add(1, std::memory_order_relaxed);
    feed_.errors_.report(Severity::Warning, "polygon_feed", std::string(what));
  }

  // Reported on their own, so that a flood of new tickers hides no other problem.
  void on_symbol_refused(std::string_view what) override {
    feed_.stats_.bad_records.fetch_add(1, std::memory_order_relaxed);
    feed_.errors_.report(Severity::Error, "symbol_limit", "polygon: " + std::string(what));
  }

  // Brings the open session's subscriptions to the desired set.
  void resync() {
    if (!authenticated) return;
    std::vector<std::string> now, before;
    {
      std::lock_guard lock(feed_.shared_->mu);
      now = feed_.shared_->desired;
      before = feed_.shared_->subscribed;
      feed_.shared_->subscribed = now;
    }
    std::sort(now.begin(), now.end());
    std::sort(before.begin(), before.end());
    std::vector<std::string> gone, added;
    std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                        std::back_inserter(gone));
    std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                        std::back_inserter(added));
    for (auto& m : subscription_messages("unsubscribe", feed_.opt_.channels, gone))
      outbox.push_back(std::move(m));
    for (auto& m : subscription_messages("subscribe", feed_.opt_.channels, added))
      outbox.push_back(std::move(m));
    feed_.pstats_.subscription_changes.fetch_add(1, std::memory_order_relaxed);
    feed_.log_.info("polygon: universe changed: " + std::to_string(added.size()) + " added, " +
                    std::to_string(gone.size()) + " removed (same connection)");
    wake.cancel();
  }

  static std::string describe_symbols(const std::vector<std::string>& s) {
    if (s.size() == 1 && s[0] == "*") return "all symbols";
    std::string out = std::to_string(s.size()) + " symbols";
    if (!s.empty()) out += " (" + s[0] + (s.size() > 1 ? ", ...)" : ")");
    return out;
  }

 private:
  void push_batch() {
    if (batch_.empty()) return;
    const std::size_t n = batch_.size();
    FeedBatch b;
    b.reserve(std::max<std::size_t>(64, n));
    std::swap(b, batch_);
    if (out_.try_push(std::move(b))) {
      feed_.stats_.items.fetch_add(n, std::memory_order_relaxed);
      if (overflowing_) {
        overflowing_ = false;
        feed_.log_.warn("polygon: the engine queue has room again");
      }
      return;
    }
    batch_.clear();
    feed_.pstats_.dropped_items.fetch_add(n, std::memory_order_relaxed);
    if (!overflowing_) {
      overflowing_ = true;
      feed_.log_.error(
          "polygon: ALARM: the engine queue is full, so incoming trades are being dropped "
          "(counted; the socket is never left unread); " +
          std::to_string(feed_.pstats_.dropped_items.load()) + " items dropped so far");
    }
  }

  PolygonFeed& feed_;
  PolygonFrameParser& parser_;
  FeedQueue& out_;
  EventClock& clock_;
  FeedBatch batch_;
  bool overflowing_ = false;
};

PolygonFeed::PolygonFeed(PolygonFeedOptions options, SymbolTable& symbols,
                         const ConditionTable& conditions, const Clock& wall, ErrorReporter& errors,
                         Log& log)
    : opt_(std::move(options)),
      symbols_(symbols),
      conditions_(conditions),
      wall_(wall),
      errors_(errors),
      log_(log),
      shared_(std::make_unique<Shared>()) {
  shared_->desired = opt_.symbols;
}

PolygonFeed::~PolygonFeed() = default;

std::string PolygonFeed::describe() const {
  std::string ch;
  for (const auto& c : opt_.channels) ch += (ch.empty() ? "" : ",") + c;
  return "polygon: " + opt_.ws_url + ", channels " + ch + ", " +
         Session::describe_symbols(opt_.symbols);
}

void PolygonFeed::set_symbols(std::vector<std::string> symbols) {
  {
    std::lock_guard lock(shared_->mu);
    shared_->desired = std::move(symbols);
  }
  net::post(shared_->ioc, [this] {
    if (shared_->active != nullptr) shared_->active->resync();
  });
}

std::vector<std::string> PolygonFeed::subscribed() const {
  std::lock_guard lock(shared_->mu);
  return shared_->subscribed;
}

std::string PolygonFeed::last_disconnect() const {
  std::lock_guard lock(shared_->mu);
  return shared_->last_disconnect;
}

Result<void> PolygonFeed::run(FeedQueue& out, const std::atomic<bool>& stop) {
  auto url = parse_url(opt_.ws_url);
  if (!url) return fail("POLYGON_WS_URL: ", url.error().message);
  if (url->scheme != "ws" && url->scheme != "wss")
    return fail("POLYGON_WS_URL '", opt_.ws_url, "': expected ws:// or wss://");
  if (opt_.api_key.empty()) return fail("--feed polygon: POLYGON_API_KEY is not set");
  ssl::context tls(ssl::context::tls_client);
  beast::error_code ec;
  if (auto r = trust_for_client(tls, opt_.ca_file); !r)
    return fail("--polygon-ca-file: ", r.error().message);

  PolygonFrameParser parser(symbols_, conditions_);
  parser.set_max_future(opt_.max_future);
  EventClock clock;
  Result<void> result;
  net::io_context& ioc = shared_->ioc;

  auto main_loop = [&]() -> net::awaitable<void> {
    std::mt19937_64 jitter(static_cast<std::uint64_t>(wall_.now()));
    int failures = 0;
    for (;;) {
      Session s(*this, parser, out, clock, ioc.get_executor());
      shared_->active = &s;
      const auto started = std::chrono::steady_clock::now();
      SessionEnd end;
      if (url->tls()) {
        TlsWs ws(ioc, tls);
        end = co_await connect_and_stream(ws, *url, s, wall_, opt_, pstats_);
      } else {
        PlainWs ws(ioc);
        end = co_await connect_and_stream(ws, *url, s, wall_, opt_, pstats_);
      }
      shared_->active = nullptr;
      {
        std::lock_guard lock(shared_->mu);
        shared_->subscribed.clear();
        shared_->last_disconnect = end.reason;
      }
      if (end.kind == EndKind::AuthFailed) {
        result = fail("Polygon refused the API key (auth_failed: '", shorten(end.reason, 120),
                      "'): check POLYGON_API_KEY; not retrying");
        ioc.stop();
        co_return;
      }
      pstats_.disconnects.fetch_add(1, std::memory_order_relaxed);
      std::chrono::milliseconds wait{};
      if (end.kind == EndKind::MaxConnections) {
        wait = opt_.max_connections_wait +
               std::chrono::milliseconds(jitter() % static_cast<std::uint64_t>(
                                                        opt_.max_connections_wait.count() / 4 + 1));
        log_.error(
            "polygon: the server refused the connection: maximum number of connections "
            "for this API key (another client uses it?): '" +
            shorten(end.reason, 120) + "'; waiting " + std::to_string(wait.count()) +
            " ms before trying again");
      } else {
        if (s.authenticated && std::chrono::steady_clock::now() - started >= opt_.stable_after)
          failures = 0;
        auto d = opt_.reconnect_min * (1LL << std::min(failures, 20));
        d = std::min<std::chrono::milliseconds>(d, opt_.reconnect_max);
        const auto half = d / 2;
        wait = half +
               std::chrono::milliseconds(jitter() % static_cast<std::uint64_t>(half.count() + 1));
        ++failures;
        log_.warn("polygon: " + end.reason + "; reconnecting in " + std::to_string(wait.count()) +
                  " ms");
      }
      net::steady_timer pause(ioc, wait);
      co_await pause.async_wait(net::redirect_error(kAwait, ec));
    }
  };

  // Stops the loop when asked; pushes idle clock items so bars close when no trade comes.
  auto watchdog = [&]() -> net::awaitable<void> {
    net::steady_timer t(ioc);
    auto next_clock = std::chrono::steady_clock::now() + opt_.clock_interval;
    for (;;) {
      t.expires_after(std::chrono::milliseconds(50));
      co_await t.async_wait(net::redirect_error(kAwait, ec));
      if (stop.load(std::memory_order_relaxed)) {
        ioc.stop();
        co_return;
      }
      if (std::chrono::steady_clock::now() < next_clock || !clock.started()) continue;
      next_clock = std::chrono::steady_clock::now() + opt_.clock_interval;
      const Timestamp t_event = clock.newest + (wall_.now() - clock.wall_at_newest);
      if (t_event <= clock.newest || t_event <= clock.last_idle) continue;
      clock.last_idle = t_event;
      FeedItem item;
      item.kind = FeedItem::Kind::Clock;
      item.now = t_event;
      (void)out.try_push(FeedBatch{item});
    }
  };

  if (opt_.before_live && gap_fill_.load()) opt_.before_live(out, stop);
  if (stop.load()) return result;
  log_.info("polygon: connecting to " + opt_.ws_url);
  net::co_spawn(ioc, main_loop(), net::detached);
  net::co_spawn(ioc, watchdog(), net::detached);
  ioc.run();
  return result;
}

}  // namespace tickstock::app
