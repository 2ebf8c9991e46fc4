// RedisSubscriber on hiredis's blocking context: connect and subscribe with a socket timeout,
// then poll() the socket so that next() can give up after its own timeout.
#include "redis/redis_subscriber.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/time.h>
#include <vector>

#include <hiredis/hiredis.h>

namespace tickstock::app {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(ms.count() % 1000 * 1000);
  return tv;
}

std::string_view text(const redisReply* r) {
  return r != nullptr && r->str != nullptr ? std::string_view(r->str, r->len) : std::string_view();
}

// A pub/sub message: ["message", channel, payload] or ["pmessage", pattern, channel, payload].
bool as_message(const redisReply* r, RedisMessage& out) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 3) return false;
  const std::string_view kind = text(r->element[0]);
  if (kind == "message" && r->elements == 3) {
    out.channel.assign(text(r->element[1]));
    out.payload.assign(text(r->element[2]));
    return true;
  }
  if (kind == "pmessage" && r->elements == 4) {
    out.channel.assign(text(r->element[2]));
    out.payload.assign(text(r->element[3]));
    return true;
  }
  return false;
}

}  // namespace

struct RedisSubscriber::Impl {
  explicit Impl(RedisSubscriberOptions o) : options(std::move(o)) {}

  std::string endpoint() const { return options.host + ":" + std::to_string(options.port); }

  // Sends one command and waits for its reply (during connect only).
  Result<ReplyPtr> command(const std::vector<std::string>& args, const char* what) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const std::string& a : args) {
      argv.push_back(a.c_str());
      lens.push_back(a.size());
    }
    ReplyPtr r(static_cast<redisReply*>(
        redisCommandArgv(ctx.get(), static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (r == nullptr) return fail(what, " on ", endpoint(), ": ", ctx->errstr);
    if (r->type == REDIS_REPLY_ERROR) return fail(what, " on ", endpoint(), ": ", text(r.get()));
    return r;
  }

  Result<void> connect() {
    ctx.reset();
    const timeval tv = to_timeval(options.connect_timeout);
    std::unique_ptr<redisContext, ContextFree> c(
        redisConnectWithTimeout(options.host.c_str(), options.port, tv));
    if (c == nullptr) return fail("connect ", endpoint(), ": cannot allocate a context");
    if (c->err != 0) return fail("connect ", endpoint(), ": ", c->errstr);
    redisSetTimeout(c.get(), tv);
    ctx = std::move(c);
    auto setup = [&]() -> Result<void> {
      if (!options.password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!options.username.empty()) auth.push_back(options.username);
        auth.push_back(options.password);
        if (auto r = command(auth, "AUTH"); !r) return r.error();
      }
      if (options.channels.empty()) return {};
      std::vector<std::string> sub{"SUBSCRIBE"};
      sub.insert(sub.end(), options.channels.begin(), options.channels.end());
      auto first = command(sub, "SUBSCRIBE");  // the first confirmation
      if (!first) return first.error();
      for (std::size_t i = 1; i < options.channels.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(ctx.get(), &raw) != REDIS_OK) {
          return fail("SUBSCRIBE on ", endpoint(), ": ", ctx->errstr);
        }
        ReplyPtr r(static_cast<redisReply*>(raw));
      }
      return {};
    };
    if (auto r = setup(); !r) {
      ctx.reset();
      return r.error();
    }
    return {};
  }

  Result<bool> next(RedisMessage& out, std::chrono::milliseconds timeout) {
    if (!ctx) return fail("not connected to ", endpoint());
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(ctx.get(), &raw) != REDIS_OK) return broken();
      if (raw != nullptr) {
        const ReplyPtr r(static_cast<redisReply*>(raw));
        if (as_message(r.get(), out)) return true;
        continue;  // a confirmation or a pong
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{ctx->fd, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n == 0) return false;
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail("poll on ", endpoint(), ": ", std::strerror(errno));
      }
      if (redisBufferRead(ctx.get()) != REDIS_OK) return broken();
    }
  }

  Error broken() {
    Error e = fail("connection to ", endpoint(), " broke: ", ctx->errstr);
    ctx.reset();
    return e;
  }

  RedisSubscriberOptions options;
  std::unique_ptr<redisContext, ContextFree> ctx;
};

RedisSubscriber::RedisSubscriber(RedisSubscriberOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
RedisSubscriber::~RedisSubscriber() = default;
RedisSubscriber::RedisSubscriber(RedisSubscriber&&) noexcept = default;
RedisSubscriber& RedisSubscriber::operator=(RedisSubscriber&&) noexcept = default;
Result<void> RedisSubscriber::connect() { return impl_->connect(); }
Result<bool> RedisSubscriber::next(RedisMessage& out, std::chrono::milliseconds timeout) {
  return impl_->next(out, timeout);
}
bool RedisSubscriber::connected() const { return impl_->ctx != nullptr; }

}  // namespace tickstock::app
