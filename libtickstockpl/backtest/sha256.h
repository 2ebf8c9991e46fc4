// SHA-256 (FIPS 180-4) for the data fingerprint of a backtest: which bars a result came from,
// recomputable with any sha256 tool. Not used for security.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SHA256_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tickstock::backtest {

class Sha256 {
 public:
  // `hardware`: the CPU's SHA instructions when it has them (x86-64 SHA-NI), else portable code.
  explicit Sha256(bool hardware = true);
  // Whether this CPU has the SHA instructions Sha256 uses.
  static bool hardware_available();
  // Appends `n` bytes.
  void update(const void* data, std::size_t n);
  // The digest of everything appended; the object is spent after it.
  std::array<std::uint8_t, 32> finish();
  // finish() as 64 lower-case hex digits.
  std::string hex();

 private:
  // Compresses `count` 64-byte blocks at `p`.
  void blocks(const std::uint8_t* p, std::size_t count);

  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t bytes_ = 0;
  bool hardware_ = false;
};

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SHA256_H_
