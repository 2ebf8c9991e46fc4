// SplitMix64: a generator that gives the same numbers with every standard library, so that
// tests with random inputs are reproducible anywhere.
#ifndef TICKSTOCK_TESTS_SUPPORT_SPLIT_MIX64_H_
#define TICKSTOCK_TESTS_SUPPORT_SPLIT_MIX64_H_

#include <cstdint>

namespace tickstock::test {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n) (modulo bias is irrelevant for tests).
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_SPLIT_MIX64_H_
