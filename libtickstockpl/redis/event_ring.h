// A fixed-capacity FIFO that overwrites its oldest item when full. Its storage is reserved
// once and never initialised up front, and an emptied ring starts again at its first slot, so
// the operating system commits pages only as far as the ring has ever been filled: a large
// capacity costs memory only when an outage (or a burst) actually uses it. Not thread-safe.
#ifndef TICKSTOCK_REDIS_EVENT_RING_H_
#define TICKSTOCK_REDIS_EVENT_RING_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace tickstock::detail {

template <class T>
class EventRing {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "items are copied as bytes and never destroyed");

 public:
  // REQUIRES: capacity > 0.
  explicit EventRing(std::size_t capacity)
      : slots_(new Slot[capacity]), capacity_(capacity) {}  // default-init: nothing touched

  // Appends `item`; returns true when the oldest item was overwritten to make room.
  bool push(const T& item) {
    bool overwrote = false;
    if (size_ == capacity_) {
      head_ = next(head_);
      --size_;
      overwrote = true;
    }
    std::size_t tail = head_ + size_;
    if (tail >= capacity_) tail -= capacity_;
    ::new (static_cast<void*>(slots_[tail].bytes)) T(item);
    ++size_;
    slots_used_ = std::max(slots_used_, tail + 1);
    return overwrote;
  }
  // Removes the oldest item into `out`. REQUIRES: !empty().
  void pop(T& out) {
    out = *std::launder(reinterpret_cast<T*>(slots_[head_].bytes));
    head_ = --size_ == 0 ? 0 : next(head_);  // empty: reuse the slots already in memory
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  // How many slots from the first have ever held an item: the memory the ring has touched.
  std::size_t slots_used() const { return slots_used_; }

 private:
  struct Slot {
    alignas(T) unsigned char bytes[sizeof(T)];
  };
  std::size_t next(std::size_t i) const { return i + 1 == capacity_ ? 0 : i + 1; }

  std::unique_ptr<Slot[]> slots_;
  std::size_t capacity_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t slots_used_ = 0;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_EVENT_RING_H_
