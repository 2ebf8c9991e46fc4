// Redis for tests: the server scripts/test starts (REDIS_HOST/REDIS_PORT), a plain command
// client, and a private redis-server a test can stop and start again.
#ifndef TICKSTOCK_TESTS_SUPPORT_REDIS_TEST_H_
#define TICKSTOCK_TESTS_SUPPORT_REDIS_TEST_H_

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <hiredis/hiredis.h>

namespace tickstock::test {

// True when REDIS_HOST and REDIS_PORT are set; otherwise Redis tests skip (never in CI).
inline bool have_redis() {
  const char* h = std::getenv("REDIS_HOST");
  const char* p = std::getenv("REDIS_PORT");
  if (h != nullptr && *h != '\0' && p != nullptr && *p != '\0') return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true")
    throw std::runtime_error("CI must provide REDIS_HOST/REDIS_PORT (scripts/test starts Redis)");
  return false;
}

// Returns from the enclosing test, with a warning, when there is no Redis to test against.
#define TICKSTOCK_SKIP_WITHOUT_REDIS()                                         \
  do {                                                                         \
    if (!::tickstock::test::have_redis()) {                                    \
      WARN("skipped: REDIS_HOST/REDIS_PORT not set (scripts/test sets them)"); \
      return;                                                                  \
    }                                                                          \
  } while (false)

inline std::string redis_host() { return std::getenv("REDIS_HOST"); }
inline int redis_port() { return std::atoi(std::getenv("REDIS_PORT")); }

// A channel prefix of this process and call, so that tests running at the same time on one
// server never hear each other.
inline std::string unique_prefix(const std::string& tag) {
  static std::atomic<int> n{0};
  return "t" + std::to_string(getpid()) + "_" + std::to_string(n++) + "_" + tag;
}

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// A blocking command connection. Throws std::runtime_error on failure.
class RedisCommands {
 public:
  RedisCommands(const std::string& host, int port) {
    timeval tv{5, 0};
    c_.reset(redisConnectWithTimeout(host.c_str(), port, tv));
    if (c_ == nullptr || c_->err != 0)
      throw std::runtime_error("connect to Redis: " + std::string(c_ ? c_->errstr : "no memory"));
    redisSetTimeout(c_.get(), tv);
  }
  // Runs one command; throws on a broken connection (an error reply is returned).
  Reply run(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.c_str());
      lens.push_back(a.size());
    }
    Reply r(static_cast<redisReply*>(
        redisCommandArgv(c_.get(), static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (r == nullptr) throw std::runtime_error("Redis: " + std::string(c_->errstr));
    return r;
  }
  long long integer(const std::vector<std::string>& args) {
    Reply r = run(args);
    if (r->type != REDIS_REPLY_INTEGER) throw std::runtime_error("not an integer: " + args[0]);
    return r->integer;
  }
  // PUBSUB NUMSUB channel: how many subscribers a channel has.
  long long subscribers(const std::string& channel) {
    Reply r = run({"PUBSUB", "NUMSUB", channel});
    return r->type == REDIS_REPLY_ARRAY && r->elements == 2 ? r->element[1]->integer : 0;
  }

 private:
  struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  std::unique_ptr<redisContext, ContextFree> c_;
};

// The "seq" of every entry's payload in a stream written by RedisSink (fields channel, payload),
// read page by page. REQUIRES: the payloads are JSON with a "seq" (see parse_seq).
template <class ParseSeq>
std::vector<long long> stream_seqs(RedisCommands& redis, const std::string& key,
                                   ParseSeq parse_seq) {
  std::vector<long long> seqs;
  std::string from = "-";
  for (;;) {
    const Reply page = redis.run({"XRANGE", key, from, "+", "COUNT", "5000"});
    if (page->type != REDIS_REPLY_ARRAY || page->elements == 0) break;
    for (std::size_t i = 0; i < page->elements; ++i) {
      seqs.push_back(parse_seq(page->element[i]->element[1]->element[3]->str));
    }
    from = "(" + std::string(page->element[page->elements - 1]->element[0]->str);
  }
  return seqs;
}

// A redis-server of the test's own on a free 127.0.0.1 port, with its data under a throwaway
// directory and every write made durable (appendfsync always), so that it can be stopped and
// started again without losing what it had acknowledged. It runs as a child of the test that
// dies with it (PR_SET_PDEATHSIG), so a crashed test leaves no server behind; stopped and removed
// on destruction.
class PrivateRedis {
 public:
  PrivateRedis() {
    char tmpl[] = "/tmp/tickstock-redis-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    port_ = free_port();
    start();
  }
  ~PrivateRedis() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  int port() const { return port_; }
  // Starts the server (again) on the same port and data; waits until it answers.
  void start() {
    const std::string port = std::to_string(port_), log = dir_ + "/redis.log";
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port", port.c_str(), "--dir",
             dir_.c_str(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--logfile", log.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      try {
        RedisCommands c("127.0.0.1", port_);
        if (c.run({"PING"})->type == REDIS_REPLY_STATUS) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("redis-server on port " + port + " did not answer (" + log + ")");
  }
  // Stops the server (SIGTERM: it syncs its data and exits) and waits for it.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("no free port");
    const int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
  }
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_REDIS_TEST_H_
