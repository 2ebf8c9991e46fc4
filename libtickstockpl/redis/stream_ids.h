// StreamIds: the explicit ids a RedisSink gives its stream entries, so that an entry sent again
// after a broken connection is stored once.
#ifndef TICKSTOCK_REDIS_STREAM_IDS_H_
#define TICKSTOCK_REDIS_STREAM_IDS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "tickstock/types.h"

namespace tickstock::detail {

// "<ms>-<seq>" stream ids, increasing, never below an id already in the stream.
class StreamIds {
 public:
  void raise_floor(std::string_view top) {
    const auto dash = top.find('-');
    if (dash == std::string_view::npos) return;
    const std::uint64_t ms = to_u64(top.substr(0, dash)), seq = to_u64(top.substr(dash + 1));
    if (ms > ms_ || (ms == ms_ && seq > seq_)) {
      ms_ = ms;
      seq_ = seq;
    }
  }
  std::string_view next(Timestamp at, std::array<char, 48>& buf) {
    const auto ms = static_cast<std::uint64_t>(std::max<Timestamp>(at, 0) / 1'000'000);
    if (ms > ms_) {
      ms_ = ms;
      seq_ = 0;
    } else {
      ++seq_;
    }
    const int n =
        std::snprintf(buf.data(), buf.size(), "%llu-%llu", static_cast<unsigned long long>(ms_),
                      static_cast<unsigned long long>(seq_));
    return {buf.data(), static_cast<std::size_t>(n)};
  }

 private:
  static std::uint64_t to_u64(std::string_view s) {
    std::uint64_t v = 0;
    for (const char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return v;
  }
  std::uint64_t ms_ = 0, seq_ = 0;  // the newest id given or seen; starts past 0-0
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_REDIS_STREAM_IDS_H_
