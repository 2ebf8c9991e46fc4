// The only replacement of the global allocation functions in the test binary that links it.
#include "support/alloc_counter.h"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TICKSTOCK_COUNT_ALLOCATIONS 0
#else
#define TICKSTOCK_COUNT_ALLOCATIONS 1
#endif

namespace {
std::size_t g_allocations = 0;
std::size_t g_live_bytes = 0;
constexpr std::size_t kHeader = 16;  // keeps the block's size; preserves max_align_t alignment
}  // namespace

#if TICKSTOCK_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  auto* p = static_cast<unsigned char*>(std::malloc(n + kHeader));
  if (p == nullptr) throw std::bad_alloc();
  std::memcpy(p, &n, sizeof n);
  ++g_allocations;
  g_live_bytes += n;
  return p + kHeader;
}
void operator delete(void* q) noexcept {
  if (q == nullptr) return;
  auto* p = static_cast<unsigned char*>(q) - kHeader;
  std::size_t n = 0;
  std::memcpy(&n, p, sizeof n);
  g_live_bytes -= n;
  std::free(p);
}
void operator delete(void* q, std::size_t) noexcept { operator delete(q); }
#endif

namespace tickstock::test {

bool counting_allocations() { return TICKSTOCK_COUNT_ALLOCATIONS != 0; }
std::size_t allocations() { return g_allocations; }
std::size_t live_heap_bytes() { return g_live_bytes; }

}  // namespace tickstock::test
