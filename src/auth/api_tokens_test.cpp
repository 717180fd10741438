// API tokens over the real SQLite store: issued with a role for an existing organisation, listed
// by organisation, and named by a unique prefix of their hash.
#include "auth/api_tokens.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "auth/auth.h"
#include "common/hash.h"
#include "common/ids.h"
#include "storage/testing.h"

namespace agora::auth {
namespace {

class ApiTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenSqliteMetadataStore(dir_.str() + "/meta.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    metadata_ = std::move(store).value();
    ASSERT_TRUE(metadata_->CreateOrganization({"org-1", "Root", "", NowMillis()}).ok());
    ASSERT_TRUE(metadata_->CreateOrganization({"org-1a", "Child", "org-1", NowMillis()}).ok());
    ASSERT_TRUE(metadata_->CreateOrganization({"org-2", "Other", "", NowMillis()}).ok());
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::MetadataStore> metadata_;
};

TEST_F(ApiTokensTest, AnIssuedTokenActsWithItsRoleInItsOrganization) {
  auto secret = IssueApiToken(*metadata_, "org-1a", "contributor", "ci", 0);
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  auto principal = Authenticator(*metadata_, 0).Authenticate("Bearer " + *secret);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->organization_id, "org-1a");
  EXPECT_EQ(principal->role, Role::kContributor);
  auto stored = metadata_->FindToken(Sha256Hex(*secret));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->subject, "ci");
  EXPECT_EQ(stored->expires_millis, 0) << "never expires";
}

TEST_F(ApiTokensTest, ATimeToLiveSetsTheExpiry) {
  const int64_t before = NowMillis();
  auto secret = IssueApiToken(*metadata_, "org-1", "viewer", "nightly", 86'400'000);
  ASSERT_TRUE(secret.ok());
  auto stored = metadata_->FindToken(Sha256Hex(*secret));
  ASSERT_TRUE(stored.ok());
  EXPECT_GE(stored->expires_millis, before + 86'400'000);
}

TEST_F(ApiTokensTest, RefusesAnUnknownRoleOrganizationOrAnOverLongName) {
  EXPECT_EQ(IssueApiToken(*metadata_, "org-1", "owner", "x", 0).status().code(), "INVALID_ROLE");
  EXPECT_EQ(IssueApiToken(*metadata_, "nowhere", "admin", "x", 0).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(IssueApiToken(*metadata_, "org-1", "admin", std::string(129, 'n'), 0).status().code(), "INVALID_SUBJECT");
  EXPECT_EQ(IssueApiToken(*metadata_, "org-1", "admin", "x", -1).status().http_status(), 400) << "a negative lifetime";
  EXPECT_TRUE(metadata_->ListTokens()->empty()) << "nothing was stored";
}

TEST_F(ApiTokensTest, ListsTheTokensOfTheOrganizationsAsked) {
  ASSERT_TRUE(IssueApiToken(*metadata_, "org-1", "admin", "root", 0).ok());
  ASSERT_TRUE(IssueApiToken(*metadata_, "org-1a", "viewer", "child", 0).ok());
  ASSERT_TRUE(IssueApiToken(*metadata_, "org-2", "admin", "other", 0).ok());
  auto tokens = TokensOf(*metadata_, {"org-1", "org-1a"});
  ASSERT_TRUE(tokens.ok());
  std::vector<std::string> subjects;
  for (const auto& t : *tokens) subjects.push_back(t.subject);
  std::sort(subjects.begin(), subjects.end());  // by creation: two in one millisecond fall in either order
  EXPECT_EQ(subjects, (std::vector<std::string>{"child", "root"}));
}

TEST_F(ApiTokensTest, AnIdIsAUniquePrefixOfTheHash) {
  const std::vector<storage::TokenRecord> tokens = {{"abcdef0123456789", "org-1"}, {"abcdef0199999999", "org-1"}};
  EXPECT_EQ(TokenId(tokens[0]), "abcdef012345");
  EXPECT_EQ(FindTokenById(tokens, "abcdef0123")->token_hash, "abcdef0123456789");
  EXPECT_EQ(FindTokenById(tokens, "abcdef01").status().code(), "INVALID_TOKEN_ID") << "ambiguous";
  EXPECT_EQ(FindTokenById(tokens, "abc").status().code(), "INVALID_TOKEN_ID") << "too short";
  EXPECT_EQ(FindTokenById(tokens, "ffffffffff").status().kind(), Status::Kind::kNotFound);
}

}  // namespace
}  // namespace agora::auth
