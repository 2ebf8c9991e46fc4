// A few threads that run the web layer's blocking work (PostgreSQL, password hashing) off the
// io_context, from a bounded queue: when it is full, post() refuses and the caller answers 503.
#ifndef TICKSTOCKAPP_WEB_HTTP_WORKER_POOL_H_
#define TICKSTOCKAPP_WEB_HTTP_WORKER_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tickstock::app {

// Thread-safe.
class WorkerPool {
 public:
  // REQUIRES: threads >= 1, capacity >= 1.
  WorkerPool(int threads, std::size_t capacity);
  // Runs what is queued, then joins (see stop()).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` not run) when the queue is full or the pool stopped.
  bool post(std::function<void()> task);
  // Lets the queued tasks finish and joins the threads. Idempotent.
  void stop();
  std::size_t depth();
  std::uint64_t refused();

 private:
  void run();
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  std::uint64_t refused_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_WORKER_POOL_H_
