#include "auth/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <limits>
#include <map>

#include "common/hash.h"
#include "common/ids.h"

namespace agora::auth {
namespace {

using ::testing::HasSubstr;

// Only what auth uses: tokens, group owners and organisations. `failure`, when set, is what
// those calls answer, to check that store errors are not mistaken for "unknown".
class FakeMetadataStore : public storage::MetadataStore {
 public:
  std::map<std::string, storage::TokenRecord> tokens;
  std::map<std::string, std::string> group_owners;
  std::map<std::string, storage::Organization> organizations;
  std::optional<Status> failure;
  uint64_t generation = 0;

  Status CreateToken(const storage::TokenRecord& token) override {
    if (failure) return *failure;
    tokens[token.token_hash] = token;
    return Status::Ok();
  }
  Result<storage::TokenRecord> FindToken(const std::string& hash) override { return Find(tokens, hash); }
  Status DeleteToken(const std::string& hash) override {
    if (failure) return *failure;
    return tokens.erase(hash) ? Status::Ok() : Status::NotFound("token not found");
  }
  Result<std::string> GroupOwner(const std::string& group_id) override { return Find(group_owners, group_id); }
  Result<storage::Organization> GetOrganization(const std::string& id) override { return Find(organizations, id); }

  Result<std::vector<storage::Organization>> ListOrganizationTree(const std::string& root) override {
    if (failure) return *failure;
    AGORA_ASSIGN_OR_RETURN(storage::Organization home, Find(organizations, root));
    std::vector<storage::Organization> tree{home};
    for (size_t i = 0; i < tree.size(); ++i)
      for (const auto& [id, o] : organizations)
        if (o.parent_id == tree[i].id) tree.push_back(o);
    return tree;
  }

  Status CreateOrganization(const storage::Organization&) override { return Unused(); }
  Result<std::vector<storage::Organization>> ListOrganizations() override { return Unused(); }
  Result<std::vector<storage::Environment>> ListEnvironments(const std::string&) override { return Unused(); }
  Status CreateUser(const storage::UserRecord&) override { return Unused(); }
  Result<std::string> GetOrCreateSetting(const std::string&, const std::string&) override { return Unused(); }
  Result<std::string> GetCompatibilityRule(const std::string&) override { return Unused(); }
  Status SetCompatibilityRule(const std::string&, const std::string&) override { return Unused(); }
  uint64_t Generation() const override { return generation; }
  Result<storage::UserRecord> FindUser(const std::string&) override { return Unused(); }
  Status CreateClient(const storage::ClientRecord&) override { return Unused(); }
  Result<storage::ClientRecord> FindClient(const std::string&) override { return Unused(); }
  Result<assets::AssetVersion> GetVersion(const assets::Coordinates&) override { return Unused(); }
  Result<std::string> GetApiModel(const assets::Coordinates&) override { return Unused(); }
  Result<std::optional<storage::Portal>> GetPortal(const assets::Coordinates&, bool) override { return Unused(); }
  Status PutPortal(const assets::Coordinates&, bool, const storage::Portal&) override { return Unused(); }
  Status DeletePortal(const assets::Coordinates&, bool) override { return Unused(); }
  Status PublishDraft(const assets::Coordinates&) override { return Unused(); }
  Result<std::vector<assets::AssetVersion>> ListVersions(const std::string&, const std::string&) override { return Unused(); }
  Status PutVersion(const assets::AssetVersion&) override { return Unused(); }
  Status PutVersions(const std::vector<assets::AssetVersion>&) override { return Unused(); }
  Status PutTagDefinition(const storage::TagDefinition&) override { return Unused(); }
  Status UpdateTagDefinition(const storage::TagDefinition&) override { return Unused(); }
  Result<std::vector<storage::TagDefinition>> ListTagDefinitions(const std::string&, const std::string&) override { return Unused(); }
  Status DeleteTagDefinition(const std::string&, const std::string&, const std::string&) override { return Unused(); }
  Status SetVersionTags(const assets::Coordinates&, const std::vector<std::string>&) override { return Unused(); }
  Status SetVersionTagValue(const assets::Coordinates&, const std::string&, const assets::TagValue&) override { return Unused(); }
  Result<std::vector<std::string>> ReferencedBlobs() override { return Unused(); }
  Result<bool> IsBlobReferenced(const std::string&) override { return Unused(); }
  Result<std::vector<assets::AssetVersion>> FindVersions(const storage::AssetQuery&) override { return Unused(); }
  Result<std::vector<storage::VersionFacets>> ListVersionFacets() override { return Unused(); }
  Result<std::vector<int64_t>> MatchVersions(const std::string&) override { return Unused(); }
  Status SetVersionStatus(const assets::Coordinates&, assets::Lifecycle, int64_t) override { return Unused(); }
  Status UpdateAssetDetails(const std::string&, const std::string&, const storage::AssetDetailsUpdate&, int64_t) override { return Unused(); }
  Status SetAssetIcon(const std::string&, const std::string&, const std::optional<assets::AssetFile>&, int64_t) override { return Unused(); }
  Result<std::vector<assets::Coordinates>> ListDependents(const assets::Coordinates&) override { return Unused(); }
  Status DeleteVersion(const assets::Coordinates&, bool, int64_t) override { return Unused(); }
  Result<std::vector<storage::DeletedVersion>> ListSoftDeleted(const std::string&, size_t, size_t) override { return Unused(); }
  Status ForgetSoftDeleted(const assets::Coordinates&) override { return Unused(); }
  Result<std::vector<std::string>> ListReservedVersions(const std::string&, const std::string&) override { return Unused(); }
  Status PutJob(const storage::PublicationJob&) override { return Unused(); }
  Result<storage::PublicationJob> GetJob(const std::string&) override { return Unused(); }
  Result<std::vector<storage::PublicationJob>> ListUnfinishedJobs() override { return Unused(); }
  Result<std::string> PutStagedFile(const storage::StagedFile&) override { return Unused(); }
  Result<std::vector<storage::StagedFile>> ListStagedFiles(const std::string&, const std::string&) override { return Unused(); }
  Status DeleteStagedFiles(const assets::Coordinates&, const std::string&,
                           const std::optional<std::pair<std::string, std::string>>&) override { return Unused(); }
  Result<std::vector<storage::StagedFile>> ListStagedFilesBefore(int64_t) override { return Unused(); }
  Result<std::optional<storage::SnapshotBuildRecord>> GetSnapshotBuild(const assets::Coordinates&) override { return Unused(); }
  Status PutSnapshotBuild(const assets::Coordinates&, const storage::SnapshotBuildRecord&) override { return Unused(); }
  Status CheckIntegrity() override { return Unused(); }
  Result<std::vector<storage::TokenRecord>> ListTokens() override { return Unused(); }
  Status SetTokenExpiry(const std::string&, int64_t) override { return Unused(); }
  Result<std::vector<storage::UserRecord>> ListUsers() override { return Unused(); }
  Status UpdateUser(const storage::UserRecord&, bool) override { return Unused(); }
  Status DeleteUser(const std::string&) override { return Unused(); }
  Result<std::vector<storage::ClientRecord>> ListClients() override { return Unused(); }
  Status SetClientSecret(const std::string&, const std::string&) override { return Unused(); }
  Status DeleteClient(const std::string&) override { return Unused(); }
  Status AddDownloads(const std::vector<storage::DownloadCount>&) override { return Unused(); }
  Result<std::vector<storage::VersionUsage>> GetUsage(const std::string&, const std::string&, int64_t) override {
    return Unused();
  }
  Status Ping() override { return Unused(); }
  Result<std::optional<storage::PublicationJob>> ClaimJob(const std::string&, int64_t, int64_t) override { return Unused(); }
  Status RenewJobLease(const std::string&, const std::string&, int64_t) override { return Unused(); }
  Status UpdateClaimedJob(const storage::PublicationJob&, const std::string&) override { return Unused(); }
  Status ReleaseJobLeases() override { return Unused(); }
  Status PinBlobs(const std::vector<std::string>&, const std::string&, int64_t) override { return Unused(); }
  Status UnpinBlobs(const std::vector<std::string>&, const std::string&) override { return Unused(); }
  Result<std::unique_ptr<HeldLock>> LockBlobs(bool) override { return Unused(); }
  Result<std::unique_ptr<HeldLock>> LockName(const std::string&) override { return Unused(); }
  Result<uint64_t> AddRequestCount(const std::string&, int64_t, uint64_t) override { return Unused(); }

 private:
  template <typename V>
  Result<V> Find(const std::map<std::string, V>& map, const std::string& key) const {
    if (failure) return *failure;
    auto it = map.find(key);
    if (it == map.end()) return Status::NotFound("not found: " + key);
    return it->second;
  }
  static Status Unused() { return Status::Unavailable("not used by auth"); }
};

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override { store_.organizations["org-1"] = storage::Organization{"org-1", "Root", "", 0}; }
  std::string Issue(Role role = Role::kContributor, int64_t ttl_millis = 0) {
    auto secret = authenticator_.IssueToken("org-1", role, "alice", ttl_millis);
    EXPECT_TRUE(secret.ok()) << secret.status().ToString();
    return secret.ok() ? *secret : "";
  }
  storage::TokenRecord& Record(const std::string& secret) { return store_.tokens.at(Sha256Hex(secret)); }

  FakeMetadataStore store_;
  Authenticator authenticator_{store_};
};

TEST_F(AuthTest, IssuedTokensAreRandomAndStoredOnlyAsTheirHash) {
  const std::string secret = Issue();
  ASSERT_EQ(secret.size(), 6u + 64u);
  EXPECT_EQ(secret.substr(0, 6), "agora_");
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef", 6), std::string::npos);
  ASSERT_EQ(store_.tokens.size(), 1u);
  const storage::TokenRecord& record = store_.tokens.begin()->second;
  EXPECT_EQ(record.token_hash, Sha256Hex(secret));
  EXPECT_EQ(record.organization_id, "org-1");
  EXPECT_EQ(record.role, "contributor");
  EXPECT_EQ(record.subject, "alice");
  EXPECT_EQ(record.expires_millis, 0) << "ttl 0 never expires";
  EXPECT_NEAR(static_cast<double>(record.created_millis), static_cast<double>(NowMillis()), 60000.0);
  for (const std::string& field : {record.token_hash, record.organization_id, record.role, record.subject})
    EXPECT_EQ(field.find(secret.substr(6)), std::string::npos) << "the secret is not stored";
  EXPECT_NE(Issue(), secret);
}

TEST_F(AuthTest, AcceptsBearerHeaderVariants) {
  const std::string secret = Issue();
  for (const std::string& header : {"bearer " + secret, "Bearer " + secret, "BEARER   " + secret,
                                   "  bEaReR\t" + secret + " \t", "Bearer\t\t" + secret}) {
    auto principal = authenticator_.Authenticate(header);
    ASSERT_TRUE(principal.ok()) << header;
    EXPECT_EQ(principal->organization_id, "org-1");
    EXPECT_EQ(principal->role, Role::kContributor);
    EXPECT_EQ(principal->subject, "alice");
  }
}

TEST_F(AuthTest, RejectsMissingMalformedAndUnknownCredentials) {
  const std::string secret = Issue(Role::kAdmin);
  const std::vector<std::optional<std::string>> bad = {
      std::nullopt, "", " ", "bearer", "bearer ", "Basic " + secret, "bearer" + secret, "Bearer: " + secret,
      "token " + secret, "bearer unknown", "bearer " + secret + "x", "bearer " + secret.substr(0, 69),
      "bearer " + secret + " extra", "bearer '" + secret + "'", "bearer\n" + secret, "bearer " + secret + "\n",
      "bearer " + std::string(100000, 'a'), "bearer " + secret + std::string(1, '\0'),
      "b\xc3\xa9" "arer " + secret, "bearer bearer " + secret};
  for (const auto& header : bad) {
    auto result = authenticator_.Authenticate(header);
    ASSERT_FALSE(result.ok()) << header.value_or("<none>");
    EXPECT_EQ(result.status().http_status(), 401) << header.value_or("<none>");
    EXPECT_EQ(result.status().code(), "UNAUTHORIZED");
  }
}

TEST_F(AuthTest, ExpiredTokensAreUnknown) {
  const std::string secret = Issue(Role::kViewer, 60000);
  storage::TokenRecord& record = Record(secret);
  EXPECT_EQ(record.expires_millis, record.created_millis + 60000);
  const Authenticator uncached(store_, 0);  // the stored expiry is read afresh each time
  EXPECT_TRUE(uncached.Authenticate("bearer " + secret).ok()) << "valid until it expires";
  record.expires_millis = NowMillis() - 1;
  EXPECT_EQ(uncached.Authenticate("bearer " + secret).status().http_status(), 401);
}

TEST_F(AuthTest, TimeToLiveIsNeverNegativeAndSaturates) {
  auto negative = authenticator_.IssueToken("org-1", Role::kAdmin, "a", -1);
  EXPECT_EQ(negative.status().code(), "INVALID_TTL");
  EXPECT_EQ(negative.status().http_status(), 400);
  EXPECT_TRUE(store_.tokens.empty()) << "a refused token is not stored";
  const std::string forever = Issue(Role::kAdmin, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Record(forever).expires_millis, std::numeric_limits<int64_t>::max()) << "no wrap into the past";
  EXPECT_TRUE(authenticator_.Authenticate("bearer " + forever).ok());
}

TEST_F(AuthTest, ATokenNeedsAnOrganization) {
  EXPECT_EQ(authenticator_.IssueToken("", Role::kAdmin, "a", 0).status().code(), "INVALID_ORGANIZATION");
  EXPECT_TRUE(store_.tokens.empty());
}

TEST_F(AuthTest, ATokenWithAnUnknownRoleAuthenticatesNobody) {
  const std::string secret = Issue();
  Record(secret).role = "owner";
  EXPECT_EQ(authenticator_.Authenticate("bearer " + secret).status().http_status(), 401);
}

TEST_F(AuthTest, StoreFailuresAreNotMistakenForUnknownTokens) {
  const std::string secret = Issue();
  store_.failure = Status::Unavailable("database locked");
  auto result = authenticator_.Authenticate("bearer " + secret);
  EXPECT_EQ(result.status().http_status(), 503);
  EXPECT_EQ(authenticator_.IssueToken("org-1", Role::kAdmin, "a", 0).status().http_status(), 503);
}

TEST(AuthorizeTest, EveryRoleActsOnlyWithinItsOrganization) {
  for (Role role : {Role::kViewer, Role::kContributor, Role::kAdmin}) {
    for (Action action : {Action::kRead, Action::kPublish, Action::kManage, Action::kDeprecate, Action::kDelete,
                          Action::kAdminister}) {
      const Principal principal{"org-1", role, "s"};
      const Status own = Authorize(principal, "org-1", action);
      EXPECT_EQ(own.ok(), Allows(role, action)) << RoleName(role) << " " << ActionName(action);
      if (!own.ok()) {
        EXPECT_EQ(own.http_status(), 403);
        EXPECT_EQ(own.code(), "FORBIDDEN");
        EXPECT_EQ(own.message(), std::string("The role ") + RoleName(role) + " may not " + ActionName(action));
      }
      const Status other = Authorize(principal, "org-2", action);
      EXPECT_EQ(other.http_status(), 403) << RoleName(role) << " " << ActionName(action);
      EXPECT_THAT(other.message(), HasSubstr("does not belong to organization org-2"));
    }
  }
}

TEST_F(AuthTest, GroupsBelongToTheirFirstPublisher) {
  const Principal alice{"org-1", Role::kContributor, "alice"};
  store_.group_owners["com.taken"] = "org-2";
  store_.group_owners["com.mine"] = "org-1";
  EXPECT_TRUE(AuthorizeGroup(alice, store_, alice.organization_id, "org-1", Action::kPublish).ok()) << "the org id is its own group";
  EXPECT_TRUE(AuthorizeGroup(alice, store_, alice.organization_id, "com.free", Action::kPublish).ok()) << "unowned groups may be claimed";
  EXPECT_TRUE(AuthorizeGroup(alice, store_, alice.organization_id, "com.mine", Action::kPublish).ok());
  const Status taken = AuthorizeGroup(alice, store_, alice.organization_id, "com.taken", Action::kPublish);
  EXPECT_EQ(taken.http_status(), 403);
  EXPECT_THAT(taken.message(), HasSubstr("com.taken"));
  EXPECT_EQ(AuthorizeGroup({"org-1", Role::kAdmin, "root"}, store_, "org-1", "com.taken", Action::kPublish).http_status(), 403)
      << "not even an admin of another organisation";
  EXPECT_EQ(AuthorizeGroup(alice, store_, alice.organization_id, "com.taken", Action::kRead).http_status(), 403);
}

TEST_F(AuthTest, AnotherOrganizationsIdIsItsGroupBeforeItPublishes) {
  store_.organizations["org-2"] = storage::Organization{"org-2", "Other", "", 0};
  const Status st = AuthorizeGroup({"org-1", Role::kAdmin, "root"}, store_, "org-1", "org-2", Action::kPublish);
  EXPECT_EQ(st.http_status(), 403);
  EXPECT_THAT(st.message(), HasSubstr("org-2"));
  EXPECT_TRUE(AuthorizeGroup({"org-2", Role::kContributor, "bob"}, store_, "org-2", "org-2", Action::kPublish).ok());
}

TEST_F(AuthTest, GroupAccessNeedsTheRoleFirst) {
  store_.group_owners["com.mine"] = "org-1";
  const Principal viewer{"org-1", Role::kViewer, "v"};
  for (const char* group : {"com.mine", "org-1", "com.free"}) {
    const Status st = AuthorizeGroup(viewer, store_, viewer.organization_id, group, Action::kPublish);
    EXPECT_EQ(st.http_status(), 403) << group;
    EXPECT_EQ(st.message(), "The role viewer may not publish") << group;
  }
  EXPECT_TRUE(AuthorizeGroup(viewer, store_, viewer.organization_id, "com.mine", Action::kRead).ok());
}

TEST_F(AuthTest, PrincipalsAreRememberedBrieflyButExpiryIsAlwaysChecked) {
  const std::string secret = Issue();
  ASSERT_TRUE(authenticator_.Authenticate("Bearer " + secret).ok());
  store_.tokens.clear();
  EXPECT_TRUE(authenticator_.Authenticate("Bearer " + secret).ok()) << "answered from the cache";
  EXPECT_EQ(Authenticator(store_, 0).Authenticate("Bearer " + secret).status().http_status(), 401)
      << "without a cache the store decides";
  Authenticator brief(store_, 20);
  const std::string other = *brief.IssueToken("org-1", Role::kViewer, "v", 0);
  ASSERT_TRUE(brief.Authenticate("Bearer " + other).ok());
  store_.tokens.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(brief.Authenticate("Bearer " + other).status().http_status(), 401) << "the cache entry lapsed";

  const std::string expiring = *authenticator_.IssueToken("org-1", Role::kViewer, "v", 20);
  ASSERT_TRUE(authenticator_.Authenticate("Bearer " + expiring).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(authenticator_.Authenticate("Bearer " + expiring).status().http_status(), 401)
      << "a cached token still expires on time";
}

TEST_F(AuthTest, ARevokedTokenIsRefusedAtOnceEvenWhenCached) {
  const std::string secret = Issue();
  ASSERT_TRUE(authenticator_.Authenticate("Bearer " + secret).ok());
  ASSERT_TRUE(authenticator_.Revoke(secret).ok());
  EXPECT_TRUE(store_.tokens.empty()) << "revoked in the store";
  EXPECT_EQ(authenticator_.Authenticate("Bearer " + secret).status().http_status(), 401) << "and not answered from the cache";
  EXPECT_TRUE(authenticator_.Revoke(secret).ok()) << "revoking an unknown token is harmless";
  store_.failure = Status::IOError("disk");
  EXPECT_EQ(authenticator_.Revoke("agora_other").kind(), Status::Kind::kIOError) << "a store failure is reported";
}

TEST_F(AuthTest, AnyWriteToTheStoreEndsARememberedPrincipal) {
  const std::string secret = Issue();
  ASSERT_TRUE(authenticator_.Authenticate("Bearer " + secret).ok());
  store_.tokens.clear();  // revoked, by this process or another one the store noticed
  ++store_.generation;
  EXPECT_EQ(authenticator_.Authenticate("Bearer " + secret).status().http_status(), 401)
      << "a revoked token stops working at once";
  EXPECT_EQ(authenticator_.cache_hits().hits.load(), 0u);
  EXPECT_EQ(authenticator_.cache_hits().misses.load(), 2u);
}

TEST_F(AuthTest, BusinessGroupsInheritTheirParentsTokens) {
  store_.organizations["org-1a"] = storage::Organization{"org-1a", "Child", "org-1", 0};
  store_.organizations["org-1a1"] = storage::Organization{"org-1a1", "Grandchild", "org-1a", 0};
  store_.organizations["org-2"] = storage::Organization{"org-2", "Other", "", 0};
  auto root = authenticator_.IssueToken("org-1", Role::kContributor, "alice", 0, "user-1");
  auto child = authenticator_.IssueToken("org-1a", Role::kAdmin, "bob", 0);
  ASSERT_TRUE(root.ok() && child.ok());

  auto alice = authenticator_.Authenticate("Bearer " + *root);
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->account_id, "user-1");
  EXPECT_THAT(alice->organization_ids, ::testing::ElementsAre("org-1", "org-1a", "org-1a1"));
  EXPECT_TRUE(Authorize(*alice, "org-1a1", Action::kPublish).ok());
  EXPECT_EQ(Authorize(*alice, "org-2", Action::kRead).http_status(), 403);
  EXPECT_TRUE(AuthorizeGroup(*alice, store_, "org-1a", "com.child", Action::kPublish).ok());

  auto bob = authenticator_.Authenticate("Bearer " + *child);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(Authorize(*bob, "org-1", Action::kRead).http_status(), 403) << "a child's token does not reach its parent";
  EXPECT_TRUE(Authorize(*bob, "org-1a1", Action::kDelete).ok());
}

TEST_F(AuthTest, AGroupBelongsToTheOrganizationItIsPublishedIn) {
  store_.organizations["org-1a"] = storage::Organization{"org-1a", "Child", "org-1", 0};
  store_.group_owners["com.child"] = "org-1a";
  const Principal alice{"org-1", Role::kAdmin, "alice", {"org-1", "org-1a"}};
  EXPECT_TRUE(AuthorizeGroup(alice, store_, "org-1a", "com.child", Action::kPublish).ok());
  EXPECT_EQ(AuthorizeGroup(alice, store_, "org-1", "com.child", Action::kPublish).http_status(), 403)
      << "publishing a child's group under the parent would split the asset between organisations";
  EXPECT_EQ(AuthorizeGroup(alice, store_, "org-1", "org-1a", Action::kPublish).http_status(), 403);
}

TEST_F(AuthTest, GroupStoreFailuresAreReturned) {
  const Principal alice{"org-1", Role::kContributor, "alice"};
  store_.failure = Status::Unavailable("database locked");
  EXPECT_EQ(AuthorizeGroup(alice, store_, alice.organization_id, "com.free", Action::kPublish).http_status(), 503);
  EXPECT_TRUE(AuthorizeGroup(alice, store_, alice.organization_id, "org-1", Action::kPublish).ok()) << "its own id needs no lookup";
}

}  // namespace
}  // namespace agora::auth
