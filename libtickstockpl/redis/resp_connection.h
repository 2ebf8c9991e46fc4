// RespConnection: the connection state machine of a RedisSink. One pipelined RESP connection on
// an Asio io_context (hiredis parses the replies): it resolves, connects with a timeout and
// sends the setup commands; after a break it reconnects with exponential backoff and jitter,
// never giving up, and sends again what was unanswered; it PINGs an idle link and drops one
// that stops answering. What to send and what the answers mean is its Owner's.
#ifndef TICKSTOCK_REDIS_RESP_CONNECTION_H_
#define TICKSTOCK_REDIS_RESP_CONNECTION_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "redis/resp_pipeline.h"

struct redisReader;
struct redisReply;

namespace tickstock::detail {

struct RespConnectionOptions {
  std::string host;
  int port = 6379;
  std::string username;     // AUTH username password when both are set
  std::string password;     // AUTH password when set
  int db = 0;               // SELECT db when not 0
  std::string client_name;  // CLIENT SETNAME
  std::string stream_key;   // not "": its newest entry id is asked for at setup
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds reply_timeout{5000};
  std::chrono::milliseconds heartbeat{5000};
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
};

class RespConnection {
 public:
  // Told what happens, on the I/O thread.
  class Owner {
   public:
    virtual ~Owner() = default;
    // Connected and set up (the first time and after each reconnect).
    virtual void on_ready() = 0;
    // The connection ended for `why`; it reconnects by itself after a backoff.
    virtual void on_lost(const std::string& why) = 0;
    // `n` commands unanswered when the last connection broke are being sent again.
    virtual void on_resent(std::size_t n) = 0;
    // The newest entry id of options.stream_key at setup ("<ms>-<seq>").
    virtual void on_stream_top(std::string_view id) = 0;
    // The reply to a command the owner added (CommandKind::Publish or Xadd).
    virtual void on_answer(const CommandInfo& c, const redisReply& reply) = 0;
    // Every reply read so far was handed over (a moment to publish counts).
    virtual void on_answers_done() = 0;
    // There may be room in the pipeline: add commands to pipeline(), then write().
    virtual void fill() = 0;
    // Every 100 ms, before the connection's own checks.
    virtual void on_tick() = 0;
  };

  // `io` and `owner` must outlive the connection; start() begins.
  RespConnection(boost::asio::io_context& io, RespConnectionOptions options, Owner& owner);
  ~RespConnection();
  RespConnection(const RespConnection&) = delete;
  RespConnection& operator=(const RespConnection&) = delete;

  // Starts the ticks and the first connection attempt.
  void start();
  // Set up and able to take commands.
  bool ready() const { return state_ == State::Ready; }
  // The commands sent and to send (add to it only from Owner::fill or while ready()).
  RespPipeline& pipeline() { return pipeline_; }
  // Sends what the pipeline holds, when connected and no write is under way.
  void write();

 private:
  enum class State : std::uint8_t { Waiting, Connecting, Handshake, Ready };
  struct ReaderFree {
    void operator()(redisReader* r) const;
  };
  using SteadyTime = std::chrono::steady_clock::time_point;

  std::string endpoint() const;
  void start_tick();
  void on_tick();
  void start_connect();
  void on_connected();
  void start_read();
  void on_read(std::size_t n);
  void on_reply(redisReply& r);
  void on_ready();
  void lose_connection(const std::string& why);

  const RespConnectionOptions options_;
  Owner& owner_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer connect_timer_, backoff_timer_, tick_timer_;
  std::unique_ptr<redisReader, ReaderFree> reader_;
  std::array<char, 1 << 16> read_buf_{};
  RespPipeline pipeline_;
  State state_ = State::Waiting;
  std::uint64_t generation_ = 0;  // bumped when a connection ends: its handlers are then stale
  std::size_t setup_pending_ = 0;
  bool connect_timed_out_ = false;
  bool connect_after_write_ = false;
  std::minstd_rand jitter_;
  std::chrono::milliseconds backoff_;
  SteadyTime last_reply_{}, last_write_{}, waiting_since_{};
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_RESP_CONNECTION_H_
