// Bar-indexed rings of input values, shared by the indicators and the scanner: the windowed
// cores read their inputs through these views instead of keeping windows of their own.
#ifndef TICKSTOCK_DETAIL_SERIES_H_
#define TICKSTOCK_DETAIL_SERIES_H_

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tickstock::detail {

// The values of one input by bar index (0 = the first bar): bar i is base[(i & mask) *
// stride]. A view into a ring, so only its last mask + 1 bars are there.
struct SeriesView {
  const double* base = nullptr;
  std::size_t mask = 0;
  std::size_t stride = 1;
  // Bar i. REQUIRES: the ring still holds it.
  double operator[](std::int64_t i) const {
    return base[(static_cast<std::size_t>(i) & mask) * stride];
  }
};

// A ring of the last values of one input by bar index; its size is a power of two.
class ValueRing {
 public:
  // Room for at least `min_size` bars. REQUIRES: min_size >= 1.
  explicit ValueRing(int min_size);
  // A deep copy.
  ValueRing(const ValueRing& o);
  // A deep copy.
  ValueRing& operator=(const ValueRing& o);
  // Takes o's values.
  ValueRing(ValueRing&&) noexcept = default;
  // Takes o's values.
  ValueRing& operator=(ValueRing&&) noexcept = default;
  // Frees the values.
  ~ValueRing() = default;
  // Writes bar i (over bar i - size()).
  void set(std::int64_t i, double x) { data_[static_cast<std::size_t>(i) & mask_] = x; }
  // Bar i. REQUIRES: one of the last size() bars written.
  double operator[](std::int64_t i) const { return data_[static_cast<std::size_t>(i) & mask_]; }
  // The ring as a view.
  SeriesView view() const { return {data_.get(), mask_, 1}; }
  // All values back to 0.
  void clear();

 private:
  std::unique_ptr<double[]> data_;  // mask_ + 1 values
  std::size_t mask_;
};

// Which bar an update (revise = false) or a revision writes, given the bars seen so far `n`:
// a revision replaces bar n - 1, an update (or a revision before any bar) adds bar n.
struct BarStep {
  std::int64_t i;  // bar index
  bool fresh;      // a new bar
};
// The step, counting a new bar in n.
inline BarStep next_step(std::int64_t& n, bool revise) {
  if (revise && n > 0) return {n - 1, false};
  return {n++, true};
}

}  // namespace tickstock::detail

#endif  // TICKSTOCK_DETAIL_SERIES_H_
