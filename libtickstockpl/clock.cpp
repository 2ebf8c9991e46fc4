#include "tickstock/clock.h"

#include <chrono>

namespace tickstock {

// The only place in the project that reads the wall clock.
Timestamp SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tickstock
