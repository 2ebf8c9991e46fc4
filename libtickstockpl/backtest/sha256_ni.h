// SHA-256 block compression with the x86-64 SHA extensions (SHA-NI), for Sha256: the same
// digests as the portable code at several times its speed, found at run time (cpuid).
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SHA256_NI_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SHA256_NI_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace tickstock::backtest {

// Whether this CPU has SHA-NI, SSSE3 and SSE4.1 (false off x86-64).
bool sha_ni_available();

// Compresses `count` 64-byte blocks at `p` into `state` with round constants `k` (64 words).
// Call only when sha_ni_available().
void sha_ni_blocks(std::array<std::uint32_t, 8>& state, const std::uint8_t* p, std::size_t count,
                   const std::uint32_t* k);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SHA256_NI_H_
