// Roles a token carries within its organisation, and what each may do: a viewer reads and
// downloads, a contributor also publishes and manages (status, tags, docs), an admin may do
// everything, including deprecating and deleting.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace agora::auth {

enum class Role { kViewer, kContributor, kAdmin };
enum class Action { kRead, kPublish, kManage, kDeprecate, kDelete, kAdminister };

std::optional<Role> ParseRole(std::string_view name);
const char* RoleName(Role role);
const char* ActionName(Action action);
bool Allows(Role role, Action action);

}  // namespace agora::auth
