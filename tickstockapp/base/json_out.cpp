// JsonOut: escaping and numbers come from the JSON writer (tickstock/json.h).
#include "base/json_out.h"

#include "tickstock/json.h"

namespace tickstock::app {

void JsonOut::separate() {
  if (need_comma_) out_ += ',';
}

void JsonOut::open(char c) {
  separate();
  out_ += c;
  need_comma_ = false;
}

void JsonOut::close(char c) {
  out_ += c;
  need_comma_ = true;
}

void JsonOut::key(std::string_view k) {
  separate();
  append_json_string(out_, k);
  out_ += ':';
  need_comma_ = false;
}

void JsonOut::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  need_comma_ = true;
}

void JsonOut::value(double v) {
  separate();
  append_json_number(out_, v);
  need_comma_ = true;
}

void JsonOut::value(std::int64_t v) {
  separate();
  out_ += std::to_string(v);
  need_comma_ = true;
}

void JsonOut::value(std::uint64_t v) {
  separate();
  out_ += std::to_string(v);
  need_comma_ = true;
}

void JsonOut::value(bool v) {
  separate();
  out_ += v ? "true" : "false";
  need_comma_ = true;
}

void JsonOut::null() {
  separate();
  out_ += "null";
  need_comma_ = true;
}

void JsonOut::raw(std::string_view json) {
  separate();
  out_ += json;
  need_comma_ = true;
}

}  // namespace tickstock::app
