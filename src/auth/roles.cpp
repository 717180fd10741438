#include "auth/roles.h"

namespace agora::auth {

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "contributor") return Role::kContributor;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kContributor: return "contributor";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

const char* ActionName(Action action) {
  switch (action) {
    case Action::kRead: return "read";
    case Action::kPublish: return "publish";
    case Action::kManage: return "manage";
    case Action::kDeprecate: return "deprecate";
    case Action::kDelete: return "delete";
    case Action::kAdminister: return "administer";
  }
  return "read";
}

bool Allows(Role role, Action action) {
  switch (role) {
    case Role::kAdmin: return true;
    case Role::kContributor: return action == Action::kRead || action == Action::kPublish || action == Action::kManage;
    case Role::kViewer: return action == Action::kRead;
  }
  return false;
}

}  // namespace agora::auth
