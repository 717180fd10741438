#include "portal/manage_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

assets::AssetVersion Version(assets::Lifecycle status, const std::string& number = "1.0.0") {
  assets::AssetVersion version;
  version.coordinates = {"acme", "orders-api", number};
  version.organization_id = "acme";
  version.status = status;
  return version;
}

auth::Principal Member(auth::Role role, const std::string& organization = "acme") {
  auth::Principal principal;
  principal.organization_id = organization;
  principal.role = role;
  principal.subject = "someone";
  return principal;
}

using L = assets::Lifecycle;

TEST(ManageControlsTest, FollowTheApisRoles) {
  EXPECT_TRUE(ControlsFor(Member(auth::Role::kViewer), Version(L::kDevelopment), "t").empty()) << "viewers manage nothing";
  EXPECT_TRUE(ControlsFor(Member(auth::Role::kAdmin, "globex"), Version(L::kPublished), "t").empty())
      << "nor does another organisation's admin";
  const auto contributor = ControlsFor(Member(auth::Role::kContributor), Version(L::kDevelopment), "t");
  EXPECT_EQ(contributor.status_changes, std::vector<L>{L::kPublished});
  EXPECT_FALSE(contributor.may_delete);
  const auto stable = ControlsFor(Member(auth::Role::kContributor), Version(L::kPublished), "t");
  EXPECT_TRUE(stable.status_changes.empty()) << "deprecating is an administrator's decision";
  EXPECT_TRUE(stable.may_edit) << "editing the details is a contributor's";
  EXPECT_FALSE(ControlsFor(Member(auth::Role::kViewer), Version(L::kPublished), "t").may_edit);
  const auto admin = ControlsFor(Member(auth::Role::kAdmin), Version(L::kPublished), "t");
  EXPECT_EQ(admin.status_changes, std::vector<L>{L::kDeprecated});
  EXPECT_TRUE(admin.may_delete);
  EXPECT_EQ(ControlsFor(Member(auth::Role::kAdmin), Version(L::kDeprecated), "t").status_changes,
            std::vector<L>{L::kPublished});
}

TEST(ManageControlsTest, EveryFormCarriesTheCsrfToken) {
  Html html;
  RenderManageControls(html, Version(L::kPublished), ControlsFor(Member(auth::Role::kAdmin), Version(L::kPublished), "tok\"en"));
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "<form action=\"/exchange/acme/orders-api/1.0.0/status\" method=\"post\">"));
  EXPECT_TRUE(Contains(page, "name=\"csrf\" value=\"tok&quot;en\""));
  EXPECT_TRUE(Contains(page, "name=\"status\" value=\"deprecated\""));
  EXPECT_TRUE(Contains(page, "href=\"/exchange/acme/orders-api/1.0.0/delete\""));
  EXPECT_TRUE(Contains(page, "href=\"/exchange/acme/orders-api/1.0.0/edit\""));
  Html none;
  RenderManageControls(none, Version(L::kPublished), ControlsFor(Member(auth::Role::kViewer), Version(L::kPublished), "t"));
  EXPECT_EQ(none.str(), "");
}

TEST(ManageControlsTest, ARefusalIsAnnouncedWithTheRuleBehindIt) {
  Html html;
  RenderOutcome(html, {"", "Promoting version 1.0.0",
                       Status::InvalidArgument("DEVELOPMENT_DEPENDENCIES", "cannot depend on <b>x</b>")});
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "role=\"alert\""));
  EXPECT_TRUE(Contains(page, "Promoting version 1.0.0 was refused."));
  EXPECT_TRUE(Contains(page, "cannot depend on &lt;b&gt;x&lt;/b&gt;"));
  EXPECT_TRUE(Contains(page, "promote those dependencies first"));
  Html failed;
  RenderOutcome(failed, {"", "Deleting version 1.0.0", Status::IOError("disk /var/secret failed")});
  EXPECT_FALSE(Contains(failed.str(), "/var/secret")) << "a server error says no more than that";
}

TEST(ManageControlsTest, NoticesCannotBeMadeToLie) {
  EXPECT_EQ(DoneNotice("deprecated", Version(L::kDeprecated)), "Version 1.0.0 is now deprecated.");
  EXPECT_EQ(DoneNotice("deprecated", Version(L::kPublished)), "");
  EXPECT_EQ(DoneNotice("published", Version(L::kDevelopment)), "");
  EXPECT_EQ(DoneNotice("anything", Version(L::kPublished)), "");
  EXPECT_EQ(DoneNotice("edited", Version(L::kPublished)), "The changes were saved.");
  const std::vector<assets::AssetVersion> versions{Version(L::kPublished, "2.0.0")};
  EXPECT_EQ(DeletedNotice("1.0.0", versions), "Version 1.0.0 was deleted.");
  EXPECT_EQ(DeletedNotice("2.0.0", versions), "") << "it is still there";
  EXPECT_EQ(DeletedNotice("1.0.0 - call us", versions), "") << "not a version number";
}

}  // namespace
}  // namespace agora::portal
