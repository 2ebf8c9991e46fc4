#include "redis/resp_pipeline.h"

#include <array>
#include <new>
#include <stdexcept>

#include <hiredis/hiredis.h>

namespace tickstock::detail {
namespace {

constexpr std::size_t kMaxArgs = 24;
// Compacting moves the unanswered bytes to the front; only worth it once enough are answered.
constexpr std::size_t kCompactBytes = 1 << 16;

template <class Range>
void append_formatted(std::string& out, const Range& args) {
  std::array<const char*, kMaxArgs> argv{};
  std::array<std::size_t, kMaxArgs> lens{};
  int n = 0;
  for (const auto& a : args) {
    if (static_cast<std::size_t>(n) == kMaxArgs) throw std::length_error("too many arguments");
    const std::string_view v(a);
    argv[static_cast<std::size_t>(n)] = v.empty() ? "" : v.data();
    lens[static_cast<std::size_t>(n)] = v.size();
    ++n;
  }
  char* cmd = nullptr;
  const int len = redisFormatCommandArgv(&cmd, n, argv.data(), lens.data());
  if (len < 0 || cmd == nullptr) throw std::bad_alloc();  // hiredis fails only without memory
  out.append(cmd, static_cast<std::size_t>(len));
  redisFreeCommand(cmd);
}

bool is_data(CommandKind k) { return k == CommandKind::Publish || k == CommandKind::Xadd; }

}  // namespace

void append_resp_command(std::string& out, std::initializer_list<std::string_view> args) {
  append_formatted(out, args);
}

void RespPipeline::add(std::initializer_list<std::string_view> args, CommandKind kind,
                       bool ends_event) {
  std::string& to = writing_ ? tail_ : buf_;
  const std::size_t before = to.size();
  append_formatted(to, args);
  commands_.push_back({kind, ends_event, false, static_cast<std::uint32_t>(to.size() - before)});
}

std::string_view RespPipeline::begin_write() {
  if (!connected_ || writing_ || written_ >= (held_ ? setup_bytes_ : buf_.size())) return {};
  if (!held_ && answered_ >= kCompactBytes && answered_ * 2 >= buf_.size()) {
    buf_.erase(0, answered_);
    written_ -= answered_;
    answered_ = 0;
  }
  const std::size_t end = held_ ? setup_bytes_ : buf_.size();
  // Every command past written_ is in buf_ (tail_ is empty between writes).
  sent_commands_ = held_ ? commands_before(end) : commands_.size();
  writing_ = true;
  write_end_ = end;
  return std::string_view(buf_).substr(written_, write_end_ - written_);
}

std::size_t RespPipeline::commands_before(std::size_t end) const {
  std::size_t n = 0;
  for (std::size_t at = answered_; n < commands_.size() && at < end; ++n) at += commands_[n].bytes;
  return n;
}

void RespPipeline::end_write() {
  writing_ = false;
  if (!write_abandoned_) written_ = write_end_;
  write_abandoned_ = false;
  buf_ += tail_;
  tail_.clear();
}

CommandInfo RespPipeline::on_reply() {
  const CommandInfo c = commands_.front();
  commands_.pop_front();
  answered_ += c.bytes;
  --sent_commands_;
  return c;
}

void RespPipeline::on_disconnect() {
  for (std::size_t i = 0; i < sent_commands_; ++i) commands_[i].resent = true;
  sent_commands_ = 0;
  written_ = answered_;
  write_abandoned_ = writing_;
  connected_ = false;
}

std::size_t RespPipeline::start_connection(const std::vector<SetupCommand>& setup) {
  std::string fresh;
  std::deque<CommandInfo> commands;
  for (const SetupCommand& s : setup) {
    const std::size_t before = fresh.size();
    append_formatted(fresh, s.args);
    commands.push_back({s.kind, false, false, static_cast<std::uint32_t>(fresh.size() - before)});
  }
  // The unanswered commands lie in buf_ from answered_ on (tail_ is empty when not writing).
  std::size_t at = answered_;
  std::size_t carried = 0, carried_bytes = 0;
  for (const CommandInfo& c : commands_) {
    if (is_data(c.kind)) {
      fresh.append(buf_, at, c.bytes);
      carried_bytes += c.bytes;
      commands.push_back(c);
      ++carried;
    }
    at += c.bytes;
  }
  setup_bytes_ = fresh.size() - carried_bytes;
  held_ = setup_bytes_ > 0;
  buf_.swap(fresh);
  commands_.swap(commands);
  answered_ = written_ = write_end_ = 0;
  sent_commands_ = 0;
  connected_ = true;
  return carried;
}

}  // namespace tickstock::detail
