#include "base/json_object_reader.h"

namespace tickstock::app {

std::string shown(simdjson::dom::element e) {
  std::string s = simdjson::minify(e);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

Result<simdjson::dom::object> JsonObjectReader::read(std::string_view message) {
  if (message.size() > max_bytes_) {
    return fail("message of ", std::to_string(message.size()), " bytes is longer than ",
                std::to_string(max_bytes_));
  }
  buf_.assign(message);
  buf_.reserve(message.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element doc;
  if (const auto err = parser_.parse(buf_.data(), buf_.size(), false).get(doc)) {
    return fail("not JSON: ", simdjson::error_message(err));
  }
  simdjson::dom::object o;
  if (doc.get_object().get(o) != simdjson::SUCCESS) return fail("not a JSON object: ", shown(doc));
  return o;
}

}  // namespace tickstock::app
