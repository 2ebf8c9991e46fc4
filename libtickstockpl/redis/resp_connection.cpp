// RespConnection: connect, set up, read replies, write the pipeline, and start over after a
// break. Handlers of an ended connection see a newer generation and do nothing.
#include "redis/resp_connection.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <hiredis/hiredis.h>

namespace tickstock::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kTick = std::chrono::milliseconds(100);

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

}  // namespace

void RespConnection::ReaderFree::operator()(redisReader* r) const { redisReaderFree(r); }

RespConnection::RespConnection(asio::io_context& io, RespConnectionOptions options, Owner& owner)
    : options_(std::move(options)),
      owner_(owner),
      socket_(io),
      resolver_(io),
      connect_timer_(io),
      backoff_timer_(io),
      tick_timer_(io),
      jitter_(std::random_device{}()),
      backoff_(options_.min_backoff) {}

RespConnection::~RespConnection() = default;

void RespConnection::start() {
  start_tick();
  start_connect();
}

std::string RespConnection::endpoint() const {
  return options_.host + ":" + std::to_string(options_.port);
}

void RespConnection::start_tick() {
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    on_tick();
    start_tick();
  });
}

void RespConnection::on_tick() {
  owner_.on_tick();
  if (state_ != State::Handshake && state_ != State::Ready) return;
  const auto now = std::chrono::steady_clock::now();
  if (pipeline_.sent_unanswered() > 0 &&
      now - std::max(last_reply_, waiting_since_) > options_.reply_timeout) {
    lose_connection("no reply from Redis for " + std::to_string(options_.reply_timeout.count()) +
                    " ms");
    return;
  }
  if (state_ == State::Ready && pipeline_.unanswered() == 0 &&
      now - std::max(last_reply_, last_write_) > options_.heartbeat) {
    pipeline_.add({"PING"}, CommandKind::Ping, false);
    write();
  }
  owner_.fill();
}

void RespConnection::start_connect() {
  state_ = State::Connecting;
  const std::uint64_t g = generation_;
  resolver_.async_resolve(
      options_.host, std::to_string(options_.port),
      [this, g](const boost::system::error_code& ec, const tcp::resolver::results_type& hosts) {
        if (g != generation_) return;
        if (ec) return lose_connection("resolve " + endpoint() + ": " + ec.message());
        connect_timed_out_ = false;
        connect_timer_.expires_after(options_.connect_timeout);
        connect_timer_.async_wait([this, g](const boost::system::error_code& tec) {
          if (tec || g != generation_ || state_ != State::Connecting) return;
          connect_timed_out_ = true;
          boost::system::error_code ignored;
          socket_.close(ignored);
        });
        asio::async_connect(
            socket_, hosts, [this, g](const boost::system::error_code& cec, const tcp::endpoint&) {
              connect_timer_.cancel();
              if (g != generation_) return;
              if (cec) {
                return lose_connection("connect " + endpoint() + ": " +
                                       (connect_timed_out_ ? "timed out" : cec.message()));
              }
              on_connected();
            });
      });
}

void RespConnection::on_connected() {
  if (pipeline_.writing()) {  // the broken connection's last write has not reported back yet
    connect_after_write_ = true;
    return;
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  reader_.reset(redisReaderCreate());
  std::vector<SetupCommand> setup;
  if (!options_.password.empty()) {
    if (options_.username.empty()) {
      setup.push_back({{"AUTH", options_.password}, CommandKind::Setup});
    } else {
      setup.push_back({{"AUTH", options_.username, options_.password}, CommandKind::Setup});
    }
  }
  if (options_.db != 0)
    setup.push_back({{"SELECT", std::to_string(options_.db)}, CommandKind::Setup});
  setup.push_back({{"CLIENT", "SETNAME", options_.client_name}, CommandKind::Setup});
  if (!options_.stream_key.empty()) {
    setup.push_back(
        {{"XREVRANGE", options_.stream_key, "+", "-", "COUNT", "1"}, CommandKind::StreamTop});
  }
  setup_pending_ = setup.size();
  owner_.on_resent(pipeline_.start_connection(setup));
  state_ = State::Handshake;
  last_reply_ = std::chrono::steady_clock::now();
  start_read();
  write();
}

void RespConnection::start_read() {
  socket_.async_read_some(
      asio::buffer(read_buf_),
      [this, g = generation_](const boost::system::error_code& ec, std::size_t n) {
        if (g != generation_) return;
        if (ec) {
          return lose_connection(ec == asio::error::eof ? "connection closed by Redis"
                                                        : "read: " + ec.message());
        }
        on_read(n);
      });
}

void RespConnection::on_read(std::size_t n) {
  const std::uint64_t g = generation_;
  if (redisReaderFeed(reader_.get(), read_buf_.data(), n) != REDIS_OK) {
    return lose_connection("cannot buffer a reply");
  }
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
      return lose_connection(std::string("protocol error: ") + reader_->errstr);
    }
    if (raw == nullptr) break;
    const std::unique_ptr<redisReply, ReplyFree> r(static_cast<redisReply*>(raw));
    on_reply(*r);
    if (g != generation_) return;  // the reply ended the connection
  }
  owner_.on_answers_done();
  start_read();
  owner_.fill();
}

void RespConnection::on_reply(redisReply& r) {
  const bool is_error = r.type == REDIS_REPLY_ERROR;
  const std::string_view text =
      r.str != nullptr ? std::string_view(r.str, r.len) : std::string_view();
  if (pipeline_.sent_unanswered() == 0) {
    return lose_connection("unexpected reply from Redis: " + std::string(text));
  }
  const CommandInfo c = pipeline_.on_reply();
  last_reply_ = std::chrono::steady_clock::now();
  switch (c.kind) {
    case CommandKind::Setup:
    case CommandKind::StreamTop:
      if (is_error) return lose_connection("connection setup refused: " + std::string(text));
      if (c.kind == CommandKind::StreamTop && r.type == REDIS_REPLY_ARRAY && r.elements > 0 &&
          r.element[0]->type == REDIS_REPLY_ARRAY && r.element[0]->elements > 0) {
        const redisReply* id = r.element[0]->element[0];
        owner_.on_stream_top(std::string_view(id->str, id->len));
      }
      if (--setup_pending_ == 0) on_ready();
      break;
    case CommandKind::Ping:
      break;
    case CommandKind::Publish:
    case CommandKind::Xadd:
      owner_.on_answer(c, r);
      break;
  }
}

void RespConnection::on_ready() {
  state_ = State::Ready;
  pipeline_.release_data();
  backoff_ = options_.min_backoff;
  owner_.on_ready();
}

void RespConnection::lose_connection(const std::string& why) {
  if (state_ == State::Waiting) return;
  ++generation_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  reader_.reset();
  pipeline_.on_disconnect();
  state_ = State::Waiting;
  owner_.on_lost(why);
  // Exponential backoff with ±25 % jitter, so that many clients do not reconnect in step.
  const double factor = std::uniform_real_distribution<double>(0.75, 1.25)(jitter_);
  const auto wait = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(backoff_.count()) * factor));
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  backoff_timer_.expires_after(wait);
  backoff_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) start_connect();
  });
}

void RespConnection::write() {
  if (state_ != State::Handshake && state_ != State::Ready) return;
  const bool was_waiting = pipeline_.sent_unanswered() > 0;
  const std::string_view bytes = pipeline_.begin_write();
  if (bytes.empty()) return;
  last_write_ = std::chrono::steady_clock::now();
  if (!was_waiting) waiting_since_ = last_write_;
  asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                    [this, g = generation_](const boost::system::error_code& ec, std::size_t) {
                      pipeline_.end_write();
                      if (connect_after_write_) {
                        connect_after_write_ = false;
                        return on_connected();
                      }
                      if (g != generation_) return;
                      if (ec) return lose_connection("write: " + ec.message());
                      owner_.fill();  // more to send, now that the socket took this
                      write();
                    });
}

}  // namespace tickstock::detail
