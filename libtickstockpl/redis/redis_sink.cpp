// RedisSink: a bounded buffer the engine fills, drained by a thread that runs an Asio
// io_context with one pipelined RESP connection (hiredis formats commands and parses replies).
#include "tickstock/redis_sink.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <random>
#include <stdexcept>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <hiredis/hiredis.h>

#include "redis/event_payload.h"
#include "redis/event_ring.h"
#include "redis/resp_pipeline.h"

namespace tickstock {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;
using detail::CommandKind;

using EngineItem =
    std::variant<detail::PatternItem, detail::AlertItem, detail::IndicatorsItem, Bar>;
struct QueuedEvent {
  std::uint64_t seq;
  Timestamp at;
  EngineItem item;
};
using Report = std::variant<HealthReport, MetricsReport, ErrorReport, BacktestProgress,
                            BacktestResult, JobAck>;
struct QueuedReport {
  std::uint64_t seq;
  Timestamp at;
  Report report;
};

constexpr std::size_t kReportCapacity = 4096;       // reports are few; a backlog this long is stale
constexpr std::size_t kMaxPipelineBytes = 8 << 20;  // unanswered bytes before we stop adding
constexpr std::size_t kTakeBatch = 64;              // events moved out of the buffer per lock
constexpr std::size_t kPumpBudget = 512;  // events formatted per turn, so that replies are read
                                          // (and a broken link noticed) between turns
constexpr auto kTick = std::chrono::milliseconds(100);

struct ReaderFree {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

// What the I/O thread counted since it last reported to the shared stats.
struct IoCounts {
  std::uint64_t published = 0, failed = 0, messages = 0, deliveries = 0, stream_entries = 0;
  bool any() const { return published + failed + messages + stream_entries > 0; }
};

// "<ms>-<seq>" stream ids, increasing, never below an id already in the stream.
class StreamIds {
 public:
  void raise_floor(std::string_view top) {
    const auto dash = top.find('-');
    if (dash == std::string_view::npos) return;
    const std::uint64_t ms = to_u64(top.substr(0, dash)), seq = to_u64(top.substr(dash + 1));
    if (ms > ms_ || (ms == ms_ && seq > seq_)) {
      ms_ = ms;
      seq_ = seq;
    }
  }
  std::string_view next(Timestamp at, std::array<char, 48>& buf) {
    const auto ms = static_cast<std::uint64_t>(std::max<Timestamp>(at, 0) / 1'000'000);
    if (ms > ms_) {
      ms_ = ms;
      seq_ = 0;
    } else {
      ++seq_;
    }
    const int n =
        std::snprintf(buf.data(), buf.size(), "%llu-%llu", static_cast<unsigned long long>(ms_),
                      static_cast<unsigned long long>(seq_));
    return {buf.data(), static_cast<std::size_t>(n)};
  }

 private:
  static std::uint64_t to_u64(std::string_view s) {
    std::uint64_t v = 0;
    for (const char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return v;
  }
  std::uint64_t ms_ = 0, seq_ = 0;  // the newest id given or seen; starts past 0-0
};

}  // namespace

struct RedisSink::Impl {
  enum class State : std::uint8_t { Waiting, Connecting, Handshake, Ready };

  Impl(RedisSinkOptions o, const Clock& c)
      : options(std::move(o)),
        clock(c),
        channels(options.prefix),
        ring(std::max<std::size_t>(options.buffer_capacity, 1)),
        wake_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        wake_reader(io),
        socket(io),
        resolver(io),
        connect_timer(io),
        backoff_timer(io),
        tick_timer(io),
        jitter(std::random_device{}()),
        backoff(options.min_backoff),
        maxlen_text(std::to_string(options.stream_maxlen)),
        thread([this] { run(); }) {}

  ~Impl() {
    io.stop();
    thread.join();
  }

  // ---- any thread ----------------------------------------------------------------------

  template <class Push>
  void accept(Push&& push) {
    const Timestamp at = clock.now();
    bool wake = false;
    {
      std::lock_guard lock(mu);
      if (push(++next_seq, at)) {
        ++stats.dropped;
        done_cv.notify_all();
      }
      ++stats.accepted;
      stats.buffer_high_water =
          std::max<std::uint64_t>(stats.buffer_high_water, ring.size() + reports.size());
      wake = idle;
      idle = false;
    }
    if (wake) {
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);  // cannot block
    }
  }
  void push_event(const EngineItem& item) {
    accept([&](std::uint64_t seq, Timestamp at) {
      const bool full = ring.push(QueuedEvent{seq, at, item});
      if (full) ++stats.dropped_buffer_full;
      return full;
    });
  }
  void push_report(Report report) {
    accept([&](std::uint64_t seq, Timestamp at) {
      const bool full = reports.size() >= kReportCapacity;
      if (full) {
        reports.pop_front();
        ++stats.dropped_reports_full;
      }
      reports.push_back(QueuedReport{seq, at, std::move(report)});
      return full;
    });
  }

  bool flush_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu);
    return done_cv.wait_for(lock, timeout, [&] {
      return stats.accepted == stats.published + stats.failed + stats.dropped;
    });
  }

  RedisSinkStats snapshot() const {
    std::lock_guard lock(mu);
    RedisSinkStats s = stats;
    s.backlog = s.accepted - s.published - s.failed - s.dropped;
    return s;
  }

  // The close and volume of the bar an event belongs to: the one scanned last (NaN otherwise).
  template <class Event>
  void bar_of(const Event& e, double& price, double& volume) const {
    const Bar& b = last_scanned;
    const bool same = b.symbol == e.symbol && b.timeframe == e.timeframe && b.start == e.bar_start;
    price = same ? b.close : std::numeric_limits<double>::quiet_NaN();
    volume = same ? b.volume : std::numeric_limits<double>::quiet_NaN();
  }

  // ---- I/O thread ----------------------------------------------------------------------

  void run() {
    try {
      if (wake_fd < 0) throw std::runtime_error("eventfd failed");
      wake_reader.assign(wake_fd);
      wait_for_wake();
      start_tick();
      start_connect();
      io.run();
    } catch (const std::exception& e) {  // the thread entry: report, never terminate
      std::lock_guard lock(mu);
      stats.connected = false;
      stats.last_error = std::string("redis sink stopped: ") + e.what();
    }
  }

  void wait_for_wake() {
    wake_reader.async_read_some(asio::buffer(&wake_count, sizeof wake_count),
                                [this](const boost::system::error_code& ec, std::size_t) {
                                  if (ec == asio::error::operation_aborted) return;
                                  pump();
                                  wait_for_wake();
                                });
  }

  void start_tick() {
    tick_timer.expires_after(kTick);
    tick_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      on_tick();
      start_tick();
    });
  }

  // Says why events are being dropped: at the first drop, then at most once per
  // options.drop_notice_interval while drops go on (each notice counts those since the last).
  void notice_drops() {
    if (!options.on_drop) return;
    const auto now = std::chrono::steady_clock::now();
    std::uint64_t events = 0, reports_dropped = 0;
    std::size_t held = 0;
    {
      std::lock_guard lock(mu);
      events = stats.dropped_buffer_full - noticed_events;
      reports_dropped = stats.dropped_reports_full - noticed_reports;
      if (events + reports_dropped == 0) return;
      if (last_drop_notice != SteadyTime{} && now - last_drop_notice < options.drop_notice_interval)
        return;
      noticed_events = stats.dropped_buffer_full;
      noticed_reports = stats.dropped_reports_full;
      held = ring.capacity();
    }
    last_drop_notice = now;
    std::string why;
    if (events > 0)
      why = std::to_string(events) + " events dropped, the oldest first: the buffer of " +
            std::to_string(held) + " events is full";
    if (reports_dropped > 0)
      why += std::string(why.empty() ? "" : "; ") + std::to_string(reports_dropped) +
             " reports dropped: their queue of " + std::to_string(kReportCapacity) + " is full";
    const std::string state_text =
        state == State::Ready ? "Redis is slower than the engine" : "Redis is not connected";
    options.on_drop(why + " (" + state_text + ")");
  }

  void on_tick() {
    notice_drops();
    if (state != State::Handshake && state != State::Ready) return;
    const auto now = std::chrono::steady_clock::now();
    if (pipeline.sent_unanswered() > 0 &&
        now - std::max(last_reply, waiting_since) > options.reply_timeout) {
      lose_connection("no reply from Redis for " + std::to_string(options.reply_timeout.count()) +
                      " ms");
      return;
    }
    if (state == State::Ready && pipeline.unanswered() == 0 &&
        now - std::max(last_reply, last_write) > options.heartbeat) {
      pipeline.add({"PING"}, CommandKind::Ping, false);
      start_write();
    }
    pump();
  }

  std::string endpoint() const { return options.host + ":" + std::to_string(options.port); }

  void start_connect() {
    state = State::Connecting;
    const std::uint64_t g = generation;
    resolver.async_resolve(
        options.host, std::to_string(options.port),
        [this, g](const boost::system::error_code& ec, const tcp::resolver::results_type& hosts) {
          if (g != generation) return;
          if (ec) return lose_connection("resolve " + endpoint() + ": " + ec.message());
          connect_timed_out = false;
          connect_timer.expires_after(options.connect_timeout);
          connect_timer.async_wait([this, g](const boost::system::error_code& tec) {
            if (tec || g != generation || state != State::Connecting) return;
            connect_timed_out = true;
            boost::system::error_code ignored;
            socket.close(ignored);
          });
          asio::async_connect(
              socket, hosts, [this, g](const boost::system::error_code& cec, const tcp::endpoint&) {
                connect_timer.cancel();
                if (g != generation) return;
                if (cec) {
                  return lose_connection("connect " + endpoint() + ": " +
                                         (connect_timed_out ? "timed out" : cec.message()));
                }
                on_connected();
              });
        });
  }

  void on_connected() {
    if (pipeline.writing()) {  // the broken connection's last write has not reported back yet
      connect_after_write = true;
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    reader.reset(redisReaderCreate());
    std::vector<detail::SetupCommand> setup;
    if (!options.password.empty()) {
      if (options.username.empty()) {
        setup.push_back({{"AUTH", options.password}, CommandKind::Setup});
      } else {
        setup.push_back({{"AUTH", options.username, options.password}, CommandKind::Setup});
      }
    }
    if (options.db != 0)
      setup.push_back({{"SELECT", std::to_string(options.db)}, CommandKind::Setup});
    setup.push_back({{"CLIENT", "SETNAME", "tickstock-publisher"}, CommandKind::Setup});
    if (options.stream_maxlen > 0) {
      setup.push_back(
          {{"XREVRANGE", channels.stream, "+", "-", "COUNT", "1"}, CommandKind::StreamTop});
    }
    setup_pending = setup.size();
    const std::size_t again = pipeline.start_connection(setup);
    {
      std::lock_guard lock(mu);
      stats.resent += again;
    }
    state = State::Handshake;
    last_reply = std::chrono::steady_clock::now();
    start_read();
    start_write();
  }

  void start_read() {
    socket.async_read_some(
        asio::buffer(read_buf),
        [this, g = generation](const boost::system::error_code& ec, std::size_t n) {
          if (g != generation) return;
          if (ec) {
            return lose_connection(ec == asio::error::eof ? "connection closed by Redis"
                                                          : "read: " + ec.message());
          }
          on_read(n);
        });
  }

  void on_read(std::size_t n) {
    const std::uint64_t g = generation;
    if (redisReaderFeed(reader.get(), read_buf.data(), n) != REDIS_OK) {
      return lose_connection("cannot buffer a reply");
    }
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
        return lose_connection(std::string("protocol error: ") + reader->errstr);
      }
      if (raw == nullptr) break;
      on_reply(std::unique_ptr<redisReply, ReplyFree>(static_cast<redisReply*>(raw)));
      if (g != generation) return;  // the reply ended the connection
    }
    commit_counts();
    start_read();
    pump();
  }

  void on_reply(std::unique_ptr<redisReply, ReplyFree> r) {
    const bool is_error = r->type == REDIS_REPLY_ERROR;
    const std::string_view text =
        r->str != nullptr ? std::string_view(r->str, r->len) : std::string_view();
    if (pipeline.sent_unanswered() == 0) {
      return lose_connection("unexpected reply from Redis: " + std::string(text));
    }
    const detail::CommandInfo c = pipeline.on_reply();
    last_reply = std::chrono::steady_clock::now();
    switch (c.kind) {
      case CommandKind::Setup:
      case CommandKind::StreamTop:
        if (is_error) return lose_connection("connection setup refused: " + std::string(text));
        if (c.kind == CommandKind::StreamTop && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
            r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements > 0) {
          const redisReply* id = r->element[0]->element[0];
          stream_ids.raise_floor(std::string_view(id->str, id->len));
        }
        if (--setup_pending == 0) on_ready();
        break;
      case CommandKind::Ping:
        break;
      case CommandKind::Publish:
        if (is_error) {
          command_failed(text);
        } else {
          ++counts.messages;
          counts.deliveries += static_cast<std::uint64_t>(std::max(0LL, r->integer));
        }
        break;
      case CommandKind::Xadd:
        // A command sent again may have been stored before the connection broke: its explicit
        // id is then not above the stream's newest, and the entry is there already.
        if (!is_error || (c.resent && text.find("equal or smaller") != std::string_view::npos)) {
          ++counts.stream_entries;
        } else {
          command_failed(text);
        }
        break;
    }
    if (c.ends_event) {
      ++(event_failed ? counts.failed : counts.published);
      event_failed = false;
    }
  }

  void command_failed(std::string_view text) {
    event_failed = true;
    std::lock_guard lock(mu);
    stats.last_error = "Redis refused a command: " + std::string(text);
  }

  void on_ready() {
    state = State::Ready;
    backoff = options.min_backoff;
    std::lock_guard lock(mu);
    stats.connected = true;
    if (ever_connected) ++stats.reconnects;
    ever_connected = true;
  }

  void commit_counts() {
    if (!counts.any()) return;
    std::lock_guard lock(mu);
    stats.published += counts.published;
    stats.failed += counts.failed;
    stats.messages += counts.messages;
    stats.deliveries += counts.deliveries;
    stats.stream_entries += counts.stream_entries;
    counts = IoCounts{};
    done_cv.notify_all();
  }

  void lose_connection(const std::string& why) {
    if (state == State::Waiting) return;
    ++generation;
    boost::system::error_code ignored;
    socket.close(ignored);
    reader.reset();
    pipeline.on_disconnect();
    commit_counts();
    state = State::Waiting;
    {
      std::lock_guard lock(mu);
      ++stats.connection_errors;
      stats.connected = false;
      stats.last_error = why;
      idle = false;  // nothing to wake us for until we are back
    }
    // Exponential backoff with ±25 % jitter, so that many clients do not reconnect in step.
    const double factor = std::uniform_real_distribution<double>(0.75, 1.25)(jitter);
    const auto wait = std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(backoff.count()) * factor));
    backoff = std::min(backoff * 2, options.max_backoff);
    backoff_timer.expires_after(wait);
    backoff_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) start_connect();
    });
  }

  void start_write() {
    if (state != State::Handshake && state != State::Ready) return;
    const bool was_waiting = pipeline.sent_unanswered() > 0;
    const std::string_view bytes = pipeline.begin_write();
    if (bytes.empty()) return;
    last_write = std::chrono::steady_clock::now();
    if (!was_waiting) waiting_since = last_write;
    asio::async_write(socket, asio::buffer(bytes.data(), bytes.size()),
                      [this, g = generation](const boost::system::error_code& ec, std::size_t) {
                        pipeline.end_write();
                        if (connect_after_write) {
                          connect_after_write = false;
                          return on_connected();
                        }
                        if (g != generation) return;
                        if (ec) return lose_connection("write: " + ec.message());
                        pump();  // more to send, now that the socket took this
                        start_write();
                      });
  }

  // Moves events from the buffer into the pipeline while there is room (and at most
  // kPumpBudget of them: a write completion or reply calls again), then writes.
  void pump() {
    if (state != State::Ready) return;
    for (std::size_t budget = kPumpBudget; budget > 0 &&
                                           pipeline.unanswered() < options.max_in_flight &&
                                           pipeline.unanswered_bytes() < kMaxPipelineBytes;) {
      taken_reports.clear();
      taken_events.clear();
      {
        std::lock_guard lock(mu);
        while (!reports.empty() && taken_reports.size() < kTakeBatch) {
          taken_reports.push_back(std::move(reports.front()));
          reports.pop_front();
        }
        while (!ring.empty() && taken_events.size() < kTakeBatch) {
          taken_events.emplace_back();
          ring.pop(taken_events.back());
        }
        if (taken_reports.empty() && taken_events.empty()) {
          idle = true;
          break;
        }
      }
      for (const QueuedReport& q : taken_reports) send(q);
      for (const QueuedEvent& q : taken_events) send(q);
      budget -= std::min(budget, taken_reports.size() + taken_events.size());
    }
    start_write();
  }

  void send(const QueuedReport& q) {
    const detail::Envelope env{options.source, q.at, q.seq};
    std::visit([&](const auto& r) { detail::write_payload(payload, env, r); }, q.report);
    const std::string* channel = std::visit(
        [&](const auto& r) -> const std::string* {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, HealthReport>) return &channels.health;
          if constexpr (std::is_same_v<T, MetricsReport>) return &channels.monitoring;
          if constexpr (std::is_same_v<T, ErrorReport>) return &channels.errors;
          if constexpr (std::is_same_v<T, BacktestProgress>) return &channels.backtest_progress;
          if constexpr (std::is_same_v<T, BacktestResult>) return &channels.backtest_results;
          return &channels.jobs_ack;
        },
        q.report);
    const auto* err = std::get_if<ErrorReport>(&q.report);
    const bool critical = err != nullptr && err->severity == Severity::Critical;
    pipeline.add({"PUBLISH", *channel, payload}, CommandKind::Publish, !critical);
    if (critical)
      pipeline.add({"PUBLISH", channels.alerts_critical, payload}, CommandKind::Publish, true);
  }

  void send(const QueuedEvent& q) {
    const detail::Envelope env{options.source, q.at, q.seq};
    std::visit([&](const auto& item) { detail::write_payload(payload, env, item); }, q.item);
    std::array<const std::string*, 3> to{};
    std::size_t n = 0;
    if (const auto* p = std::get_if<detail::PatternItem>(&q.item)) {
      to[n++] = &channels.patterns;
      if (p->high_confidence) {
        to[n++] = &channels.patterns_streaming;
        to[n++] = &channels.patterns_detected;
      }
    } else if (const auto* a = std::get_if<detail::AlertItem>(&q.item)) {
      to[n++] = &channels.alerts;
      if (a->critical) to[n++] = &channels.alerts_critical;
    } else if (std::holds_alternative<detail::IndicatorsItem>(q.item)) {
      to[n++] = &channels.indicators;
    } else {
      to[n++] = &channels.bars;
    }
    const bool stream = options.stream_maxlen > 0;
    for (std::size_t i = 0; i < n; ++i) {
      pipeline.add({"PUBLISH", *to[i], payload}, CommandKind::Publish, !stream && i + 1 == n);
    }
    if (stream) {
      std::array<char, 48> id_buf{};
      pipeline.add({"XADD", channels.stream, "MAXLEN", "~", maxlen_text,
                    stream_ids.next(q.at, id_buf), "channel", *to[0], "payload", payload},
                   CommandKind::Xadd, true);
    }
  }

  // Configuration and collaborators.
  const RedisSinkOptions options;
  const Clock& clock;
  const RedisChannels channels;

  // Shared with the producers, under mu.
  mutable std::mutex mu;
  std::condition_variable done_cv;
  detail::EventRing<QueuedEvent> ring;
  std::deque<QueuedReport> reports;
  std::uint64_t next_seq = 0;
  bool idle = false;  // the I/O thread is connected and has drained the buffers: wake it
  RedisSinkStats stats;
  std::uint64_t noticed_events = 0, noticed_reports = 0;  // drops told to options.on_drop

  // Engine thread only.
  Bar last_scanned;
  struct HighConfidence {
    Timestamp bar_start = 0;
    std::bitset<kPatternCount> patterns;
  };
  std::unordered_map<std::uint64_t, HighConfidence> high_confidence;  // per symbol, timeframe

  // I/O thread only (and the members it was built with).
  asio::io_context io;
  int wake_fd;
  std::uint64_t wake_count = 0;
  asio::posix::stream_descriptor wake_reader;
  tcp::socket socket;
  tcp::resolver resolver;
  asio::steady_timer connect_timer, backoff_timer, tick_timer;
  std::unique_ptr<redisReader, ReaderFree> reader;
  std::array<char, 1 << 16> read_buf{};
  detail::RespPipeline pipeline;
  State state = State::Waiting;
  std::uint64_t generation = 0;  // bumped when a connection ends: its handlers are then stale
  std::size_t setup_pending = 0;
  bool connect_timed_out = false;
  bool connect_after_write = false;
  bool ever_connected = false;
  bool event_failed = false;  // a command of the event being answered was refused
  IoCounts counts;
  std::minstd_rand jitter;
  std::chrono::milliseconds backoff;
  SteadyTime last_reply{}, last_write{}, waiting_since{}, last_drop_notice{};
  StreamIds stream_ids;
  std::string payload;
  const std::string maxlen_text;
  std::vector<QueuedReport> taken_reports;
  std::vector<QueuedEvent> taken_events;

  std::thread thread;  // last: starts once everything above exists
};

RedisSink::RedisSink(RedisSinkOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {}

RedisSink::~RedisSink() { flush_for(impl_->options.flush_timeout); }

void RedisSink::on_bar(const Bar& bar) {
  if (impl_->options.publish_bars) impl_->push_event(bar);
}

void RedisSink::on_scan(const ScanResult& result) {
  impl_->last_scanned = result.bar;
  if (!impl_->options.publish_indicators) return;
  detail::IndicatorsItem item;
  item.bar = result.bar;
  item.values = result.values;
  impl_->push_event(item);
}

void RedisSink::on_pattern(const PatternEvent& event) {
  detail::PatternItem item;
  item.event = event;
  impl_->bar_of(event, item.price, item.volume);
  // A high-confidence detection goes to the streaming channels; so does whatever later changes
  // it (a revision's new confidence or its retraction), so that their consumers hear of it.
  const std::uint64_t key = (static_cast<std::uint64_t>(event.symbol.id()) << 3) |
                            static_cast<std::uint64_t>(event.timeframe);
  const bool high = !event.retracted && event.confidence >= impl_->options.high_confidence;
  auto it = impl_->high_confidence.find(key);
  const auto bit = static_cast<std::size_t>(event.pattern);
  const bool was_high = it != impl_->high_confidence.end() &&
                        it->second.bar_start == event.bar_start && it->second.patterns[bit];
  item.high_confidence = high || was_high;
  if (high) {
    if (it == impl_->high_confidence.end())
      it = impl_->high_confidence.emplace(key, Impl::HighConfidence{}).first;
    if (it->second.bar_start != event.bar_start) {
      it->second.bar_start = event.bar_start;
      it->second.patterns.reset();
    }
    it->second.patterns.set(bit);
  } else if (was_high) {
    it->second.patterns.reset(bit);
  }
  impl_->push_event(item);
}

void RedisSink::on_alert(const AlertEvent& event) {
  detail::AlertItem item;
  item.event = event;
  impl_->bar_of(event, item.price, item.volume);
  const RedisSinkOptions& o = impl_->options;
  item.critical =
      (event.kind == AlertKind::RsiOverbought && event.value >= o.critical_rsi_overbought) ||
      (event.kind == AlertKind::RsiOversold && event.value <= o.critical_rsi_oversold);
  impl_->push_event(item);
}

void RedisSink::flush() { flush_for(impl_->options.flush_timeout); }

bool RedisSink::flush_for(std::chrono::milliseconds timeout) { return impl_->flush_for(timeout); }

void RedisSink::publish(const HealthReport& r) { impl_->push_report(r); }
void RedisSink::publish(const MetricsReport& r) { impl_->push_report(r); }
void RedisSink::publish(const ErrorReport& r) { impl_->push_report(r); }
void RedisSink::publish(const BacktestProgress& r) { impl_->push_report(r); }
void RedisSink::publish(const BacktestResult& r) { impl_->push_report(r); }
void RedisSink::publish(const JobAck& r) { impl_->push_report(r); }

RedisSinkStats RedisSink::stats() const { return impl_->snapshot(); }

const RedisChannels& RedisSink::channels() const { return impl_->channels; }

}  // namespace tickstock
