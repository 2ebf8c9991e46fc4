// Reads inbound messages (ticks, job requests) as one JSON object each, with simdjson's DOM
// parser and a padded buffer that are both reused, so a steady stream of messages allocates
// nothing. The object stays valid until the next read. Not thread-safe: one per thread.
#ifndef TICKSTOCKAPP_BASE_JSON_OBJECT_READER_H_
#define TICKSTOCKAPP_BASE_JSON_OBJECT_READER_H_

#include <string>
#include <string_view>

#include <simdjson.h>

#include "tickstock/result.h"

namespace tickstock::app {

class JsonObjectReader {
 public:
  // REQUIRES: max_bytes > 0.
  explicit JsonObjectReader(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  // The message as an object; errors: "message of N bytes is longer than M", "not JSON: <why>",
  // "not a JSON object: <the text, shortened>".
  Result<simdjson::dom::object> read(std::string_view message);

 private:
  std::size_t max_bytes_;
  simdjson::dom::parser parser_;
  std::string buf_;  // the message with simdjson's padding after it
};

// A value as it appeared, shortened to 40 characters, for error messages.
std::string shown(simdjson::dom::element e);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_BASE_JSON_OBJECT_READER_H_
