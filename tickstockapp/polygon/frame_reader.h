// Reads a Polygon frame, a JSON array of messages, into one PolygonFields per element before
// any of them is used: keys matched from their raw bytes (the common ones without unescaping
// them), every value read once as the type its key wants, or checked (strict_json) and noted
// when it is of another type, so that a frame is refused exactly when simdjson's validating
// parser would refuse it.
#ifndef TICKSTOCKAPP_POLYGON_FRAME_READER_H_
#define TICKSTOCKAPP_POLYGON_FRAME_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "tickstock/types.h"

#include "polygon/conditions.h"

namespace tickstock::app {

// Fields of one message; which ones count depends on `ev`. `c` is the conditions of a trade
// and the close of an aggregate, `s` the size of a trade and the start of an aggregate.
struct PolygonFields {
  std::string_view ev, sym, status, message, id;
  double p = 0, s = 0, o = 0, h = 0, l = 0, close = 0, v = 0, vw = 0;
  std::int64_t t = 0, e = 0, x = 0, z = 0;
  std::uint32_t flags = kTickNormal;
  int conditions = 0;
  int unknown_conditions = 0;  // codes the condition table does not know
  bool not_object = false;     // the element is not an object: nothing else is set
  bool has_p = false, has_s = false, has_t = false, has_o = false, has_c = false;
  const char* bad_field = nullptr;  // first field of the wrong type
  const char* expected = nullptr;
};

// Not thread-safe; reuses its buffers from frame to frame.
class PolygonFrameReader {
 public:
  // REQUIRES: conditions outlive the reader.
  explicit PolygonFrameReader(const ConditionTable& conditions);
  // Reads the frame data[0, size), readable up to size + SIMDJSON_PADDING. An error: the frame
  // is not a valid JSON array (`what` says which, when it is JSON but no array).
  simdjson::error_code read(const char* data, std::size_t size, const char*& what);
  // The elements the last read() took.
  std::size_t size() const { return count_; }
  // Element i. REQUIRES: i < size().
  const PolygonFields& operator[](std::size_t i) const { return pending_[i]; }

 private:
  // A cleared record for the next element.
  PolygonFields& next() {
    if (count_ == pending_.size()) pending_.resize(pending_.size() * 2 + 64);
    PolygonFields& f = pending_[count_++];
    f = PolygonFields{};
    return f;
  }

  const ConditionTable& conditions_;
  simdjson::ondemand::parser parser_;
  std::vector<PolygonFields> pending_;
  std::size_t count_ = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_FRAME_READER_H_
