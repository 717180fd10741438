#include "auth/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace agora::auth {
namespace {

constexpr Action kActions[] = {Action::kRead,      Action::kPublish, Action::kManage,
                               Action::kDeprecate, Action::kDelete,  Action::kAdminister};
constexpr Role kRoles[] = {Role::kViewer, Role::kContributor, Role::kAdmin};

TEST(RolesTest, EveryRoleAndActionPair) {
  struct Row {
    Role role;
    bool read, publish, manage, deprecate, remove, administer;
  };
  const Row table[] = {{Role::kViewer, true, false, false, false, false, false},
                       {Role::kContributor, true, true, true, false, false, false},
                       {Role::kAdmin, true, true, true, true, true, true}};
  for (const Row& row : table) {
    const bool expected[] = {row.read, row.publish, row.manage, row.deprecate, row.remove, row.administer};
    for (size_t i = 0; i < std::size(kActions); ++i)
      EXPECT_EQ(Allows(row.role, kActions[i]), expected[i]) << RoleName(row.role) << " " << ActionName(kActions[i]);
  }
}

TEST(RolesTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (Role role : kRoles) EXPECT_EQ(ParseRole(RoleName(role)), role);
  EXPECT_STREQ(RoleName(Role::kContributor), "contributor");
  for (const char* unknown : {"", "owner", "Admin", "ADMIN", " viewer", "viewer ", "creator"})
    EXPECT_FALSE(ParseRole(unknown)) << unknown;
}

TEST(RolesTest, ActionsHaveDistinctNames) {
  std::set<std::string> names;
  for (Action action : kActions) names.insert(ActionName(action));
  EXPECT_EQ(names.size(), std::size(kActions));
  EXPECT_TRUE(names.count("publish"));
}

}  // namespace
}  // namespace agora::auth
