// Role names.
#include "web/store/account_store.h"

namespace tickstock::app {

const char* role_name(Role r) { return r == Role::kAdmin ? "admin" : "user"; }

std::optional<Role> parse_role(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "user") return Role::kUser;
  return std::nullopt;
}

}  // namespace tickstock::app
