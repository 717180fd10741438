#include "portal/token_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

TokenPageState Listed() {
  TokenPageState state;
  state.organization_id = "acme";
  state.organization_name = "Acme";
  state.organizations = {{"acme", "Acme"}, {"team", "Team <b>"}};
  state.csrf_token = "t";
  state.now_millis = 2'000'000'000'000;
  state.tokens.push_back({"0123456789abcdef", "team", "viewer", "<script>ci</script>", 1'700'000'000'000, 1'900'000'000'000});
  return state;
}

TEST(TokenPageTest, ListsTokensByIdWithTheirRevokeFormsAndNoSecret) {
  Html html;
  RenderTokenPage(html, Listed());
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "<td class=\"digest\">0123456789ab</td>")) << "the id, never the hash";
  EXPECT_FALSE(Contains(page, "0123456789abcdef"));
  EXPECT_TRUE(Contains(page, "&lt;script&gt;ci&lt;/script&gt;")) << "names are escaped";
  EXPECT_TRUE(Contains(page, "Team &lt;b&gt;"));
  EXPECT_TRUE(Contains(page, "2030-03-17 (expired)"));
  EXPECT_TRUE(Contains(page, "action=\"/exchange/-/organization/tokens/revoke\""));
  EXPECT_TRUE(Contains(page, "name=\"id\" value=\"0123456789ab\""));
  EXPECT_TRUE(Contains(page, "name=\"csrf\" value=\"t\""));
  EXPECT_FALSE(Contains(page, "not shown again"));
}

TEST(TokenPageTest, ShowsAnIssuedSecretOnce) {
  TokenPageState state = Listed();
  state.issued_secret = "agora_secret";
  Html html;
  RenderTokenPage(html, state);
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "<code>agora_secret</code>"));
  EXPECT_TRUE(Contains(page, "Copy it now: it is not shown again."));
}

TEST(TokenPageTest, LifetimesAreTheFormsOnly) {
  EXPECT_EQ(*TokenLifetime("30d"), 30LL * 86'400'000);
  EXPECT_EQ(*TokenLifetime("never"), 0);
  EXPECT_EQ(TokenLifetime("99y").status().http_status(), 400);
  EXPECT_EQ(TokenLifetime("").status().http_status(), 400);
  EXPECT_EQ(TokenNotice("revoked"), "The token was revoked.");
  EXPECT_EQ(TokenNotice("anything"), "");
}

}  // namespace
}  // namespace agora::portal
