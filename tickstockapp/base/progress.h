// A progress bar on stderr, drawn only when stderr is a terminal, at most 4 times a second.
#ifndef TICKSTOCKAPP_BASE_PROGRESS_H_
#define TICKSTOCKAPP_BASE_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <unistd.h>

namespace tickstock::app {

class ProgressBar {
 public:
  explicit ProgressBar(const char* what) : what_(what), enabled_(isatty(STDERR_FILENO) == 1) {}
  // `done` of `total` bytes, `items` processed so far. Cheap when not redrawing.
  void update(std::int64_t done, std::int64_t total, std::uint64_t items) {
    if (!enabled_ || (++calls_ & 0xffff) != 0) return;
    draw(done, total, items);
  }
  // The same for callers with few, slow steps (no call counting).
  void step(std::int64_t done, std::int64_t total, std::uint64_t items) {
    if (enabled_) draw(done, total, items);
  }
  // Clears the line.
  void finish() {
    if (enabled_) std::fprintf(stderr, "\r%*s\r", 70, "");
  }

 private:
  void draw(std::int64_t done, std::int64_t total, std::uint64_t items) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double f = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
    const int width = 30;
    const int fill = static_cast<int>(f * width);
    std::fprintf(stderr, "\r%s [%.*s%*s] %5.1f%% %llu", what_, fill,
                 "##############################", width - fill, "", f * 100.0,
                 static_cast<unsigned long long>(items));
  }
  const char* what_;
  bool enabled_;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_PROGRESS_H_
