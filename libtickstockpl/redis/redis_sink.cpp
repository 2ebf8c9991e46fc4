// RedisSink: a SinkBuffer the engine fills, drained by a thread that runs an Asio io_context
// with one pipelined RESP connection (RespConnection). This file routes: which channels each
// event and report goes to, and what Redis's answers count as.
#include "tickstock/redis_sink.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <limits>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <hiredis/hiredis.h>

#include "redis/event_payload.h"
#include "redis/resp_connection.h"
#include "redis/sink_buffer.h"
#include "redis/stream_ids.h"

namespace tickstock {
namespace {

namespace asio = boost::asio;
using SteadyTime = std::chrono::steady_clock::time_point;
using detail::CommandKind;

constexpr std::size_t kMaxPipelineBytes = 8 << 20;  // unanswered bytes before we stop adding
constexpr std::size_t kTakeBatch = 64;              // events moved out of the buffer per lock
constexpr std::size_t kPumpBudget = 512;  // events formatted per turn, so that replies are read
                                          // (and a broken link noticed) between turns

detail::RespConnectionOptions connection_options(const RedisSinkOptions& o,
                                                 const RedisChannels& channels) {
  detail::RespConnectionOptions c;
  c.host = o.host;
  c.port = o.port;
  c.username = o.username;
  c.password = o.password;
  c.db = o.db;
  c.client_name = "tickstock-publisher";
  if (o.stream_maxlen > 0) c.stream_key = channels.stream;
  c.connect_timeout = o.connect_timeout;
  c.reply_timeout = o.reply_timeout;
  c.heartbeat = o.heartbeat;
  c.min_backoff = o.min_backoff;
  c.max_backoff = o.max_backoff;
  return c;
}

}  // namespace

struct RedisSink::Impl final : detail::RespConnection::Owner {
  Impl(RedisSinkOptions o, const Clock& c)
      : options(std::move(o)),
        clock(c),
        channels(options.prefix),
        buffer(options.buffer_capacity),
        wake_reader(io),
        connection(io, connection_options(options, channels), *this),
        maxlen_text(std::to_string(options.stream_maxlen)),
        thread([this] { run(); }) {}

  ~Impl() override {
    io.stop();
    thread.join();
  }

  // ---- any thread ----------------------------------------------------------------------

  void push_event(const detail::EngineItem& item) { buffer.push_event(item, clock.now()); }
  void push_report(detail::Report report) { buffer.push_report(std::move(report), clock.now()); }

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
      if (buffer.wake_fd() < 0) throw std::runtime_error("eventfd failed");
      wake_reader.assign(buffer.wake_fd());
      wait_for_wake();
      connection.start();
      io.run();
    } catch (const std::exception& e) {  // the thread entry: report, never terminate
      buffer.on_stopped(std::string("redis sink stopped: ") + e.what());
    }
  }

  void wait_for_wake() {
    wake_reader.async_read_some(asio::buffer(&wake_count, sizeof wake_count),
                                [this](const boost::system::error_code& ec, std::size_t) {
                                  if (ec == asio::error::operation_aborted) return;
                                  fill();
                                  wait_for_wake();
                                });
  }

  // Says why events are being dropped: at the first drop, then at most once per
  // options.drop_notice_interval while drops go on (each notice counts those since the last).
  void on_tick() override {
    if (!options.on_drop) return;
    const auto now = std::chrono::steady_clock::now();
    const detail::NewDrops d = buffer.drops_to_notice(
        last_drop_notice == SteadyTime{} || now - last_drop_notice >= options.drop_notice_interval);
    if (d.events + d.reports == 0) return;
    last_drop_notice = now;
    std::string why;
    if (d.events > 0)
      why = std::to_string(d.events) + " events dropped, the oldest first: the buffer of " +
            std::to_string(d.capacity) + " events is full";
    if (d.reports > 0)
      why += std::string(why.empty() ? "" : "; ") + std::to_string(d.reports) +
             " reports dropped: their queue of " +
             std::to_string(detail::SinkBuffer::kReportCapacity) + " is full";
    const std::string state_text =
        connection.ready() ? "Redis is slower than the engine" : "Redis is not connected";
    options.on_drop(why + " (" + state_text + ")");
  }

  void on_ready() override { buffer.on_ready(); }
  void on_lost(const std::string& why) override {
    buffer.commit(counts);
    buffer.on_lost(why);
  }
  void on_resent(std::size_t n) override { buffer.on_resent(n); }
  void on_stream_top(std::string_view id) override { stream_ids.raise_floor(id); }
  void on_answers_done() override { buffer.commit(counts); }

  void on_answer(const detail::CommandInfo& c, const redisReply& r) override {
    const bool is_error = r.type == REDIS_REPLY_ERROR;
    const std::string_view text =
        r.str != nullptr ? std::string_view(r.str, r.len) : std::string_view();
    if (c.kind == CommandKind::Publish) {
      if (is_error) {
        command_failed(text);
      } else {
        ++counts.messages;
        counts.deliveries += static_cast<std::uint64_t>(std::max(0LL, r.integer));
      }
    } else if (!is_error || (c.resent && text.find("equal or smaller") != std::string_view::npos)) {
      // An XADD sent again may have been stored before the connection broke: its explicit id
      // is then not above the stream's newest, and the entry is there already.
      ++counts.stream_entries;
    } else {
      command_failed(text);
    }
    if (c.ends_event) {
      ++(event_failed ? counts.failed : counts.published);
      event_failed = false;
    }
  }

  void command_failed(std::string_view text) {
    event_failed = true;
    buffer.set_last_error("Redis refused a command: " + std::string(text));
  }

  // Moves events from the buffer into the pipeline while there is room (and at most
  // kPumpBudget of them: a write completion or reply calls again), then writes.
  void fill() override {
    if (!connection.ready()) return;
    detail::RespPipeline& pipeline = connection.pipeline();
    for (std::size_t budget = kPumpBudget; budget > 0 &&
                                           pipeline.unanswered() < options.max_in_flight &&
                                           pipeline.unanswered_bytes() < kMaxPipelineBytes;) {
      taken_reports.clear();
      taken_events.clear();
      if (!buffer.take(kTakeBatch, taken_reports, taken_events)) break;
      for (const detail::QueuedReport& q : taken_reports) send(pipeline, q);
      for (const detail::QueuedEvent& q : taken_events) send(pipeline, q);
      budget -= std::min(budget, taken_reports.size() + taken_events.size());
    }
    connection.write();
  }

  void send(detail::RespPipeline& pipeline, const detail::QueuedReport& q) {
    const detail::Envelope env{options.source, q.at, q.seq};
    if (const auto* r = std::get_if<RedisReport>(&q.report)) {
      detail::write_payload(payload, env, r->event_type, r->members);
      pipeline.add({"PUBLISH", r->channel, payload}, CommandKind::Publish, true);
      return;
    }
    const auto& err = std::get<ErrorReport>(q.report);
    detail::write_payload(payload, env, err);
    const bool critical = err.severity == Severity::Critical;
    pipeline.add({"PUBLISH", channels.errors, payload}, CommandKind::Publish, !critical);
    if (critical)
      pipeline.add({"PUBLISH", channels.alerts_critical, payload}, CommandKind::Publish, true);
  }

  void send(detail::RespPipeline& pipeline, const detail::QueuedEvent& q) {
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
  detail::SinkBuffer buffer;  // shared with the producers

  // Engine thread only.
  Bar last_scanned;
  struct HighConfidence {
    Timestamp bar_start = 0;
    std::bitset<kPatternCount> patterns;
  };
  std::unordered_map<std::uint64_t, HighConfidence> high_confidence;  // per symbol, timeframe

  // I/O thread only (and the members it was built with).
  asio::io_context io;
  std::uint64_t wake_count = 0;
  asio::posix::stream_descriptor wake_reader;
  detail::RespConnection connection;
  bool event_failed = false;  // a command of the event being answered was refused
  detail::IoCounts counts;
  SteadyTime last_drop_notice{};
  detail::StreamIds stream_ids;
  std::string payload;
  const std::string maxlen_text;
  std::vector<detail::QueuedReport> taken_reports;
  std::vector<detail::QueuedEvent> taken_events;

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

bool RedisSink::flush_for(std::chrono::milliseconds timeout) {
  return impl_->buffer.flush_for(timeout);
}

void RedisSink::publish(const ErrorReport& r) { impl_->push_report(r); }
void RedisSink::publish(RedisReport r) { impl_->push_report(std::move(r)); }

RedisSinkStats RedisSink::stats() const { return impl_->buffer.snapshot(); }

const RedisChannels& RedisSink::channels() const { return impl_->channels; }

}  // namespace tickstock
