// Accounts over the real SQLite store: users and connected apps log in, get tokens that expire
// and carry their account, and bad credentials are refused alike.
#include "auth/accounts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth/password.h"
#include "common/hash.h"
#include "common/ids.h"
#include "storage/testing.h"

namespace agora::auth {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenSqliteMetadataStore(dir_.str() + "/meta.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    metadata_ = std::move(store).value();
    ASSERT_TRUE(metadata_->CreateOrganization({"org-1", "Root", "", NowMillis()}).ok());
    ASSERT_TRUE(metadata_->CreateOrganization({"org-1a", "Child", "org-1", NowMillis()}).ok());
    accounts_ = std::make_unique<Accounts>(*metadata_, AccountsOptions{90'000});
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::MetadataStore> metadata_;
  std::unique_ptr<Accounts> accounts_;
};

TEST(PasswordTest, HashesAreSaltedArgon2idAndVerify) {
  auto first = HashPassword("correct horse");
  auto second = HashPassword("correct horse");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->rfind("$argon2id$", 0), 0u) << *first;
  EXPECT_NE(*first, *second) << "each hash has its own salt";
  EXPECT_TRUE(VerifyPassword(*first, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*first, "correct horsE"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse"));
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_EQ(HashPassword("").status().code(), "INVALID_PASSWORD");
  EXPECT_EQ(HashPassword(std::string(kMaxPasswordLength + 1, 'x')).status().code(), "INVALID_PASSWORD");
}

TEST_F(AccountsTest, AUserLogsInAndTheTokenCarriesTheAccount) {
  auto id = accounts_->CreateUser("org-1", "jdoe", "s3cret pass", "contributor");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto token = accounts_->LoginWithPassword("jdoe", "s3cret pass");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->expires_in_seconds, 90);
  auto principal = Authenticator(*metadata_).Authenticate("Bearer " + token->access_token);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->account_id, *id);
  EXPECT_EQ(principal->subject, "jdoe");
  EXPECT_EQ(principal->role, Role::kContributor);
  EXPECT_TRUE(principal->MemberOf("org-1a")) << "the child business group follows its parent";
  auto record = metadata_->FindToken(Sha256Hex(token->access_token));
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->expires_millis - record->created_millis, 90'000);
}

TEST_F(AccountsTest, WrongPasswordsAndUnknownUsersAreRefusedAlike) {
  ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "s3cret", "viewer").ok());
  for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
           {"jdoe", "wrong"}, {"nobody", "s3cret"}, {"jdoe", ""}, {"", "s3cret"}, {"jdoe", std::string(5000, 'x')}}) {
    const Status st = accounts_->LoginWithPassword(user, password).status();
    EXPECT_EQ(st.http_status(), 401) << user;
    EXPECT_EQ(st.message(), "Invalid username or password") << user;
  }
}

TEST_F(AccountsTest, UsernamesAreUniqueAndValidated) {
  ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "a", "admin").ok());
  EXPECT_EQ(accounts_->CreateUser("org-1a", "jdoe", "b", "admin").status().code(), "USER_EXISTS");
  EXPECT_EQ(accounts_->CreateUser("org-1", "j doe", "b", "admin").status().code(), "INVALID_USERNAME");
  EXPECT_EQ(accounts_->CreateUser("org-1", "", "b", "admin").status().code(), "INVALID_USERNAME");
  EXPECT_EQ(accounts_->CreateUser("org-1", "x", "", "admin").status().code(), "INVALID_PASSWORD");
  EXPECT_EQ(accounts_->CreateUser("org-1", "x", "b", "owner").status().code(), "INVALID_ROLE");
  EXPECT_EQ(accounts_->CreateUser("org-9", "x", "b", "admin").status().code(), "INVALID_ORGANIZATION");
}

TEST_F(AccountsTest, ConnectedAppsLogInWithClientCredentials) {
  auto app = accounts_->CreateClient("org-1a", "admin", "ci pipeline");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->client_id.size(), 32u);
  EXPECT_EQ(app->client_secret.size(), 64u);
  auto token = accounts_->LoginWithClientCredentials(app->client_id, app->client_secret);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto principal = Authenticator(*metadata_).Authenticate("bearer " + token->access_token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->organization_id, "org-1a");
  EXPECT_EQ(principal->account_id, app->client_id);
  EXPECT_FALSE(principal->MemberOf("org-1")) << "a business group's app does not reach the parent";
  EXPECT_EQ(accounts_->LoginWithClientCredentials(app->client_id, "wrong").status().http_status(), 401);
  EXPECT_EQ(accounts_->LoginWithClientCredentials("unknown", app->client_secret).status().http_status(), 401);
  EXPECT_EQ(accounts_->LoginWithClientCredentials("", "").status().http_status(), 401);
}

TEST_F(AccountsTest, ExpiredLoginTokensAreRefused) {
  Accounts short_lived(*metadata_, AccountsOptions{1});
  ASSERT_TRUE(short_lived.CreateUser("org-1", "brief", "pw", "viewer").ok());
  auto token = short_lived.LoginWithPassword("brief", "pw");
  ASSERT_TRUE(token.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(Authenticator(*metadata_).Authenticate("Bearer " + token->access_token).status().http_status(), 401);
}

TEST_F(AccountsTest, EveryOrganizationHasProductionAndSandboxEnvironments) {
  auto environments = metadata_->ListEnvironments("org-1a");
  ASSERT_TRUE(environments.ok());
  ASSERT_EQ(environments->size(), 2u);
  EXPECT_EQ((*environments)[0].name, "Production");
  EXPECT_TRUE((*environments)[0].is_production);
  EXPECT_EQ((*environments)[1].name, "Sandbox");
  EXPECT_FALSE((*environments)[1].is_production);
  EXPECT_NE((*environments)[0].id, (*environments)[1].id);
  auto tree = metadata_->ListOrganizationTree("org-1");
  ASSERT_TRUE(tree.ok());
  ASSERT_EQ(tree->size(), 2u);
  EXPECT_EQ((*tree)[1].parent_id, "org-1");
  EXPECT_EQ(metadata_->ListOrganizationTree("org-9").status().kind(), Status::Kind::kNotFound);
}

TEST_F(AccountsTest, BasicCredentialsInEachOfExchangesStyles) {
  ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "s3cret pass", "contributor").ok());
  auto client = accounts_->CreateClient("org-1a", "viewer", "ci");
  ASSERT_TRUE(client.ok());
  auto token = accounts_->LoginWithPassword("jdoe", "s3cret pass");
  ASSERT_TRUE(token.ok());

  auto user = accounts_->AuthenticateBasic("jdoe", "s3cret pass");
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->subject, "jdoe");
  EXPECT_EQ(user->role, Role::kContributor);
  EXPECT_TRUE(user->MemberOf("org-1a"));
  auto by_token = accounts_->AuthenticateBasic("~~~Token~~~", token->access_token);
  ASSERT_TRUE(by_token.ok()) << by_token.status().ToString();
  EXPECT_EQ(by_token->account_id, user->account_id);
  auto app = accounts_->AuthenticateBasic("~~~Client~~~", client->client_id + "~?~" + client->client_secret);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->organization_id, "org-1a");
  EXPECT_EQ(app->role, Role::kViewer);
  EXPECT_EQ(app->account_id, client->client_id);
  EXPECT_EQ(metadata_->FindToken(Sha256Hex(client->client_secret)).status().kind(), Status::Kind::kNotFound);

  for (const auto& [name, password] : std::vector<std::pair<std::string, std::string>>{
           {"jdoe", "wrong"},
           {"jdoe", ""},
           {"nobody", "s3cret pass"},
           {"~~~Token~~~", "agora_unknown"},
           {"~~~Token~~~", ""},
           {"~~~Client~~~", client->client_id + client->client_secret},
           {"~~~Client~~~", client->client_id + "~?~wrong"},
           {"~~~Client~~~", "~?~" + client->client_secret},
           {"", ""}}) {
    EXPECT_EQ(accounts_->AuthenticateBasic(name, password).status().kind(), Status::Kind::kUnauthorized)
        << name << ":" << password;
  }
  // A refusal is never remembered, and a remembered success is the same principal.
  EXPECT_FALSE(accounts_->AuthenticateBasic("jdoe", "wrong").ok());
  auto again = accounts_->AuthenticateBasic("jdoe", "s3cret pass");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->account_id, user->account_id);
}

TEST_F(AccountsTest, RememberedBasicCredentialsSkipThePasswordCheck) {
  ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "s3cret pass", "admin").ok());
  ASSERT_TRUE(accounts_->AuthenticateBasic("jdoe", "s3cret pass").ok());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(accounts_->AuthenticateBasic("jdoe", "s3cret pass").ok());
  // Twenty Argon2id checks would take seconds; remembered ones take microseconds.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

TEST_F(AccountsTest, AnUnrelatedWriteRereadsTheAccountButDoesNotCheckThePasswordAgain) {
  ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "s3cret pass", "contributor").ok());
  ASSERT_TRUE(accounts_->AuthenticateBasic("jdoe", "s3cret pass").ok());
  const uint64_t checks = accounts_->password_checks();
  // A Maven deploy writes between its requests (each staged file): its credentials stay good.
  ASSERT_TRUE(metadata_->CreateOrganization({"org-1b", "Another group", "org-1", NowMillis()}).ok());
  auto again = accounts_->AuthenticateBasic("jdoe", "s3cret pass");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(accounts_->password_checks(), checks);
  EXPECT_TRUE(again->MemberOf("org-1b")) << "the account was read again: the new business group is in reach";
}

TEST_F(AccountsTest, AChangedAccountCountsAtOnceForRememberedBasicCredentials) {
  ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "s3cret pass", "contributor").ok());
  ASSERT_TRUE(accounts_->AuthenticateBasic("jdoe", "s3cret pass").ok());
  ASSERT_TRUE(accounts_->SetUserDisabled("jdoe", true).ok());
  EXPECT_EQ(accounts_->AuthenticateBasic("jdoe", "s3cret pass").status().kind(), Status::Kind::kUnauthorized);
  ASSERT_TRUE(accounts_->SetUserDisabled("jdoe", false).ok());
  ASSERT_TRUE(accounts_->AuthenticateBasic("jdoe", "s3cret pass").ok());
  ASSERT_TRUE(accounts_->ResetPassword("jdoe", "new pass phrase").ok());
  EXPECT_EQ(accounts_->AuthenticateBasic("jdoe", "s3cret pass").status().kind(), Status::Kind::kUnauthorized);
  EXPECT_TRUE(accounts_->AuthenticateBasic("jdoe", "new pass phrase").ok());
  ASSERT_TRUE(accounts_->DeleteUser("jdoe").ok());
  EXPECT_EQ(accounts_->AuthenticateBasic("jdoe", "new pass phrase").status().kind(), Status::Kind::kUnauthorized);

  auto app = accounts_->CreateClient("org-1", "viewer", "ci");
  ASSERT_TRUE(app.ok());
  const std::string credentials = app->client_id + "~?~" + app->client_secret;
  ASSERT_TRUE(accounts_->AuthenticateBasic("~~~Client~~~", credentials).ok());
  ASSERT_TRUE(accounts_->RotateClientSecret(app->client_id).ok());
  EXPECT_EQ(accounts_->AuthenticateBasic("~~~Client~~~", credentials).status().kind(), Status::Kind::kUnauthorized);
}

}  // namespace
}  // namespace agora::auth
