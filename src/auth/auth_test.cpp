#include "auth/auth.h"

#include <gtest/gtest.h>

#include <map>

#include "common/hash.h"
#include "common/ids.h"

namespace agora::auth {
namespace {

// Only what authentication uses: tokens and group owners.
class FakeMetadataStore : public storage::MetadataStore {
 public:
  std::map<std::string, storage::TokenRecord> tokens;
  std::map<std::string, std::string> group_owners;

  Status CreateToken(const storage::TokenRecord& token) override {
    tokens[token.token_hash] = token;
    return Status::Ok();
  }
  Result<storage::TokenRecord> FindToken(const std::string& hash) override {
    auto it = tokens.find(hash);
    if (it == tokens.end()) return Status::NotFound("no token");
    return it->second;
  }
  Result<std::string> GroupOwner(const std::string& group_id) override {
    auto it = group_owners.find(group_id);
    if (it == group_owners.end()) return Status::NotFound("no owner");
    return it->second;
  }
  Status CreateOrganization(const storage::Organization&) override { return Unused(); }
  Result<storage::Organization> GetOrganization(const std::string&) override { return Unused(); }
  Result<std::vector<storage::Organization>> ListOrganizations() override { return Unused(); }
  Result<assets::AssetVersion> GetVersion(const assets::Coordinates&) override { return Unused(); }
  Result<std::vector<assets::AssetVersion>> ListVersions(const std::string&, const std::string&) override { return Unused(); }
  Status PutVersion(const assets::AssetVersion&) override { return Unused(); }
  Status PutVersions(const std::vector<assets::AssetVersion>&) override { return Unused(); }
  Status PutTagDefinition(const storage::TagDefinition&) override { return Unused(); }
  Result<std::vector<storage::TagDefinition>> ListTagDefinitions(const std::string&, const std::string&) override { return Unused(); }
  Status DeleteTagDefinition(const std::string&, const std::string&, const std::string&) override { return Unused(); }
  Status SetVersionTags(const assets::Coordinates&, const std::vector<std::string>&) override { return Unused(); }
  Status SetVersionTagValue(const assets::Coordinates&, const std::string&, const assets::TagValue&) override { return Unused(); }
  Result<std::vector<std::string>> ReferencedBlobs() override { return Unused(); }
  Result<bool> IsBlobReferenced(const std::string&) override { return Unused(); }
  Result<std::vector<assets::AssetVersion>> FindVersions(const storage::AssetQuery&) override { return Unused(); }
  Status SetVersionStatus(const assets::Coordinates&, assets::Lifecycle, int64_t) override { return Unused(); }
  Status UpdateAssetDetails(const std::string&, const std::string&, const storage::AssetDetailsUpdate&, int64_t) override { return Unused(); }
  Result<std::vector<assets::Coordinates>> ListDependents(const assets::Coordinates&) override { return Unused(); }
  Status DeleteVersion(const assets::Coordinates&, bool, int64_t) override { return Unused(); }
  Result<std::vector<storage::DeletedVersion>> ListSoftDeleted(const std::string&, size_t, size_t) override { return Unused(); }
  Result<std::vector<std::string>> ListReservedVersions(const std::string&, const std::string&) override { return Unused(); }
  Status PutJob(const storage::PublicationJob&) override { return Unused(); }
  Result<storage::PublicationJob> GetJob(const std::string&) override { return Unused(); }
  Result<std::vector<storage::PublicationJob>> ListUnfinishedJobs() override { return Unused(); }
  Status CheckIntegrity() override { return Unused(); }

 private:
  static Status Unused() { return Status::Unavailable("not used by auth"); }
};

class AuthTest : public ::testing::Test {
 protected:
  FakeMetadataStore store_;
  Authenticator authenticator_{store_};
};

TEST_F(AuthTest, IssuedTokensAuthenticateAndAreStoredHashed) {
  auto secret = authenticator_.IssueToken("org-1", Role::kContributor, "alice", 0);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->rfind("agora_", 0), 0u);
  ASSERT_EQ(store_.tokens.size(), 1u);
  EXPECT_EQ(store_.tokens.begin()->first, Sha256Hex(*secret)) << "only the hash is stored";
  for (const std::string scheme : {"bearer ", "Bearer ", "BEARER  ", "  bEaReR\t"}) {
    auto principal = authenticator_.Authenticate(scheme + *secret);
    ASSERT_TRUE(principal.ok()) << scheme;
    EXPECT_EQ(principal->organization_id, "org-1");
    EXPECT_EQ(principal->role, Role::kContributor);
    EXPECT_EQ(principal->subject, "alice");
  }
}

TEST_F(AuthTest, RejectsMissingMalformedUnknownAndExpiredTokens) {
  auto secret = authenticator_.IssueToken("org-1", Role::kAdmin, "a", 0);
  const std::vector<std::optional<std::string>> bad = {
      std::nullopt, "", "bearer", "bearer ", "Basic " + *secret, "bearer" + *secret, "bearer unknown",
      "bearer " + *secret + "x", "token " + *secret, "bearer " + *secret + " extra"};
  for (const auto& header : bad) {
    auto result = authenticator_.Authenticate(header);
    ASSERT_FALSE(result.ok()) << header.value_or("<none>");
    EXPECT_EQ(result.status().http_status(), 401);
  }
  auto expiring = authenticator_.IssueToken("org-1", Role::kAdmin, "a", 1);
  for (auto& [hash, record] : store_.tokens)
    if (record.expires_millis != 0) record.expires_millis = NowMillis() - 1;
  EXPECT_EQ(authenticator_.Authenticate("bearer " + *expiring).status().http_status(), 401);
}

TEST(RolesTest, EachRoleAllowsItsActions) {
  const Action all[] = {Action::kRead, Action::kPublish, Action::kManage, Action::kDeprecate, Action::kDelete,
                        Action::kAdminister};
  for (Action a : all) {
    EXPECT_TRUE(Allows(Role::kAdmin, a));
    EXPECT_EQ(Allows(Role::kViewer, a), a == Action::kRead);
    EXPECT_EQ(Allows(Role::kContributor, a), a == Action::kRead || a == Action::kPublish || a == Action::kManage);
  }
  EXPECT_EQ(ParseRole("viewer"), Role::kViewer);
  EXPECT_FALSE(ParseRole("owner"));
}

TEST(AuthorizeTest, OrganisationAndRoleAreChecked) {
  const Principal viewer{"org-1", Role::kViewer, "v"};
  EXPECT_TRUE(Authorize(viewer, "org-1", Action::kRead).ok());
  EXPECT_EQ(Authorize(viewer, "org-1", Action::kPublish).http_status(), 403);
  EXPECT_EQ(Authorize(viewer, "org-2", Action::kRead).http_status(), 403);
  EXPECT_TRUE(Authorize({"org-1", Role::kAdmin, "a"}, "org-1", Action::kDelete).ok());
}

TEST_F(AuthTest, GroupsBelongToTheirFirstPublisher) {
  const Principal alice{"org-1", Role::kContributor, "alice"};
  EXPECT_TRUE(AuthorizeGroup(alice, store_, "org-1", Action::kPublish).ok()) << "the org id is its own group";
  EXPECT_TRUE(AuthorizeGroup(alice, store_, "com.free", Action::kPublish).ok()) << "unowned groups may be claimed";
  store_.group_owners["com.taken"] = "org-2";
  store_.group_owners["com.mine"] = "org-1";
  EXPECT_EQ(AuthorizeGroup(alice, store_, "com.taken", Action::kPublish).http_status(), 403);
  EXPECT_TRUE(AuthorizeGroup(alice, store_, "com.mine", Action::kPublish).ok());
  EXPECT_EQ(AuthorizeGroup({"org-1", Role::kViewer, "v"}, store_, "com.mine", Action::kPublish).http_status(), 403);
}

}  // namespace
}  // namespace agora::auth
