#include "polygon/conditions.h"

#include <string>

#include <simdjson.h>

namespace tickstock::app {
namespace {

constexpr int kFormT = 12;

std::uint32_t to_flags(ConditionRule r) {
  std::uint32_t f = kTickNormal;
  if (!r.high_low) f |= kTickNoHighLow;
  if (!r.open_close) f |= kTickNoOpenClose;
  if (!r.volume) f |= kTickNoVolume;
  return f;
}

}  // namespace

ConditionTable ConditionTable::builtin() {
  ConditionTable t;
  for (int code = 0; code <= 60; ++code) t.set(code, {});
  for (int code : {2, 7, 13, 20, 21, 37, 52, 53}) t.set(code, {false, false, true});
  for (int code : {5, 10, 22, 29, 33}) t.set(code, {true, false, true});
  for (int code : {15, 16}) t.set(code, {false, false, false});
  return t;
}

void ConditionTable::set(int code, ConditionRule rule) {
  flags_[static_cast<std::size_t>(code)] = to_flags(rule);
  known_[static_cast<std::size_t>(code)] = true;
}

ConditionRule ConditionTable::rule(int code) const {
  const std::uint32_t f = flags(code);
  return {(f & kTickNoHighLow) == 0, (f & kTickNoOpenClose) == 0, (f & kTickNoVolume) == 0};
}

int ConditionTable::size() const {
  int n = 0;
  for (bool k : known_) n += k ? 1 : 0;
  return n;
}

Result<ConditionTable> parse_condition_reference(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(json.data(), json.size()).get(doc))
    return fail("conditions reference: not JSON (", simdjson::error_message(e), ")");
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results))
    return fail("conditions reference: no 'results' array");
  ConditionTable t = ConditionTable::builtin();
  std::size_t i = 0;
  for (simdjson::dom::element r : results) {
    const std::string where = "conditions reference: results[" + std::to_string(i++) + "]: ";
    std::int64_t id = 0;
    if (r["id"].get_int64().get(id)) return fail(where, "no integer 'id'");
    if (id < 0 || id >= ConditionTable::kCodes) continue;  // outside the codes trades carry
    simdjson::dom::object rules;
    if (r.at_pointer("/update_rules/consolidated").get_object().get(rules))
      return fail(where, "no 'update_rules.consolidated'");
    ConditionRule rule;
    for (auto [name, field] : {std::pair{"updates_high_low", &rule.high_low},
                               std::pair{"updates_open_close", &rule.open_close},
                               std::pair{"updates_volume", &rule.volume}}) {
      if (rules[name].get_bool().get(*field))
        return fail(where, "update_rules.consolidated.", name, " is not true or false");
    }
    if (id == kFormT) rule.high_low = rule.open_close = true;  // minute-bar exception
    t.set(static_cast<int>(id), rule);
  }
  return t;
}

}  // namespace tickstock::app
