// WebHub: batches from the engine's hand-off, routed to WebSocket clients and the stores.
#include "web/live/web_hub.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <tuple>

#include <simdjson.h>

#include "tickstock/calendar.h"
#include "tickstock/patterns.h"

#include "base/json_out.h"
#include "web/api/api.h"
#include "web/live/ws_command.h"

namespace tickstock::app {

// One WebSocket client of one user's session: its chart subscriptions and acknowledgements
// are commands it sends.
class HubClient final : public WsPeer, public std::enable_shared_from_this<HubClient> {
 public:
  HubClient(WebHub& hub, std::int64_t user_id, std::string username, std::string token_hash)
      : hub_(hub),
        user_id_(user_id),
        username_(std::move(username)),
        token_hash_(std::move(token_hash)) {}

  std::int64_t user_id() const { return user_id_; }
  // The chart keys this client subscribed to. Guarded by the hub's registry mutex.
  std::set<std::string>& charts() { return charts_; }
  const std::string& token_hash() const { return token_hash_; }
  void send(const std::shared_ptr<const std::string>& m, std::uint64_t key) {
    if (auto c = conn_.lock()) c->send(m, key);
  }
  // A policy close (1008): the session ended.
  void close(const std::string& reason) {
    if (auto c = conn_.lock()) c->close(reason, true);
  }

  void on_open(std::shared_ptr<WsConnection> connection) override {
    conn_ = connection;
    hub_.join(shared_from_this());
    hub_.greet(shared_from_this());
  }

  // The first page of the alerts that wait (newest first) and how many wait.
  void greet(const std::vector<StoredAlert>& pending, std::int64_t pending_count) {
    JsonOut j;
    j.begin_object();
    j.field("type", "hello");
    j.field("user", username_);
    j.field("pending_count", pending_count);
    j.key("pending");
    write_alert_items(j, pending);
    j.end_object();
    reply(j.take());
  }

  void on_message(std::string_view text) override {
    simdjson::dom::parser parser;  // per message: an idle client holds no parser's buffers
    auto cmd = parse_ws_command(text, parser);
    if (!cmd) return reply_error(cmd.error().message);
    if (cmd->type == WsCommand::Type::kPing) return reply("{\"type\":\"pong\"}");
    if (cmd->type == WsCommand::Type::kAck)
      return hub_.ack(shared_from_this(), std::move(cmd->alert_ids));
    const bool subscribe = cmd->type == WsCommand::Type::kSubscribe;
    if (!hub_.chart(this, cmd->chart_key(), subscribe))
      return reply_error("too many chart subscriptions on this connection");
    JsonOut j;
    j.begin_object();
    j.field("type", subscribe ? "subscribed" : "unsubscribed");
    j.field("symbol", cmd->symbol);
    j.field("timeframe", timeframe_name(cmd->timeframe));
    j.end_object();
    reply(j.take());
  }

  void on_close(const std::string& reason) override { hub_.leave(this, reason); }

  // One acknowledgement at a time per connection: a client cannot fill the workers' queue.
  bool begin_ack() { return !acking_.exchange(true); }
  void end_ack() { acking_ = false; }

  void reply(std::string text) {
    if (auto c = conn_.lock()) c->send(std::make_shared<const std::string>(std::move(text)), 0);
  }
  void reply_error(const std::string& detail) {
    JsonOut j;
    j.begin_object();
    j.field("type", "error");
    j.field("detail", detail);
    j.end_object();
    reply(j.take());
  }

 private:
  WebHub& hub_;
  std::int64_t user_id_;
  std::string username_;
  std::string token_hash_;
  std::weak_ptr<WsConnection> conn_;
  std::set<std::string> charts_;
  std::atomic<bool> acking_{false};
};

namespace {

std::int64_t wall_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

constexpr Timestamp kNanosPerSecond = 1'000'000'000;

// The indicators the charts draw.
constexpr Field kChartFields[] = {
    Field::Sma,  Field::Ema, Field::BbandsUpper, Field::BbandsMiddle, Field::BbandsLower,
    Field::Vwap, Field::Rsi, Field::Macd,        Field::MacdSignal,   Field::MacdHist};

void begin_event(JsonOut& j, const char* type, const WebEvent& e, std::string_view symbol) {
  j.begin_object();
  j.field("type", type);
  j.field("symbol", symbol);
  j.field("timeframe", timeframe_name(e.bar.timeframe));
  j.field("time", static_cast<std::int64_t>(e.bar.start / kNanosPerSecond));
  j.field("start", format_iso8601(e.bar.start));
}

std::string pattern_json(const char* type, const WebEvent& e, std::string_view symbol,
                         double price) {
  const PatternEvent& p = e.pattern;
  const PatternInfo& info = pattern_info(p.pattern);
  JsonOut j;
  begin_event(j, type, e, symbol);
  j.field("pattern", info.talib_name);
  j.field("name", info.display_name);
  j.field("output", p.output);
  j.field("direction", direction_name(p.direction));
  j.field("confidence", p.confidence);
  j.field("price", price);
  j.field("revision", static_cast<std::int64_t>(p.revision));
  if (p.retracted) j.field("retracted", true);
  j.field("t_emit", e.emitted_us);
  j.end_object();
  return j.take();
}

bool matches(const Subscription& s, std::string_view pattern, std::string_view symbol,
             std::string_view tf, double confidence) {
  if (s.pattern != "*" && s.pattern != pattern) return false;
  if (confidence < s.min_confidence) return false;
  if (!s.symbols.empty() &&
      std::find(s.symbols.begin(), s.symbols.end(), symbol) == s.symbols.end())
    return false;
  if (!s.timeframes.empty() &&
      std::find(s.timeframes.begin(), s.timeframes.end(), tf) == s.timeframes.end())
    return false;
  return true;
}

}  // namespace

WebHub::WebHub(WebHubOptions options, WebEventSink& events, MemoryMarketData* memory,
               AccountStore& accounts, WorkerPool& pool, WebMetrics& metrics, Log& log)
    : opt_(options),
      events_(events),
      memory_(memory),
      accounts_(accounts),
      pool_(pool),
      metrics_(metrics),
      log_(log),
      writer_(
          accounts, options.alert_queue, metrics, log,
          [this](const std::vector<StoredAlert>& alerts) { deliver(alerts); },
          accounts.writes_at_once()) {}

WebHub::~WebHub() { stop(); }

void WebHub::start() {
  writer_.start();
  thread_ = std::thread([this] { run(); });
}

void WebHub::stop() {
  events_.close();
  if (thread_.joinable()) thread_.join();
  writer_.stop();
}

std::shared_ptr<WsPeer> WebHub::connect(const User& user, std::string token_hash) {
  return std::make_shared<HubClient>(*this, user.id, user.username, std::move(token_hash));
}

void WebHub::greet(const std::shared_ptr<HubClient>& c) {
  std::weak_ptr<HubClient> weak = c;
  const bool queued = pool_.post([this, weak, user = c->user_id()] {
    if (weak.expired()) return;
    auto page = accounts_.alert_history(user, 0, kPendingFirstPage, true);
    auto count = accounts_.count_pending_alerts(user);
    auto client = weak.lock();
    if (!client) return;
    if (page && count) return client->greet(page->items, *count);
    log_.limited("web_hub", "http: /ws: reading pending alerts: " +
                                (page ? count.error().message : page.error().message));
    client->greet({}, 0);
  });
  // The workers are busy: greeted without the alerts that wait (the page lists them).
  if (!queued) c->greet({}, 0);
}

void WebHub::close_sessions(std::int64_t user_id, const std::string& token_hash,
                            EndedSessions which) {
  const char* reason = which == EndedSessions::kThis         ? "logout"
                       : which == EndedSessions::kAllButThis ? "password_changed"
                                                             : "disabled";
  std::vector<std::shared_ptr<HubClient>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = by_user_.find(user_id);
    if (it == by_user_.end()) return;
    for (const auto& w : it->second) {
      auto c = w.lock();
      if (!c) continue;
      const bool same = c->token_hash() == token_hash;
      if ((which == EndedSessions::kThis && same) ||
          (which == EndedSessions::kAllButThis && !same) || which == EndedSessions::kAll)
        targets.push_back(std::move(c));
    }
  }
  // Outside the lock: closing may end in leave().
  for (const auto& c : targets) c->close(reason);
}

void WebHub::ack(const std::shared_ptr<HubClient>& c, std::vector<std::int64_t> ids) {
  if (!c->begin_ack())
    return c->reply_error("one acknowledgement at a time: wait for \"acked\", then send it");
  std::weak_ptr<HubClient> weak = c;
  const bool queued = pool_.post([this, weak, user = c->user_id(), ids = std::move(ids)] {
    auto marked = accounts_.mark_alerts_delivered(user, ids, wall_s());
    auto client = weak.lock();
    if (client) client->end_ack();
    if (!marked) {
      log_.limited("web_hub", "http: acknowledging alerts: " + marked.error().message);
      if (client) client->reply_error("the acknowledgement was not stored: send it again");
      return;
    }
    if (!client) return;
    JsonOut j;
    j.begin_object();
    j.field("type", "acked");
    j.field("acked", *marked);
    j.end_object();
    client->reply(j.take());
  });
  if (!queued) {
    c->end_ack();
    c->reply_error("the server is busy: send the acknowledgement again");
  }
}

void WebHub::check_sessions() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_ || checking_) return;
  next_check_ = now + opt_.session_check;
  std::vector<std::string> hashes;
  {
    std::lock_guard lock(mu_);
    for (const auto& [raw, w] : clients_)
      if (auto c = w.lock()) hashes.push_back(c->token_hash());
  }
  if (hashes.empty()) return;
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  checking_ = true;
  const bool queued = pool_.post([this, hashes = std::move(hashes)] {
    auto live = accounts_.live_sessions(hashes, wall_s());
    if (live) {
      close_ended(hashes, std::move(*live));
    } else {
      log_.limited("web_hub", "http: re-checking WebSocket sessions: " + live.error().message);
    }
    checking_ = false;
  });
  if (!queued) checking_ = false;  // the workers are busy: at the next round
}

void WebHub::close_ended(const std::vector<std::string>& checked, std::vector<std::string> live) {
  std::sort(live.begin(), live.end());
  std::vector<std::shared_ptr<HubClient>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [raw, w] : clients_) {
      auto c = w.lock();
      if (!c) continue;
      const std::string& h = c->token_hash();
      // Sockets opened after the check began are left for the next one.
      if (std::binary_search(checked.begin(), checked.end(), h) &&
          !std::binary_search(live.begin(), live.end(), h))
        targets.push_back(std::move(c));
    }
  }
  for (const auto& c : targets) c->close("session_ended");
}

void WebHub::join(const std::shared_ptr<HubClient>& c) {
  metrics_.ws_connected();
  std::lock_guard lock(mu_);
  clients_[c.get()] = c;
  by_user_[c->user_id()].push_back(c);
}

void WebHub::leave(HubClient* c, const std::string& reason) {
  metrics_.ws_disconnected(reason);
  std::lock_guard lock(mu_);
  clients_.erase(c);
  for (const std::string& key : c->charts()) unchart(c, key);
  c->charts().clear();
  auto& mine = by_user_[c->user_id()];
  std::erase_if(mine, [&](const std::weak_ptr<HubClient>& w) {
    auto s = w.lock();
    return !s || s.get() == c;
  });
  if (mine.empty()) by_user_.erase(c->user_id());
}

bool WebHub::chart(HubClient* c, const std::string& key, bool subscribe) {
  std::lock_guard lock(mu_);
  std::set<std::string>& mine = c->charts();
  if (!subscribe) {
    if (mine.erase(key) > 0) unchart(c, key);
    return true;
  }
  if (mine.count(key) > 0) return true;
  if (mine.size() >= opt_.max_charts_per_client) return false;
  mine.insert(key);
  by_chart_[key].insert(c);
  return true;
}

void WebHub::unchart(HubClient* c, const std::string& key) {
  if (auto it = by_chart_.find(key); it != by_chart_.end()) {
    it->second.erase(c);
    if (it->second.empty()) by_chart_.erase(it);
  }
}

std::size_t WebHub::chart_keys() {
  std::lock_guard lock(mu_);
  return by_chart_.size();
}

void WebHub::reload_subscriptions() {
  if (!subscriptions_dirty_.exchange(false)) return;
  auto subs = accounts_.active_subscriptions();
  if (!subs) {
    subscriptions_dirty_ = true;  // try again with the next batch
    log_.limited("web_hub", "http: reading alert subscriptions: " + subs.error().message);
    return;
  }
  subscriptions_ = std::move(*subs);
}

void WebHub::run() {
  std::vector<WebEvent> batch;
  batch.reserve(1024);
  std::vector<Outgoing> out;
  std::map<std::uint64_t, std::size_t> latest;
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    if (!events_.take(batch, std::chrono::milliseconds(1000))) break;
    reload_subscriptions();
    for (const WebEvent& e : batch) handle(e, out, latest);
    send_charts(out);
    send_alerts();
    check_sessions();
    latest.clear();
    // Batching: what arrives meanwhile waits for the next round.
    if (opt_.batch.count() > 0 && !batch.empty()) {
      const auto spent = std::chrono::steady_clock::now() - started;
      if (spent < opt_.batch) std::this_thread::sleep_for(opt_.batch - spent);
    }
  }
}

void WebHub::handle(const WebEvent& e, std::vector<Outgoing>& out,
                    std::map<std::uint64_t, std::size_t>& latest) {
  const std::string_view symbol = e.bar.symbol.name();
  const auto series = std::make_pair(e.bar.symbol.id(), e.bar.timeframe);
  const std::string chart =
      std::string(symbol) + "|" + std::string(timeframe_name(e.bar.timeframe));
  // The same bar's updates replace each other within a batch; across batches a slow client's
  // queue keeps the latest per symbol, timeframe and kind.
  auto put = [&](int kind, std::string text) {
    const std::uint64_t conflate = (static_cast<std::uint64_t>(e.bar.symbol.id()) << 16) |
                                   (static_cast<std::uint64_t>(e.bar.timeframe) << 8) |
                                   static_cast<std::uint64_t>(kind + 1);
    auto msg = std::make_shared<const std::string>(std::move(text));
    if (kind < 2) {
      const std::uint64_t bar_key =
          conflate ^ (static_cast<std::uint64_t>(e.bar.start) * 0x9E3779B97F4A7C15ULL);
      if (auto it = latest.find(bar_key); it != latest.end() && opt_.batch.count() > 0) {
        out[it->second].message = std::move(msg);
        return;
      }
      latest[bar_key] = out.size();
      out.push_back({chart, std::move(msg), conflate});
    } else {
      out.push_back({chart, std::move(msg), 0});
    }
    if (opt_.batch.count() == 0) send_charts(out);
  };
  switch (e.kind) {
    case WebEvent::Kind::kBar: {
      last_bar_[series] = e.bar;
      if (memory_ != nullptr) memory_->add_bar(e.bar);
      JsonOut j;
      begin_event(j, "bar", e, symbol);
      j.field("open", e.bar.open);
      j.field("high", e.bar.high);
      j.field("low", e.bar.low);
      j.field("close", e.bar.close);
      j.field("volume", e.bar.volume);
      j.field("vwap", e.bar.vwap);
      j.field("revision", static_cast<std::int64_t>(e.bar.revision));
      j.field("t_emit", e.emitted_us);
      j.end_object();
      put(0, j.take());
      break;
    }
    case WebEvent::Kind::kScan: {
      if (memory_ != nullptr) memory_->add_indicators(e.bar, e.values);
      JsonOut j;
      begin_event(j, "indicators", e, symbol);
      j.key("values");
      j.begin_object();
      for (Field f : kChartFields) {
        const double v = e.values[static_cast<std::size_t>(f)];
        if (std::isnan(v)) continue;
        std::string name(field_name(f));
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        j.field(name, v);
      }
      j.end_object();
      j.end_object();
      put(1, j.take());
      break;
    }
    case WebEvent::Kind::kPattern: {
      auto it = last_bar_.find(series);
      const bool same = it != last_bar_.end() && it->second.start == e.pattern.bar_start;
      const double price = same ? it->second.close : 0;
      if (memory_ != nullptr) memory_->add_pattern(e.pattern, price, same ? it->second.volume : 0);
      put(2, pattern_json("pattern", e, symbol, price));
      if (!e.pattern.retracted) route_alert(e, std::string(symbol), price);
      break;
    }
    case WebEvent::Kind::kAlert: {
      JsonOut j;
      begin_event(j, "indicator_alert", e, symbol);
      j.field("alert", alert_name(e.alert.kind));
      j.field("value", e.alert.value);
      j.field("level", e.alert.level);
      if (e.alert.retracted) j.field("retracted", true);
      j.end_object();
      put(3, j.take());
      break;
    }
  }
}

void WebHub::route_alert(const WebEvent& e, const std::string& symbol, double price) {
  const std::string_view pattern = pattern_info(e.pattern.pattern).talib_name;
  const std::string_view tf = timeframe_name(e.bar.timeframe);
  RoundAlert a;
  for (const Subscription& s : subscriptions_)
    if (matches(s, pattern, symbol, tf, e.pattern.confidence)) a.users.push_back(s.user_id);
  if (a.users.empty()) return;
  std::sort(a.users.begin(), a.users.end());
  a.users.erase(std::unique(a.users.begin(), a.users.end()), a.users.end());
  a.message = std::make_shared<const std::string>(pattern_json("pattern_alert", e, symbol, price));
  round_.push_back(std::move(a));
}

void WebHub::send_alerts() {
  if (round_.empty()) return;
  // Every alert is stored pending, one per user it goes to; a client acknowledges it by the id
  // the store gives it, so the live send follows the store (on the writer's thread).
  std::vector<StoredAlert> alerts;
  const std::int64_t now = wall_s();
  for (const RoundAlert& a : round_)
    for (std::int64_t user : a.users) alerts.push_back({0, user, a.message, now, 0});
  round_.clear();
  // While the store fails or is slow, and when its queue is full, the open connections get the
  // alerts from here at once, without ids (as unstored ones).
  const bool by_writer = writer_.healthy();
  if (!writer_.add(alerts, by_writer) || !by_writer) deliver(alerts);
}

namespace {

constexpr std::string_view kAlertPrefix = "{\"type\":\"pattern_alert\",";

// The alert as sent live: its payload with the stored id after the type (none: as it is).
void append_live(std::string& out, const StoredAlert& a) {
  const std::string& p = *a.payload;
  if (a.id == 0 || !p.starts_with(kAlertPrefix)) {
    out += p;
    return;
  }
  out += kAlertPrefix;
  out += "\"id\":";
  out += std::to_string(a.id);
  out += ',';
  out.append(p, kAlertPrefix.size());
}

// The alerts `which` of `alerts` as one frame, one message a line.
std::shared_ptr<const std::string> alert_frame(const std::vector<StoredAlert>& alerts,
                                               const std::vector<std::uint32_t>& which) {
  std::size_t size = 0;
  for (std::uint32_t i : which) size += alerts[i].payload->size() + 24;
  std::string text;
  text.reserve(size);
  for (std::uint32_t i : which) {
    if (!text.empty()) text += '\n';
    append_live(text, alerts[i]);
  }
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace

void WebHub::send_to_user(std::int64_t user_id, std::string message) {
  std::vector<std::shared_ptr<HubClient>> clients;
  {
    std::lock_guard lock(mu_);
    auto it = by_user_.find(user_id);
    if (it == by_user_.end()) return;
    for (const auto& w : it->second)
      if (auto c = w.lock()) clients.push_back(std::move(c));
  }
  const auto shared = std::make_shared<const std::string>(std::move(message));
  for (const auto& c : clients) c->send(shared, 0);
}

void WebHub::deliver(const std::vector<StoredAlert>& alerts) {
  // Per user, the alerts due, in order: a user's sockets share one frame (the ids are theirs).
  std::unordered_map<std::int64_t, std::vector<std::uint32_t>> per_user;
  for (std::uint32_t i = 0; i < alerts.size(); ++i) per_user[alerts[i].user_id].push_back(i);
  struct Due {
    std::vector<std::shared_ptr<HubClient>> clients;
    const std::vector<std::uint32_t>* which = nullptr;
  };
  std::vector<Due> due;
  {
    std::lock_guard lock(mu_);
    for (const auto& [user, which] : per_user) {
      auto it = by_user_.find(user);
      if (it == by_user_.end()) continue;
      Due d;
      for (const auto& w : it->second)
        if (auto c = w.lock()) d.clients.push_back(std::move(c));
      d.which = &which;
      if (!d.clients.empty()) due.push_back(std::move(d));
    }
  }
  // Alerts without ids read the same for everyone: users due the same ones share a frame.
  std::map<std::vector<const std::string*>, std::shared_ptr<const std::string>> unstored;
  std::vector<const std::string*> key;
  std::size_t sent = 0;
  for (const Due& d : due) {
    const bool with_ids = std::any_of(d.which->begin(), d.which->end(),
                                      [&](std::uint32_t i) { return alerts[i].id != 0; });
    std::shared_ptr<const std::string> frame;
    if (with_ids) {
      frame = alert_frame(alerts, *d.which);
    } else {
      key.clear();
      for (std::uint32_t i : *d.which) key.push_back(alerts[i].payload.get());
      auto& shared = unstored[key];
      if (!shared) shared = alert_frame(alerts, *d.which);
      frame = shared;
    }
    for (const auto& c : d.clients) c->send(frame, 0);
    sent += d.clients.size() * d.which->size();
  }
  metrics_.ws_alerts.fetch_add(sent);
}

void WebHub::send_charts(std::vector<Outgoing>& out) {
  if (out.empty()) return;
  std::vector<std::shared_ptr<HubClient>> targets;
  for (const Outgoing& o : out) {
    targets.clear();
    {
      std::lock_guard lock(mu_);
      auto it = by_chart_.find(o.chart_key);
      if (it == by_chart_.end()) continue;
      for (HubClient* c : it->second)
        if (auto cl = clients_.find(c); cl != clients_.end())
          if (auto s = cl->second.lock()) targets.push_back(std::move(s));
    }
    for (const auto& c : targets) c->send(o.message, o.conflate_key);
  }
  out.clear();
}

}  // namespace tickstock::app
