// The commands of a pipelined Redis connection, in order: formatted and waiting, being written,
// written and waiting for their reply. Replies come back in command order, so each reply is
// matched to the oldest unanswered command. When a connection breaks, every data command not
// answered yet is kept and written again first thing on the next connection, after that
// connection's own setup commands; commands that belonged to the old connection (setup, PING)
// are discarded. Not thread-safe (the I/O thread owns it).
#ifndef TICKSTOCK_REDIS_RESP_PIPELINE_H_
#define TICKSTOCK_REDIS_RESP_PIPELINE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tickstock::detail {

// What a command is for, so that its reply can be accounted for.
enum class CommandKind : std::uint8_t {
  Setup,      // AUTH, SELECT, CLIENT SETNAME: belongs to one connection
  StreamTop,  // XREVRANGE of the stream's newest entry: belongs to one connection
  Ping,       // heartbeat: belongs to one connection
  Publish,    // data
  Xadd,       // data
};

struct CommandInfo {
  CommandKind kind = CommandKind::Publish;
  bool ends_event = false;  // the last command of an event: its reply completes the event
  bool resent = false;      // it may have reached Redis on an earlier connection
  std::uint32_t bytes = 0;  // its RESP length
};

// A command a new connection starts with.
struct SetupCommand {
  std::vector<std::string> args;
  CommandKind kind = CommandKind::Setup;
};

// Formats `args` as one RESP command (hiredis's formatter) and appends it to `out`.
void append_resp_command(std::string& out, std::initializer_list<std::string_view> args);

class RespPipeline {
 public:
  // Formats and queues a command.
  void add(std::initializer_list<std::string_view> args, CommandKind kind, bool ends_event);

  // The bytes to write next, and marks them as being written; empty when there is nothing to
  // write, a write is in flight, or there is no connection (see start_connection()). The view stays
  // valid until end_write().
  std::string_view begin_write();
  // The write begun last has completed (or was aborted by a broken connection).
  void end_write();
  bool writing() const { return writing_; }

  // The reply to the oldest unanswered command arrived: removes and returns that command.
  // REQUIRES: sent_unanswered() > 0 (a reply to nothing sent is a protocol error).
  CommandInfo on_reply();

  // The connection broke. Commands sent and unanswered are marked resent; nothing more is
  // written until start_connection().
  void on_disconnect();
  // A new connection: its `setup` commands first, then every data command still unanswered
  // (the old connection's own commands are discarded). Returns how many data commands will be
  // written again. REQUIRES: !writing().
  std::size_t start_connection(const std::vector<SetupCommand>& setup);

  // Commands queued and not answered (all kinds).
  std::size_t unanswered() const { return commands_.size(); }
  // Commands handed to the socket (written or being written) and not answered.
  std::size_t sent_unanswered() const { return sent_commands_; }
  // Bytes queued and not answered.
  std::size_t unanswered_bytes() const { return buf_.size() - answered_ + tail_.size(); }

 private:
  std::string buf_;            // from the oldest unanswered command on; stable during a write
  std::size_t answered_ = 0;   // prefix of buf_ whose replies arrived
  std::size_t written_ = 0;    // prefix of buf_ written
  std::size_t write_end_ = 0;  // end of the write in flight
  std::string tail_;           // commands added while a write was in flight
  bool connected_ = false;     // between start_connection() and on_disconnect()
  bool writing_ = false;
  bool write_abandoned_ = false;      // the connection broke while writing
  std::size_t sent_commands_ = 0;     // the first commands_ that were handed to the socket
  std::deque<CommandInfo> commands_;  // every unanswered command, oldest first
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_RESP_PIPELINE_H_
