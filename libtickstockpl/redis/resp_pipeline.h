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
  // (the old connection's own commands are discarded). Only the setup commands are written
  // until release_data(). Returns how many data commands will be written again.
  // REQUIRES: !writing().
  std::size_t start_connection(const std::vector<SetupCommand>& setup);
  // The setup commands were answered: the data commands behind them may be written.
  void release_data() { held_ = false; }

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
  bool write_abandoned_ = false;  // the connection broke while writing
  // Until the setup is answered, only its setup_bytes_ are written: a
  // data command must not reach a server that refuses the setup (e.g. LOADING after a restart),
  // which could store some of a pipeline and refuse the commands before them.
  bool held_ = false;
  std::size_t setup_bytes_ = 0;
  // How many unanswered commands lie before byte `end` of buf_.
  std::size_t commands_before(std::size_t end) const;
  std::size_t sent_commands_ = 0;     // the first commands_ that were handed to the socket
  std::deque<CommandInfo> commands_;  // every unanswered command, oldest first
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_RESP_PIPELINE_H_
