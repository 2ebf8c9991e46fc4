// WorkerPool: a deque under a mutex; tasks run outside it.
#include "web/http/worker_pool.h"

namespace tickstock::app {

WorkerPool::WorkerPool(int threads, std::size_t capacity) : capacity_(capacity) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stop_ || tasks_.size() >= capacity_) {
      ++refused_;
      return false;
    }
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::size_t WorkerPool::depth() {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

std::uint64_t WorkerPool::refused() {
  std::lock_guard lock(mu_);
  return refused_;
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopped and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace tickstock::app
