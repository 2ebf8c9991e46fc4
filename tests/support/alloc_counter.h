// Counts global operator new calls and live heap bytes, so that a test can prove a loop does
// not allocate and measure what a structure holds. Sanitizer runtimes replace the allocation
// functions themselves, so under ASan/TSan counting is off (counting() is false) and such tests
// skip; the Release run of scripts/test covers them.
#ifndef TICKSTOCK_TESTS_SUPPORT_ALLOC_COUNTER_H_
#define TICKSTOCK_TESTS_SUPPORT_ALLOC_COUNTER_H_

#include <cstddef>

namespace tickstock::test {

// True when this binary counts allocations.
bool counting_allocations();
// operator new calls so far.
std::size_t allocations();
// Bytes allocated and not yet freed.
std::size_t live_heap_bytes();

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_SUPPORT_ALLOC_COUNTER_H_
