// Command-line settings with environment fallbacks and documented defaults. Precedence:
// --flag, then the environment variable, then the default. `--help` prints the table.
#ifndef TICKSTOCKAPP_SETTINGS_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_SETTINGS_H_

#include <string>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

class Settings {
 public:
  // Declares a setting taking a value. `env` may be empty.
  void add(std::string flag, std::string env, std::string default_value, std::string help);
  // Declares an on/off flag (given without a value; env accepts 1/0/true/false).
  void add_switch(std::string flag, std::string env, std::string help);
  // Declares a setting that may be repeated: its value is the given values joined by commas
  // (the environment variable's value is one such list; flags given replace it).
  void add_list(std::string flag, std::string env, std::string help);
  // What --help says the default is, where the value itself does not say it ("--from" for an
  // empty --to). REQUIRES: the flag was declared.
  void show_default(const std::string& flag, std::string text);
  // Parses argv (after the command name). Unknown flags and missing values are errors.
  Result<void> parse(int argc, char** argv);
  // The value of a setting, after precedence. REQUIRES: the flag was declared.
  const std::string& get(const std::string& flag) const;
  bool on(const std::string& flag) const { return get(flag) == "1"; }
  // The value as an integer in [lo, hi]; the error names the flag and the value.
  Result<long long> get_int(const std::string& flag, long long lo, long long hi) const;
  // True if given on the command line or in the environment.
  bool given(const std::string& flag) const;
  // Positional arguments.
  const std::vector<std::string>& args() const { return args_; }
  // "  --flag VALUE   help [env ENV] (default: x)" lines; a setting without an environment
  // variable says "[flag only]".
  std::string help() const;
  bool help_requested() const { return help_; }

 private:
  struct Item {
    std::string flag, env, value, help, def;
    bool is_switch = false;
    bool given = false;
    bool is_list = false;
    bool on_command_line = false;
  };
  Item* find(const std::string& flag);
  std::vector<Item> items_;
  std::vector<std::string> args_;
  bool help_ = false;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_SETTINGS_H_
