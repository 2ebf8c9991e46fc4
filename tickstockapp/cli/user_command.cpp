// tickstockapp user add NAME [--role user|admin] [--if-no-admin] | user list
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

#include "base/services.h"
#include "cli/commands.h"
#include "settings/settings.h"
#include "web/store/passwords.h"
#include "web/store/pg_account_store.h"

namespace tickstock::app {
namespace {

// The first line of stdin without its line end; empty at end of input.
std::string read_password() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The terminal's settings while echo is off, for the signal handler: a Ctrl-C at the prompt
// must not leave the user's shell without echo.
termios g_saved_tty{};
volatile std::sig_atomic_t g_echo_off = 0;

extern "C" void restore_echo_and_die(int sig) {
  if (g_echo_off != 0) tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_tty);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// `prompt` on stderr, then one line read from the terminal on stdin with echo off.
std::string read_hidden(const char* prompt) {
  termios quiet{};
  const bool tty = tcgetattr(STDIN_FILENO, &g_saved_tty) == 0;
  if (tty) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, restore_echo_and_die);
    quiet = g_saved_tty;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    g_echo_off = 1;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  // Only now: what is typed after the prompt must find echo off already.
  std::fputs(prompt, stderr);
  std::fflush(stderr);
  std::string line = read_password();
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tty);  // keeps what was typed ahead
    g_echo_off = 0;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, SIG_DFL);
  }
  std::fputc('\n', stderr);  // the Enter typed was not echoed either
  return line;
}

// The password of the new user: typed twice at a prompt when stdin is a terminal, else the
// first line of stdin (scripts). Error: the two typed differ.
Result<std::string> new_password(const std::string& name) {
  if (isatty(STDIN_FILENO) == 0) return read_password();
  const std::string first = read_hidden(("Password for " + name + ": ").c_str());
  const std::string again = read_hidden("The same password again: ");
  if (first != again) return fail("the two passwords typed differ");
  return first;
}

int add_user(const Settings& s, PgAccountStore& store, Log& log) {
  const std::string& name = s.args()[1];
  if (auto ok = check_username(name); !ok) {
    log.error("user add: '" + name + "': " + ok.error().message);
    return 2;
  }
  const auto role = parse_role(s.get("--role"));
  if (!role) {
    log.error("user add: --role '" + s.get("--role") + "': expected user or admin");
    return 2;
  }
  if (s.on("--if-no-admin")) {
    auto admins = store.count_admins();
    if (!admins) {
      log.error("user add: " + admins.error().message);
      return 1;
    }
    if (*admins > 0) {
      std::printf("an admin exists already: no user added\n");
      return 0;
    }
  }
  const auto password = new_password(name);
  if (!password) {
    log.error("user add: " + password.error().message);
    return 2;
  }
  if (auto ok = check_password(*password); !ok) {
    log.error("user add: the password: " + ok.error().message);
    return 2;
  }
  auto hash = hash_password(*password);
  if (!hash) {
    log.error("user add: " + hash.error().message);
    return 1;
  }
  auto user = store.create_user(name, *hash, *role, std::time(nullptr));
  if (!user) {
    log.error("user add: " + user.error().message);
    return 1;
  }
  if (!*user) {
    log.error("user add: the username '" + name + "' is taken");
    return 3;
  }
  std::printf("added user %s (%s, id %lld)\n", name.c_str(), role_name(*role),
              static_cast<long long>((*user)->id));
  return 0;
}

int list_users(PgAccountStore& store, Log& log) {
  auto users = store.list_users();
  if (!users) {
    log.error("user list: " + users.error().message);
    return 1;
  }
  std::printf("id\tusername\trole\tenabled\n");
  for (const User& u : *users)
    std::printf("%lld\t%s\t%s\t%s\n", static_cast<long long>(u.id), u.username.c_str(),
                role_name(u.role), u.enabled ? "yes" : "no");
  return 0;
}

}  // namespace

int run_user(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--role", "", "user", "user add: the new user's role, user or admin");
  s.add_switch("--if-no-admin", "", "user add: add the user only when there is no admin yet");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL or conninfo");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("user: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp user add NAME [--role user|admin] [--if-no-admin] [< password]\n"
        "       tickstockapp user list\n\n"
        "Adds a dashboard account or lists the accounts. The password (8 to 1024 bytes, stored\n"
        "as an argon2id hash) is typed twice at a prompt without echo when stdin is a terminal,\n"
        "else it is the first line of stdin. Exit 3: the name is taken.\n\n%s",
        s.help().c_str());
    return 0;
  }
  const auto& args = s.args();
  const bool add = args.size() == 2 && args[0] == "add";
  const bool list = args.size() == 1 && args[0] == "list";
  if (!add && !list) {
    log.error("user: expected `user add NAME` or `user list` (see --help)");
    return 2;
  }
  const std::string& url = s.get("--database-url");
  if (url.empty()) {
    log.error("user: no database: set DATABASE_URL or pass --database-url");
    return 2;
  }
  PgPool pool(url, 1);
  PgAccountStore store(pool);
  return add ? add_user(s, store, log) : list_users(store, log);
}

}  // namespace tickstock::app
