#include "settings/settings.h"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace tickstock::app {

void Settings::add(std::string flag, std::string env, std::string def, std::string help) {
  items_.push_back({std::move(flag), std::move(env), def, std::move(help), def, false, false});
}

void Settings::add_switch(std::string flag, std::string env, std::string help) {
  items_.push_back({std::move(flag), std::move(env), "0", std::move(help), "off", true, false});
}

void Settings::add_list(std::string flag, std::string env, std::string help) {
  Item i{std::move(flag), std::move(env), "", std::move(help), "", false, false};
  i.is_list = true;
  items_.push_back(std::move(i));
}

void Settings::show_default(const std::string& flag, std::string text) {
  Item* i = find(flag);
  if (i == nullptr) throw std::logic_error("undeclared setting " + flag);
  i->def = std::move(text);
}

Settings::Item* Settings::find(const std::string& flag) {
  for (auto& i : items_)
    if (i.flag == flag) return &i;
  return nullptr;
}

Result<void> Settings::parse(int argc, char** argv) {
  for (auto& i : items_) {
    if (i.env.empty()) continue;
    const char* v = std::getenv(i.env.c_str());
    if (v == nullptr || *v == '\0') continue;
    std::string s(v);
    if (i.is_switch) s = (s == "1" || s == "true" || s == "yes" || s == "on") ? "1" : "0";
    i.value = s;
    i.given = true;
  }
  for (int a = 0; a < argc; ++a) {
    std::string arg = argv[a];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      if (arg == "-" || arg.rfind("--", 0) != 0) {
        args_.push_back(arg);
        continue;
      }
    }
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    Item* it = find(name);
    if (it == nullptr) return fail("unknown option '", name, "' (see --help)");
    if (it->is_switch) {
      it->value = has_value ? ((value == "0" || value == "false") ? "0" : "1") : "1";
    } else {
      if (!has_value) {
        if (a + 1 >= argc) return fail("option '", name, "' needs a value");
        value = argv[++a];
      }
      it->value = it->is_list && it->on_command_line ? it->value + "," + value : value;
    }
    it->given = true;
    it->on_command_line = true;
  }
  return {};
}

const std::string& Settings::get(const std::string& flag) const {
  for (const auto& i : items_)
    if (i.flag == flag) return i.value;
  throw std::logic_error("undeclared setting " + flag);
}

Result<long long> Settings::get_int(const std::string& flag, long long lo, long long hi) const {
  const std::string& v = get(flag);
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE || n < lo || n > hi)
    return fail(flag, " '", v, "': expected an integer in ", std::to_string(lo), "..",
                std::to_string(hi));
  return n;
}

bool Settings::given(const std::string& flag) const {
  for (const auto& i : items_)
    if (i.flag == flag) return i.given;
  return false;
}

std::string Settings::help() const {
  std::string out;
  for (const auto& i : items_) {
    std::string left = "  " + i.flag + (i.is_switch ? "" : " VALUE");
    if (left.size() < 26) left.resize(26, ' ');
    out += left + " " + i.help;
    // Every line says where the value may come from, so a reader never has to guess whether
    // an environment variable exists for it.
    out += i.env.empty() ? std::string(" [flag only]") : " [env " + i.env + "]";
    out += " (default: " + (i.def.empty() ? std::string("none") : i.def) + ")\n";
  }
  return out;
}

}  // namespace tickstock::app
